import { HealthcodeError } from '../healthcode-error.js'
/**
 * The stages of the SMART Health Card verification pipeline, in the order they run. A result names
 * the stage at which it stopped, or `ok`.
 */
export const shcStages = [
  'prefix',
  'decode',
  'signature',
  'schema',
  'not_yet_valid',
  'expired',
  'revoked',
] as const

/** A stage at which verifying a SMART Health Card can fail. */
export type ShcFailureStage = (typeof shcStages)[number]

/**
 * Every error code the SMART Health Card pipeline reports, each tied to one stage (see
 * `docs/errors.md` and `docs/smart-health-cards.md`).
 */
export const shcErrorStages = {
  ERR_SHC_TOO_LONG: 'prefix',
  ERR_SHC_PREFIX: 'prefix',
  ERR_SHC_CHUNKED: 'prefix',
  ERR_SHC_NUMERIC: 'prefix',
  ERR_SHC_FILE: 'prefix',
  ERR_SHC_JWS: 'decode',
  ERR_SHC_ALGORITHM: 'decode',
  ERR_SHC_ZIP: 'decode',
  ERR_SHC_KID_MISSING: 'decode',
  ERR_SHC_INFLATE: 'decode',
  ERR_SHC_PAYLOAD_TOO_LARGE: 'decode',
  ERR_SHC_PAYLOAD: 'decode',
  ERR_SHC_CLAIM: 'decode',
  ERR_SHC_ISSUER_UNKNOWN: 'signature',
  ERR_SHC_KID_UNKNOWN: 'signature',
  ERR_SHC_SIGNATURE: 'signature',
  ERR_SHC_VC: 'schema',
  ERR_SHC_VC_TYPE: 'schema',
  ERR_SHC_FHIR_BUNDLE: 'schema',
  ERR_SHC_NOT_YET_VALID: 'not_yet_valid',
  ERR_SHC_EXPIRED: 'expired',
  ERR_SHC_REVOKED: 'revoked',
} as const satisfies Record<string, ShcFailureStage>

/** A stable, machine-readable error code of the SMART Health Card pipeline. */
export type ShcErrorCode = keyof typeof shcErrorStages

/**
 * A failure of one step of the SMART Health Card pipeline. Each step throws it with a stable
 * `code`; the pipeline turns it into a result value at its boundary.
 */
export class ShcError extends HealthcodeError<ShcErrorCode> {
  override readonly name = 'ShcError'

  constructor(code: ShcErrorCode, message: string, options?: { cause?: unknown }) {
    // A failed check is an outcome, not a defect: no stack trace, as for Hc1Error.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(code, message, options)
    Error.stackTraceLimit = stackTraceLimit
  }

  /** The pipeline stage this error belongs to. */
  get stage(): ShcFailureStage {
    return shcErrorStages[this.code]
  }
}

/** Where the specification says what a check enforces; messages end with one of these. */
export const shcSpec = {
  compact: 'https://spec.smarthealth.cards/#health-cards-are-compact',
  jws: 'https://spec.smarthealth.cards/#health-cards-are-encoded-as-compact-serialization-json-web-signatures-jws',
  qr: 'https://spec.smarthealth.cards/#encoding-qrs',
  chunking: 'https://spec.smarthealth.cards/#chunking-larger-shcs-deprecated',
  file: 'https://spec.smarthealth.cards/#via-file-download',
  keys: 'https://spec.smarthealth.cards/#determining-keys-associated-with-an-issuer',
  revocation: 'https://spec.smarthealth.cards/#revocation',
  expiration: 'https://spec.smarthealth.cards/#expiration-of-health-cards',
} as const
