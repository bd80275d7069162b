/** One counter of a limit: what is counted (`bucket`), for whom (`key`), and in which window. */
export interface LimitCounterId {
  /** What is counted, e.g. `sign-in.address` or `claim.account:fail`. */
  readonly bucket: string
  /** Whom it is counted for: an address, a login, a person id. */
  readonly key: string
  /** The window the count belongs to: its start (ISO 8601), or a fixed name for streaks and locks. */
  readonly window: string
}

/** One addition of {@link LimitCounterStore.addMany}. */
export interface LimitCounterAddition {
  readonly counter: LimitCounterId
  readonly by: number
  readonly expiresAt: Date
}

/**
 * Where the limits keep their counters: shared by every server process on one database, so that a
 * limit holds however many processes answer. A counter past its `expiresAt` counts as absent (and
 * starts again from the next increment) even before the clean-up deletes it.
 */
export interface LimitCounterStore {
  /**
   * Adds `by` (which may be negative, to give back) to a counter in one atomic statement and
   * returns the new value; a counter that did not exist or had expired starts from `by`. The
   * counter then expires at `expiresAt`.
   */
  add(counter: LimitCounterId, by: number, expiresAt: Date, now: Date): Promise<number>
  /**
   * Adds to several counters at once, as {@link add} does to each, in one write (one commit): the
   * new values, in the order given. The same counter named twice is added to twice.
   */
  addMany(additions: readonly LimitCounterAddition[], now: Date): Promise<number[]>
  /** A live counter's value and expiry, or undefined when there is none. */
  find(counter: LimitCounterId, now: Date): Promise<{ count: number; expiresAt: Date } | undefined>
  /** Deletes the counters of a key in a bucket, in every window. */
  clear(bucket: string, key: string): Promise<void>
  /** Deletes counters that expired before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>
}
