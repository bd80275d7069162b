/** The certificate types a trust list carries: document signers and their country signing CAs. */
export const trustListCertificateTypes = ['DSC', 'CSCA'] as const

/** A certificate type of a trust list entry. */
export type TrustListCertificateType = (typeof trustListCertificateTypes)[number]

/**
 * One entry of a trust list, in the DCC Gateway's JSON shape (`GET /trustList`):
 *
 * ```json
 * { "kid": "rDaQ7oNhzJY=", "timestamp": "2026-11-23T09:00:00Z", "country": "RU",
 *   "certificateType": "DSC", "thumbprint": "9c1f…(64 hex digits)",
 *   "signature": "MEUCIQ…(base64 DER ECDSA)", "rawData": "MIIB…(base64 DER certificate)" }
 * ```
 */
export interface TrustListEntry {
  /** Base64 of the HCERT key identifier: the first 8 bytes of the SHA-256 of the DER. */
  readonly kid: string
  /** When the entry was published, ISO 8601 with a zone (`2026-11-23T09:00:00Z`). */
  readonly timestamp: string
  /** ISO 3166-1 alpha-2. */
  readonly country: string
  readonly certificateType: TrustListCertificateType
  /** Lowercase hex of the SHA-256 of the DER. */
  readonly thumbprint: string
  /**
   * Base64 of the publisher's ECDSA P-256/SHA-256 signature (DER) over the UTF-8 of the canonical
   * JSON (RFC 8785) of the entry without `signature`. In a bare Gateway list: the Gateway's own
   * signature, which this reader does not check.
   */
  readonly signature: string
  /** Base64 of the DER X.509 certificate. */
  readonly rawData: string
}
