import type { Clock } from '../clock.js'
import type { LimitCounterStore } from './limit-counter-store.js'

/** How much of a fixed window's allowance is taken, and until when. */
export interface WindowUse {
  /** Whether the amount fits within the allowance. */
  readonly allowed: boolean
  /** The count in this window, including the amount when it was allowed. */
  readonly count: number
  /** When the window ends (the limit lets the caller through again). */
  readonly resetsAt: Date
  /** Gives back an allowed amount (the work it paid for did not happen), in the window it was taken. */
  giveBack(): Promise<void>
}

/**
 * An allowance of `max` per key in fixed windows of `windowMs` (aligned to the epoch, so a day
 * window is a UTC day): sign-in attempts per address per minute, evidence bytes per person per day.
 * Counted in the shared {@link LimitCounterStore}, so it holds across server processes.
 */
export class FixedWindowLimit {
  constructor(
    private readonly counters: LimitCounterStore,
    private readonly clock: Clock,
    readonly options: { readonly bucket: string; readonly max: number; readonly windowMs: number },
  ) {}

  #window(now: Date): { start: Date; end: Date } {
    const start = Math.floor(now.getTime() / this.options.windowMs) * this.options.windowMs
    return { start: new Date(start), end: new Date(start + this.options.windowMs) }
  }

  /**
   * Takes `amount` from the key's allowance in the current window, atomically; when it does not
   * fit, gives it back and answers `allowed: false`, so that a refused amount counts for nothing.
   */
  async take(key: string, amount = 1): Promise<WindowUse> {
    const now = this.clock()
    const { start, end } = this.#window(now)
    const id = { bucket: this.options.bucket, key, window: start.toISOString() }
    const count = await this.counters.add(id, amount, end, now)
    const giveBack = async () => {
      await this.counters.add(id, -amount, end, this.clock())
    }
    if (count <= this.options.max) return { allowed: true, count, resetsAt: end, giveBack }
    await giveBack()
    return { allowed: false, count: count - amount, resetsAt: end, giveBack: async () => {} }
  }
}
