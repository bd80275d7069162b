import type { Store, StoreTransaction } from '../ports.js'
import type { CloseContacts, ContactSearch } from './contact-search.js'
import { recordExposures, tellExposed } from './exposure-recording.js'
import type { TracingPolicy } from './tracing-policy.js'
import type { Case, TracingWork } from './tracing.js'

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
 * Tracing's background work: the close contacts' colours and notifications, then the same-venue
 * visitors and contacts of contacts of traced cases — most of a busy case's exposures. A case's
 * confirmation queues the work in its transaction (`tracing_work`, with the people the answer
 * recorded but did not reassess nor tell); this service reassesses those first, tells the close
 * contacts in the transaction that takes the work up (and marks them told in it), then records the
 * rest in batches of `backgroundBatch` exposures, each batch in its own transaction with its
 * notifications and counters, and reassesses each batch's people after it. A crash in between
 * loses nothing: the queued work is taken up again (on start, and by the job), reassesses whom it
 * had not yet, tells the close contacts unless marked told, finds the exposures again the same way
 * and skips what was recorded already (an exposure is unique per person, case and kind), so nobody
 * is told twice.
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
    const tracedAt = new Date(work.tracedAt)
    const taken = await this.store.transaction(async (tx) => {
      const current = await tx.tracing.findWork(work.caseId)
      if (!current || current.tracedAt !== work.tracedAt) return undefined
      const traced = await tx.tracing.findCase(work.caseId)
      if (!traced) {
        await tx.tracing.finishWork(work.caseId, work.tracedAt)
        return undefined
      }
      const close = current.closeContactsTold
        ? undefined
        : await this.#tellCloseContacts(tx, traced, tracedAt)
      await tx.tracing.saveWork(work.caseId, {
        done: 0,
        reassess: [],
        attempted: true,
        closeContactsTold: true,
      })
      return { traced, close }
    })
    if (!taken) return 0
    const planned = await this.contacts.backgroundExposures(taken.traced, tracedAt, taken.close)
    const all = [...planned.exposures.values()]
    let recorded = 0
    for (let start = 0; start < all.length; start += this.policy.backgroundBatch) {
      const batch = all.slice(start, start + this.policy.backgroundBatch)
      const exposed = await this.store.transaction(async (tx) => {
        // Traced again meanwhile (a reopened case): the newer work supersedes this one.
        const current = await tx.tracing.findWork(work.caseId)
        if (!current || current.tracedAt !== work.tracedAt) return undefined
        const added = await recordExposures(tx, batch, work.tracedAt)
        await tellExposed(tx, added, planned.windows, work.tracedAt)
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

  /**
   * Tells the close contacts that the answer of the case traced at `tracedAt` recorded (those
   * recorded before, by an earlier tracing of a reopened case, were told then), with the windows
   * of the close contacts found again; returns what was found for the rest of the work.
   */
  async #tellCloseContacts(
    tx: StoreTransaction,
    traced: Case,
    tracedAt: Date,
  ): Promise<CloseContacts> {
    const close = await this.contacts.closeContacts(tx, traced, tracedAt)
    const recorded = (await tx.tracing.exposuresOfCase(traced.id)).filter(
      (exposure) =>
        exposure.kind === 'close-contact' && Date.parse(exposure.createdAt) === tracedAt.getTime(),
    )
    await tellExposed(tx, recorded, close.windows, tracedAt.toISOString())
    return close
  }
}
