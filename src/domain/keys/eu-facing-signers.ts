import type { SigningKey } from './signing-key.js'

/**
 * The document signers whose certificates we publish to EU verifiers (the DCC Gateway-format trust
 * list): the EU-facing document signers and the signers made before the EU-facing and domestic
 * ones were split (they signed EU DCCs too), whose certificates have not expired, retired ones
 * included (codes they signed still verify). Domestic signers (dynamic codes, antibody
 * certificates) are never exported. This is the one place that decides it.
 */
export function euFacingDocumentSigners(keys: readonly SigningKey[], now: Date): SigningKey[] {
  return keys.filter(
    (key) =>
      (key.purpose === 'document-signer' || key.purpose === 'legacy-signer') &&
      Date.parse(key.notAfter) > now.getTime(),
  )
}
