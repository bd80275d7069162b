/** Kinds of venue; each has its entry policy. */
export const venueCategories = [
  'theatre',
  'museum',
  'restaurant',
  'cinema',
  'concert-hall',
  'sports',
  'shop',
  'office',
  'factory',
  'school',
  'hospital',
  'transport',
  'park',
  'other',
  'administration-service-centre',
] as const
export type VenueCategory = (typeof venueCategories)[number]

/** A place people check in at: a theatre, an office, a park. */
export interface Venue {
  readonly id: string
  readonly name: string
  readonly category: VenueCategory
  readonly address: string
  /** The district's area code (as risk areas name them), for tracing and dashboards. */
  readonly district: string
  readonly companyId: string | undefined
  /** The region the venue is in: its authority oversees it, and its entry policies apply. */
  readonly issuerId?: string | undefined
  /** The venue operator who registered it. */
  readonly operatorAccountId: string
  /** The secret of the printed poster's QR code (`HCV1:<id>.<secret>`); rotating it voids old posters. */
  readonly posterSecret: string
  readonly createdAt: string
}

/**
 * What a venue admits: a green dynamic health code (`acceptGreenCode`; a yellow one too with
 * `admitYellowCode`), or a valid certificate of
 * one of `acceptCertificates` (a negative test no older than `testMaxAgeHours`). Either suffices.
 */
export interface EntryPolicy {
  readonly acceptGreenCode: boolean
  /**
   * Whether a yellow code admits too (where a green one does): the colours a category admits are
   * green, or green and yellow; a red code never admits.
   */
  readonly admitYellowCode?: boolean | undefined
  readonly acceptCertificates: readonly ('vaccination' | 'recovery' | 'test' | 'antibody')[]
  readonly testMaxAgeHours: number
  /** The validity rule set certificates are judged by (default: the deployment's). */
  readonly ruleSet?: string | undefined
  /** The region whose rules of that set apply (the rules' `Region`), e.g. `SPB`; none: national. */
  readonly region?: string | undefined
}

/** One visit: the person scanned the poster, or the operator scanned the person's code. */
export interface Checkin {
  /** The client's id for the check-in (a UUID), so that re-sending it changes nothing. */
  readonly id: string
  readonly venueId: string
  /** The person, when the code names one of ours (a dynamic code, or a certificate we issued). */
  readonly personId: string | undefined
  /** What identified the visitor: a UVCI, or the opaque subject of a dynamic code. */
  readonly subject: string | undefined
  readonly method: 'poster' | 'scan'
  readonly at: string
  readonly colour: 'green' | 'yellow' | 'red' | undefined
  readonly entryAllowed: boolean
  readonly recordedAt: string
}
