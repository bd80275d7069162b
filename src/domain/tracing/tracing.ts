/** A confirmed case: a positive test in the register, or the health authority's decision. */
export interface Case {
  readonly id: string
  readonly personId: string
  readonly confirmedAt: string
  readonly source: 'test' | 'authority'
  readonly recordId: string | undefined
  readonly createdBy: string
  /** When the authority published the case's venues (anonymously). */
  readonly publishedAt: string | undefined
  readonly district: string | undefined
  /** When the authority closed the case; undefined while it is open. */
  readonly closedAt: string | undefined
}

/** Someone who was where a case was: overlapping in time (close contact) or the same day. */
export interface Exposure {
  readonly id: string
  readonly personId: string
  readonly caseId: string
  readonly kind: 'close-contact' | 'same-venue' | 'secondary-contact'
  readonly venueId: string | undefined
  readonly at: string
  readonly createdAt: string
  readonly district: string | undefined
}

/** A message in a person's feed. */
export interface Notification {
  readonly id: string
  readonly personId: string
  readonly kind: 'exposure' | 'colour-change' | 'commission'
  readonly data: Readonly<Record<string, unknown>>
  readonly createdAt: string
  readonly readAt: string | undefined
}

/**
 * A traced case's background work: its same-venue visitors and contacts of contacts, still to
 * record. Stored in the case's transaction, removed when done; a crash in between leaves it, and
 * the work resumes when a server starts.
 */
export interface TracingWork {
  readonly caseId: string
  /** When the case was traced: the exposures' and notifications' time, the counters' day. */
  readonly tracedAt: string
  /** How many of the planned exposures were handled so far (progress, for operators). */
  readonly done: number
  /**
   * People whose colours are yet to be re-evaluated: the case and its close contacts, as the
   * answer queued them, then the people of the last batch recorded.
   */
  readonly reassess: readonly string[]
  /** How many runs took it up: more than 1 after a crash or a failure. */
  readonly attempts: number
  /** Whether the close contacts the answer recorded were told in their feeds. */
  readonly closeContactsTold: boolean
}
