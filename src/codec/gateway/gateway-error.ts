import { HealthcodeError } from '../healthcode-error.js'
/**
 * The failures of reading a document in the DCC Gateway's formats, each with a stable code (see
 * `docs/errors.md`):
 *
 * - `ERR_GATEWAY_CMS`: a `signature` or a batch is not a CMS SignedData (RFC 5652) as the Gateway
 *   makes them: not base64 DER, not exactly one signer, no signer certificate, an algorithm we do
 *   not verify, or (for an attached message) no content.
 * - `ERR_GATEWAY_SIGNATURE`: the CMS signature does not verify over its content: the entry or batch
 *   was changed after it was signed.
 * - `ERR_GATEWAY_SIGNER`: the CMS verifies, but its signer is not who must sign it: for a CSCA or
 *   UPLOAD entry the configured trust anchor, for a DSC entry or a revocation batch an UPLOAD
 *   certificate of the same country on the list.
 * - `ERR_GATEWAY_FORMAT`: a field is missing or of the wrong form (trust list entry, batch list,
 *   revocation batch), or the thumbprint or kid do not match the certificate.
 * - `ERR_GATEWAY_CHAIN`: a DSC is not signed by a CSCA of its country on the list.
 */
export type GatewayErrorCode =
  | 'ERR_GATEWAY_CMS'
  | 'ERR_GATEWAY_SIGNATURE'
  | 'ERR_GATEWAY_SIGNER'
  | 'ERR_GATEWAY_FORMAT'
  | 'ERR_GATEWAY_CHAIN'

/** A Gateway-format document that cannot be used, and where in it the problem is. */
export class GatewayError extends HealthcodeError<GatewayErrorCode> {
  override readonly name = 'GatewayError'
  /** The index of the entry at fault, when one entry is. */
  readonly entry: number | undefined

  constructor(
    code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown; entry?: number; field?: string },
  ) {
    super(code, message, options)
    this.entry = options?.entry
  }
}
