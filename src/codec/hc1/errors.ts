import { HealthcodeError } from '../healthcode-error.js'
/**
 * The stages of the HC1 verification pipeline, in the order they run. A result names the stage at
 * which it stopped, or `ok`.
 */
export const hc1Stages = [
  'image',
  'prefix',
  'base45',
  'decompress',
  'decode',
  'signature',
  'schema',
  'expired',
  'not_yet_valid',
  'key_usage',
  'revoked',
] as const

/** A stage at which verification can fail. */
export type Hc1FailureStage = (typeof hc1Stages)[number]

/** Every error code the HC1 pipeline reports, each tied to one stage (see `docs/errors.md`). */
export const hc1ErrorStages = {
  ERR_IMAGE_FORMAT: 'image',
  ERR_IMAGE_UNREADABLE: 'image',
  ERR_IMAGE_NO_CODE: 'image',
  ERR_IMAGE_TOO_LARGE: 'image',
  ERR_HC1_PREFIX: 'prefix',
  ERR_HC1_TOO_LONG: 'prefix',
  ERR_HC1_BASE45: 'base45',
  ERR_HC1_NOT_COMPRESSED: 'decompress',
  ERR_HC1_INFLATE: 'decompress',
  ERR_HC1_INFLATE_LIMIT: 'decompress',
  ERR_COSE_CBOR: 'decode',
  ERR_COSE_STRUCTURE: 'decode',
  ERR_CWT_STRUCTURE: 'decode',
  ERR_CWT_CLAIM: 'decode',
  ERR_CWT_NO_PAYLOAD: 'decode',
  ERR_CWT_TWO_PAYLOADS: 'decode',
  ERR_COSE_ALGORITHM: 'signature',
  ERR_COSE_KID_MISSING: 'signature',
  ERR_KEY_NOT_IN_TRUST_LIST: 'signature',
  ERR_COSE_KEY_MISMATCH: 'signature',
  ERR_COSE_SIGNATURE: 'signature',
  ERR_DCC_VERSION: 'schema',
  ERR_DCC_SCHEMA: 'schema',
  ERR_DCC_ENTRIES: 'schema',
  ERR_HC1_PAYLOAD_TYPE: 'schema',
  ERR_ANTIBODY_VERSION: 'schema',
  ERR_ANTIBODY_SCHEMA: 'schema',
  ERR_ANTIBODY_LEVEL: 'schema',
  ERR_STATUS_VERSION: 'schema',
  ERR_STATUS_SCHEMA: 'schema',
  ERR_STATUS_LIFETIME: 'schema',
  ERR_CWT_EXPIRED: 'expired',
  ERR_SIGNER_EXPIRED: 'expired',
  ERR_CWT_NOT_YET_VALID: 'not_yet_valid',
  ERR_SIGNER_NOT_YET_VALID: 'not_yet_valid',
  ERR_KEY_USAGE: 'key_usage',
  ERR_SIGNER_SCOPE: 'key_usage',
  ERR_TRUST_CERTIFICATE: 'signature',
  ERR_TRUST_KEY: 'signature',
  ERR_REVOKED: 'revoked',
} as const satisfies Record<string, Hc1FailureStage>

/** A stable, machine-readable error code of the HC1 pipeline. */
export type Hc1ErrorCode = keyof typeof hc1ErrorStages

/**
 * A failure of one step of the HC1 pipeline. Each step throws it with a stable `code`; the
 * pipeline turns it into a result value at its boundary.
 */
export class Hc1Error extends HealthcodeError<Hc1ErrorCode> {
  override readonly name = 'Hc1Error'

  constructor(code: Hc1ErrorCode, message: string, options?: { cause?: unknown }) {
    // A failed check is an outcome, not a defect: no stack trace, whose capture would cost more
    // than most checks themselves.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(code, message, options)
    Error.stackTraceLimit = stackTraceLimit
  }

  /** The pipeline stage this error belongs to. */
  get stage(): Hc1FailureStage {
    return hc1ErrorStages[this.code]
  }
}
