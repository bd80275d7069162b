import { X509Certificate } from 'node:crypto'

/** Tells whether `certificate` was signed by `issuer` (for example a DSC by its CSCA). */
export function isSignedBy(certificate: Uint8Array, issuer: Uint8Array): boolean {
  return new X509Certificate(certificate).verify(new X509Certificate(issuer).publicKey)
}
