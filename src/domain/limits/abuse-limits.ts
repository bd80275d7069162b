/** The abuse limits a deployment sets (environment variables in parentheses, see the README). */
export interface AbuseLimits {
  /** Wrong passwords in a row for one login before it is locked (`SIGN_IN_ACCOUNT_LIMIT`, 5). */
  readonly signInAccountFailures: number
  /** How long the first sign-in lock lasts; doubling after (`SIGN_IN_LOCK_MINUTES`, 15). */
  readonly signInLockMinutes: number
  /** Failed claims in a row, per account and per record, before a lock (`CLAIM_ATTEMPT_LIMIT`, 5). */
  readonly claimFailures: number
  /** How long the first claim lock lasts; doubling after (`CLAIM_LOCK_MINUTES`, 15). */
  readonly claimLockMinutes: number
  /** Commission requests of one person waiting at once (`QUOTA_OPEN_REQUESTS`, 3). */
  readonly openRequests: number
  /** Evidence bytes one person may upload per UTC day (`QUOTA_EVIDENCE_BYTES_PER_DAY`, 50 MiB). */
  readonly evidenceBytesPerDay: number
  /** Check-ins of one person per minute (`QUOTA_CHECKINS_PER_MINUTE`, 10). */
  readonly checkinsPerMinute: number
}

/** The defaults of {@link AbuseLimits}. */
export const defaultAbuseLimits: AbuseLimits = {
  signInAccountFailures: 5,
  signInLockMinutes: 15,
  claimFailures: 5,
  claimLockMinutes: 15,
  openRequests: 3,
  evidenceBytesPerDay: 50 * 1024 * 1024,
  checkinsPerMinute: 10,
}
