import type { SigningKey } from './signing-key.js'

/**
 * The document signers whose certificates we publish to EU verifiers (the DCC Gateway-format trust
 * list): every document signer whose certificate has not expired, retired ones included (codes
 * they signed still verify). This is the one place that decides it, so that when EU-facing and
 * domestic signers are told apart only the EU-facing ones are exported.
 */
export function euFacingDocumentSigners(keys: readonly SigningKey[], now: Date): SigningKey[] {
  return keys.filter(
    (key) => key.purpose === 'document-signer' && Date.parse(key.notAfter) > now.getTime(),
  )
}
