import type { Store } from '../ports.js'
import type { ContactSearch } from './contact-search.js'
import { recordExposures } from './exposure-recording.js'
import type { TracingPolicy } from './tracing-policy.js'
import type { TracingWork } from './tracing.js'

/** Re-evaluates people's colours after exposures (the health-code service). */
export type Reassess = (personIds: readonly string[]) => Promise<void>

/** How the background work starts, besides the job that runs it on a schedule and on start. */
export interface TracingBackground {
  /** Start it right after each answer that queued work (a serving process), default false. */
  readonly afterAnswer: boolean
  /** Runs `work` unless another process is running it (the store's advisory lock). */
  readonly runAlone: (work: () => Promise<number>) => Promise<number>
  /** Told when a run started after an answer failed (the work stays queued for the job). */
  readonly onError: (error: unknown) => void
}

/** Runs the work in this process, told to nobody: a process alone on its store, and tests. */
export const inlineTracingBackground: TracingBackground = {
  afterAnswer: false,
  runAlone: (work) => work(),
  onError: () => {},
}

/**
 * Tracing's background work: the close contacts' colours, then the same-venue visitors and
 * contacts of contacts of traced cases — most of a busy case's exposures. A case's confirmation
 * queues the work in its transaction (`tracing_work`, with the people the answer recorded but did
 * not reassess); this service reassesses those first, then records the rest in batches of
 * `backgroundBatch` exposures, each batch in its own transaction with its notifications and
 * counters, and reassesses each batch's people after it. A crash in between loses nothing: the
 * queued work is taken up again (on start, and by the job), reassesses whom it had not yet, finds
 * the exposures again the same way and skips what was recorded already (an exposure is unique per
 * person, case and kind), so nobody is told twice.
 */
export class BackgroundTracingService {
  #draining: Promise<number> | undefined
  #again = false

  constructor(
    private readonly store: Store,
    private readonly contacts: ContactSearch,
    private readonly reassess: Reassess,
    private readonly policy: Pick<TracingPolicy, 'backgroundBatch'>,
    private readonly background: TracingBackground = inlineTracingBackground,
  ) {}

  /**
   * Told that an answer queued work: starts a run right after the answer when this process does
   * (`background.afterAnswer`); else the work waits for the job.
   */
  queued(): void {
    if (!this.background.afterAnswer) return
    // After the answer: the caller's reply goes out before the same-venue work begins.
    setImmediate(() => {
      this.traceQueued().catch((error: unknown) => this.background.onError(error))
    })
  }

  /**
   * Records the queued background work of traced cases (same-venue visitors, contacts of
   * contacts), oldest first, until none is left: in batches of `backgroundBatch` exposures, each
   * with its notifications and counters in one transaction, and the batch's people reassessed
   * after it. One run at a time in a process (a call while one runs joins it, and it looks again
   * for work queued meanwhile), and in every process on the store (`background.runAlone`).
   *
   * @returns how many exposures it recorded.
   */
  traceQueued(): Promise<number> {
    if (this.#draining) {
      this.#again = true
      return this.#draining
    }
    const draining = (async () => {
      let recorded = 0
      do {
        this.#again = false
        recorded += await this.background.runAlone(() => this.#drain())
      } while (this.#again)
      return recorded
    })()
    this.#draining = draining
    const clear = () => {
      if (this.#draining === draining) this.#draining = undefined
    }
    draining.then(clear, clear)
    return draining
  }

  /** Waits for a background run in progress, if any (before the store closes). */
  async finished(): Promise<void> {
    await this.#draining?.catch(() => {})
  }

  async #drain(): Promise<number> {
    let recorded = 0
    for (;;) {
      const queued = await this.store.transaction((tx) => tx.tracing.queuedWork(1))
      const work = queued[0]
      if (!work) return recorded
      recorded += await this.#work(work)
    }
  }

  /** One case's background work, from the start: what was recorded before is skipped. */
  async #work(work: TracingWork): Promise<number> {
    // The close contacts the answer recorded, or the people of a batch a stopped run recorded but
    // had not reassessed yet: their colours first.
    if (work.reassess.length > 0) await this.reassess(work.reassess)
    const found = await this.store.transaction(async (tx) => {
      const current = await tx.tracing.findWork(work.caseId)
      if (!current || current.tracedAt !== work.tracedAt) return undefined
      const traced = await tx.tracing.findCase(work.caseId)
      if (!traced) await tx.tracing.finishWork(work.caseId, work.tracedAt)
      else await tx.tracing.saveWork(work.caseId, { done: 0, reassess: [], attempted: true })
      return traced
    })
    if (!found) return 0
    const planned = await this.contacts.backgroundExposures(found, new Date(work.tracedAt))
    const all = [...planned.exposures.values()]
    let recorded = 0
    for (let start = 0; start < all.length; start += this.policy.backgroundBatch) {
      const batch = all.slice(start, start + this.policy.backgroundBatch)
      const exposed = await this.store.transaction(async (tx) => {
        // Traced again meanwhile (a reopened case): the newer work supersedes this one.
        const current = await tx.tracing.findWork(work.caseId)
        if (!current || current.tracedAt !== work.tracedAt) return undefined
        const added = await recordExposures(tx, batch, planned.windows, work.tracedAt)
        const people = [...new Set(added.map((exposure) => exposure.personId))]
        await tx.tracing.saveWork(work.caseId, {
          done: start + batch.length,
          reassess: people,
        })
        return people
      })
      if (exposed === undefined) return recorded
      recorded += exposed.length
      if (exposed.length > 0) await this.reassess(exposed)
      // Let the process serve requests between batches.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await this.store.transaction((tx) => tx.tracing.finishWork(work.caseId, work.tracedAt))
    return recorded
  }
}
