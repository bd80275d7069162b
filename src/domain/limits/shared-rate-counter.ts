import type { Clock } from '../clock.js'
import type { LimitCounterStore } from './limit-counter-store.js'

interface Known {
  /** The window this entry counts. */
  readonly window: number
  /** The count as this process knows it: the shared count last read plus what it added since. */
  count: number
  /** Added here and not yet written to the shared counter. */
  pending: number
}

/**
 * An allowance of `max` per key per window for a hot path (check-ins per person per minute) that
 * must not wait for the database: each process counts in memory and answers at once, and writes
 * its counts to the shared {@link LimitCounterStore} behind the answer, by group commit (one
 * statement per key per write-out, the next write-out starting when the last one ends), learning
 * the other processes' counts from what each write returns. So within one process the limit is
 * exact; across processes sharing a database it holds up to the counts of one write-out in flight
 * (what the other processes took while this one's last write was on its way).
 */
export class SharedRateCounter {
  readonly #known = new Map<string, Known>()
  #writing: Promise<void> | undefined

  constructor(
    private readonly counters: LimitCounterStore,
    private readonly clock: Clock,
    readonly options: { readonly bucket: string; readonly max: number; readonly windowMs: number },
    /** Told when writing the shared counters fails (the local counts still apply). */
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /**
   * Takes one from the key's allowance in the current window: `allowed` false (nothing taken)
   * when the allowance is used up, with when the window ends.
   */
  take(key: string): { allowed: boolean; resetsAt: Date } {
    const now = this.clock().getTime()
    const window = Math.floor(now / this.options.windowMs) * this.options.windowMs
    const resetsAt = new Date(window + this.options.windowMs)
    let known = this.#known.get(key)
    if (!known || known.window !== window) {
      known = { window, count: 0, pending: 0 }
      this.#known.set(key, known)
    }
    if (known.count >= this.options.max) return { allowed: false, resetsAt }
    known.count += 1
    known.pending += 1
    this.#writing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#writeOut())
    return { allowed: true, resetsAt }
  }

  async #writeOut(): Promise<void> {
    try {
      for (;;) {
        const due = [...this.#known].filter(([, known]) => known.pending > 0)
        if (due.length === 0) break
        const now = this.clock()
        const taken = due.map(([, known]) => {
          const by = known.pending
          known.pending = 0
          return by
        })
        // Every key's count in one write: one commit per write-out, however many people.
        let shared: number[]
        try {
          shared = await this.counters.addMany(
            due.map(([key, known], i) => ({
              counter: {
                bucket: this.options.bucket,
                key,
                window: new Date(known.window).toISOString(),
              },
              by: taken[i] as number,
              expiresAt: new Date(known.window + this.options.windowMs),
            })),
            now,
          )
        } catch (error) {
          // Not written: the counts wait for the next write-out (the local counts still apply).
          due.forEach(([, known], i) => (known.pending += taken[i] as number))
          this.onError(error)
          break
        }
        due.forEach(([, known], i) => {
          // What was added here while this write was on its way is in `pending`, not in `shared`.
          known.count = Math.max(known.count, (shared[i] as number) + known.pending)
        })
        this.#forgetPast(now.getTime())
      }
    } finally {
      this.#writing = undefined
    }
  }

  #forgetPast(now: number): void {
    const current = Math.floor(now / this.options.windowMs) * this.options.windowMs
    for (const [key, known] of this.#known) {
      if (known.window < current && known.pending === 0) this.#known.delete(key)
    }
  }

  /** Waits until every count taken so far is written to the shared counters. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing
  }
}
