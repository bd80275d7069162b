/**
 * What a signing key is for: the deployment's CSCA; an issuer's EU-facing document signer (DSC:
 * EU DCCs only, on the EU-facing trust list); its domestic signer (dynamic codes and antibody
 * certificates, on the domestic list); a document signer made before the two were split, which
 * signed every kind and stays on both lists until its certificate expires (migration
 * `20261206120000-two-signers`); or, for the DCC Gateway's formats, the deployment's trust anchor
 * and UPLOAD certificate (they sign the Gateway-format trust list and revocation batches, never a
 * health code).
 */
export type SigningKeyPurpose =
  | 'csca'
  | 'document-signer'
  | 'domestic-signer'
  | 'legacy-signer'
  | 'gateway-trust-anchor'
  | 'gateway-upload'

/** The two trust lists a document signer is published on: EU-facing, or domestic. */
export type SignerList = 'eu' | 'domestic'

/** The purpose of an issuer's signer on a list. */
export function signerPurposeOf(list: SignerList): 'document-signer' | 'domestic-signer' {
  return list === 'eu' ? 'document-signer' : 'domestic-signer'
}

/**
 * A signing key as stored: its certificate in the clear, its private key sealed by the KeyVault.
 * Retired keys stay, so that codes they signed keep verifying until their certificate expires.
 */
export interface SigningKey {
  readonly id: string
  readonly purpose: SigningKeyPurpose
  /** The issuer a document or domestic signer signs for; undefined for the CSCA. */
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
