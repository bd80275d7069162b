import type { Store } from '../ports.js'
import type { Checkin } from './venue.js'

/** A counter a check-in adds to, once, if it is new. */
export interface CounterIncrement {
  readonly day: string
  readonly district: string
  readonly metric: string
  readonly by: number
}

interface Pending {
  readonly checkin: Checkin
  readonly counters: readonly CounterIncrement[]
  readonly resolve: (inserted: boolean) => void
  readonly reject: (error: unknown) => void
}

/**
 * Writes check-ins by group commit: requests that arrive while a transaction is committing wait
 * for the next one, which writes all of them (one multi-row INSERT, one fsync). A request's promise
 * settles only when its check-in is durable, so an answer never claims a check-in that a crash
 * could lose; under load, the batches grow and the commits per second stay few.
 */
export class CheckinWriter {
  #queue: Pending[] = []
  #running: Promise<void> | undefined

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 2000,
  ) {}

  /**
   * Queues a check-in and its counters; resolves `true` once it is committed, `false` when a
   * check-in with its id existed (a re-send: nothing is written or counted twice).
   */
  write(checkin: Checkin, counters: readonly CounterIncrement[]): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ checkin, counters, resolve, reject })
      this.#running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#drain())
    })
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch)
        try {
          const inserted = await this.store.appendCheckins(batch)
          // Within one batch, the first of two items with the same id is the one inserted.
          const answered = new Set<string>()
          for (const item of batch) {
            const fresh = inserted.has(item.checkin.id) && !answered.has(item.checkin.id)
            answered.add(item.checkin.id)
            item.resolve(fresh)
          }
        } catch (error) {
          for (const item of batch) item.reject(error)
        }
      }
    } finally {
      this.#running = undefined
    }
  }

  /** Waits until everything queued so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running
  }
}
