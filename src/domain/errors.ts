import { HealthcodeError } from '../codec/healthcode-error.js'

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
  /** A commission request is decided already (or was decided meanwhile). */
  | 'ERR_REQUEST_DECIDED'
  /** Only a refused request is appealed, and only once. */
  | 'ERR_REQUEST_NOT_APPEALABLE'
  /** Approving an antibody level below its threshold. */
  | 'ERR_ANTIBODY_BELOW_THRESHOLD'
  /** The record is no longer valid: its certificate would expire at once. */
  | 'ERR_RECORD_EXPIRED'
  /** A positive test, or an antibody level below its threshold, yields no certificate. */
  | 'ERR_RECORD_YIELDS_NO_CERTIFICATE'
  /** The record has its certificate already. */
  | 'ERR_RECORD_HAS_CERTIFICATE'
  | 'ERR_CERTIFICATE_ALREADY_REVOKED'
  /** A risk area to replace was replaced already. */
  | 'ERR_RISK_AREA_SUPERSEDED'
  /** The stored issuers above one do not lead to a root (a damaged store). */
  | 'ERR_ISSUER_TREE_BROKEN'
  /** Revocation batches from a partner whose Gateway trust list is not imported yet. */
  | 'ERR_GATEWAY_NO_TRUST_LIST'
  /** Reopening a case that is open, or closing one closed already. */
  | 'ERR_CASE_OPEN'
  | 'ERR_CASE_CLOSED'
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
export class DomainError extends HealthcodeError<DomainErrorCode> {
  override readonly name = 'DomainError'

  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(code, message, { field })
  }
}
