import { HealthcodeError } from '../healthcode-error.js'
/**
 * The failures of reading a trust list, each with a stable code (see `docs/errors.md`):
 *
 * - `ERR_TRUST_LIST_FORMAT`: the JSON is not a trust list: not an array of entries, or an entry
 *   lacks a field or has one of the wrong form (base64, ISO 8601 time, alpha-2 country, `DSC` or
 *   `CSCA`, hex thumbprint), or its `rawData` is not a DER X.509 certificate.
 * - `ERR_TRUST_LIST_SIGNATURE`: an entry's `signature` does not verify against the list signer's
 *   certificate: the entry was changed, or signed by someone else.
 * - `ERR_TRUST_LIST_CHAIN`: with a list signer, a DSC is signed neither by a CSCA of its country
 *   in the list nor by the list signer's certificate.
 * - `ERR_TRUST_LIST_THUMBPRINT`: an entry's `thumbprint` is not the SHA-256 of its `rawData`.
 * - `ERR_TRUST_LIST_KID`: a DSC entry's `kid` is not the first 8 bytes of the SHA-256 of its
 *   `rawData` (HCERT section 3.3.2).
 * - `ERR_TRUST_LIST_SIGNER`: the list signer's certificate given to check the list with is not a
 *   certificate with a P-256 key.
 */
export type TrustListErrorCode =
  | 'ERR_TRUST_LIST_FORMAT'
  | 'ERR_TRUST_LIST_SIGNATURE'
  | 'ERR_TRUST_LIST_CHAIN'
  | 'ERR_TRUST_LIST_THUMBPRINT'
  | 'ERR_TRUST_LIST_KID'
  | 'ERR_TRUST_LIST_SIGNER'

/** A trust list that cannot be used, and where in it the problem is. */
export class TrustListError extends HealthcodeError<TrustListErrorCode> {
  override readonly name = 'TrustListError'
  /** The index of the entry at fault, when one entry is. */
  readonly entry: number | undefined

  constructor(
    code: TrustListErrorCode,
    message: string,
    options?: { cause?: unknown; entry?: number; field?: string },
  ) {
    super(code, message, options)
    this.entry = options?.entry
  }
}
