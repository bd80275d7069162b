import { HealthcodeError } from '../healthcode-error.js'
/**
 * The failures of reading a revocation list, each with a stable code (see `docs/errors.md`):
 *
 * - `ERR_REVOCATION_LIST_FORMAT`: the JSON is not a revocation list: not an array of entries or
 *   an object with `entries`, or an entry's `hashType` is not UCI, COUNTRYCODEUCI or SIGNATURE, or
 *   its `hash` is not base64 of 16 bytes, or `issuer`/`timestamp`/`signature` has the wrong form.
 * - `ERR_REVOCATION_LIST_SIGNATURE`: a list signer was required and the list's `signature` is
 *   missing or does not verify against the signer's certificate.
 * - `ERR_REVOCATION_LIST_SIGNER`: the list signer's certificate given to check the list with is
 *   not a certificate with a P-256 key.
 */
export type RevocationListErrorCode =
  'ERR_REVOCATION_LIST_FORMAT' | 'ERR_REVOCATION_LIST_SIGNATURE' | 'ERR_REVOCATION_LIST_SIGNER'

/** A revocation list that cannot be used, and where in it the problem is. */
export class RevocationListError extends HealthcodeError<RevocationListErrorCode> {
  override readonly name = 'RevocationListError'
  /** The index of the entry at fault, when one entry is. */
  readonly entry: number | undefined

  constructor(
    code: RevocationListErrorCode,
    message: string,
    options?: { cause?: unknown; entry?: number; field?: string },
  ) {
    super(code, message, options)
    this.entry = options?.entry
  }
}
