/** The codes of domain failures; `api/errors.ts` maps each to an HTTP status. */
export type DomainErrorCode =
  | 'ERR_NOT_FOUND'
  | 'ERR_FORBIDDEN'
  | 'ERR_CONFLICT'
  | 'ERR_INVALID_FIELD'
  | 'ERR_SIGN_IN_FAILED'
  | 'ERR_CLAIM_MISMATCH'
  | 'ERR_ALREADY_CLAIMED'
  | 'ERR_SIGNING_UNAVAILABLE'
  | 'ERR_APPEAL_SAME_MEMBER'
  | 'ERR_INVALID_STATE'
  | 'ERR_ATTACHMENT'
  | 'ERR_TRUST_LIST_FETCH'
  | 'ERR_SCAN_TIME_NOT_QUEUED'
  | 'ERR_SCAN_TIME_TOO_OLD'
  | 'ERR_UVCI_CHECK'
  | 'ERR_CLAIM_LOCKED'
  | 'ERR_SIGN_IN_LOCKED'
  | 'ERR_QUOTA_OPEN_REQUESTS'
  | 'ERR_QUOTA_EVIDENCE_BYTES'
  | 'ERR_QUOTA_CHECKINS'
  | 'ERR_EMPTY_RULE_SET'
  | 'ERR_GATEWAY_BATCH_GONE'

/** A failure of a domain operation: a stable code, a message, and the field it concerns. */
export class DomainError extends Error {
  override readonly name = 'DomainError'

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}
