/**
 * What a signing key is for: the deployment's CSCA, an issuer's document signer (DSC), or, for
 * the DCC Gateway's formats, the deployment's trust anchor and UPLOAD certificate (they sign the
 * Gateway-format trust list and revocation batches, never a health code).
 */
export type SigningKeyPurpose =
  'csca' | 'document-signer' | 'gateway-trust-anchor' | 'gateway-upload'

/**
 * A signing key as stored: its certificate in the clear, its private key sealed by the KeyVault.
 * Retired keys stay, so that codes they signed keep verifying until their certificate expires.
 */
export interface SigningKey {
  readonly id: string
  readonly purpose: SigningKeyPurpose
  /** The issuer a document signer signs for; undefined for the CSCA. */
  readonly issuerId: string | undefined
  /** Base64 of the 8-byte HCERT kid (first 8 bytes of the SHA-256 of the DER certificate). */
  readonly kid: string
  /** The X.509 certificate, PEM. */
  readonly certificatePem: string
  /** The PKCS #8 private key sealed by the KeyVault (`hckv1.…`); never leaves the server. */
  readonly sealedPrivateKey: string
  readonly status: 'active' | 'retired'
  readonly notBefore: string
  readonly notAfter: string
  readonly createdAt: string
  readonly retiredAt: string | undefined
}
