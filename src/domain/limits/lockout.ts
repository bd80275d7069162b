import type { Clock } from '../clock.js'
import type { LimitCounterStore } from './limit-counter-store.js'

/** How a {@link Lockout} counts failures and how long it locks. */
export interface LockoutPolicy {
  /** Names the counters (`<bucket>:fail`, `<bucket>:lock`). */
  readonly bucket: string
  /** Failures in a row that lock the key (5). */
  readonly failures: number
  /** How long the first lock lasts (15 minutes); each further lock lasts twice the one before. */
  readonly lockMs: number
  /** The longest a lock lasts (a day). */
  readonly maxLockMs: number
  /** A streak of failures is forgotten this long after its last failure (a day). */
  readonly streakMs: number
}

const DAY = 86_400_000

/** The policy of a lockout with `failures` and `lockMinutes` and the usual day-long bounds. */
export function lockoutPolicy(
  bucket: string,
  failures: number,
  lockMinutes: number,
): LockoutPolicy {
  const lockMs = lockMinutes * 60_000
  return { bucket, failures, lockMs, maxLockMs: Math.max(DAY, lockMs), streakMs: DAY }
}

/**
 * Locks a key (an account, a login, a target record) out after repeated failures, with exponential
 * back-off: every `failures`-th failure in a streak locks it, the first time for `lockMs`, then for
 * twice as long each time, up to `maxLockMs`. While locked, callers are refused before the
 * attempt is even checked, so a guess made during a lock tells nothing. The counters live in the
 * shared {@link LimitCounterStore}: a lock holds for every server process.
 */
export class Lockout {
  constructor(
    private readonly counters: LimitCounterStore,
    private readonly clock: Clock,
    readonly policy: LockoutPolicy,
  ) {}

  /** When the latest lock among the keys ends, or undefined when none of them is locked. */
  async lockedUntil(keys: readonly string[]): Promise<Date | undefined> {
    const now = this.clock()
    let until: Date | undefined
    for (const key of keys) {
      const lock = await this.counters.find(this.#lockId(key), now)
      if (lock && (until === undefined || lock.expiresAt > until)) until = lock.expiresAt
    }
    return until
  }

  /**
   * Counts a failure for each key; locks a key whose streak reaches a multiple of `failures`.
   * Returns when the latest lock it set ends, if it set one.
   */
  async fail(keys: readonly string[]): Promise<Date | undefined> {
    const now = this.clock()
    let until: Date | undefined
    for (const key of keys) {
      const streak = await this.counters.add(
        { bucket: `${this.policy.bucket}:fail`, key, window: 'streak' },
        1,
        new Date(now.getTime() + this.policy.streakMs),
        now,
      )
      if (streak % this.policy.failures !== 0) continue
      const locks = streak / this.policy.failures
      const lockMs = Math.min(
        this.policy.maxLockMs,
        this.policy.lockMs * 2 ** Math.min(locks - 1, 30),
      )
      const end = new Date(now.getTime() + lockMs)
      // The lock's expiry is the lock: the count only says how many locks this streak has had.
      await this.counters.add(this.#lockId(key), 1, end, now)
      if (until === undefined || end > until) until = end
    }
    return until
  }

  /** Forgets the keys' failures and locks (after a success). */
  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await this.counters.clear(`${this.policy.bucket}:fail`, key)
      await this.counters.clear(`${this.policy.bucket}:lock`, key)
    }
  }

  #lockId(key: string) {
    return { bucket: `${this.policy.bucket}:lock`, key, window: 'lock' }
  }
}
