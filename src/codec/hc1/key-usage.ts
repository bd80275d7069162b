import { Hc1Error } from './errors.js'

/** The kinds of EU DCC: exactly one per certificate. */
export type DccType = 'vaccination' | 'test' | 'recovery'

/**
 * The extended key usage OIDs that restrict a document signer to certificate types (HCERT section
 * 5.4.1), with the variant under `1.3.6.1.4.1.0.1847` that the DCC test vectors and early issuers
 * use.
 */
const usageOids: Record<DccType, readonly string[]> = {
  test: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  vaccination: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  recovery: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
}
const allUsageOids = new Set(Object.values(usageOids).flat())

/**
 * Checks that a signer may sign this type of certificate: a signer whose certificate names none of
 * the DCC usage OIDs may sign every type; one that names some may sign only those.
 *
 * @throws {Hc1Error} `ERR_KEY_USAGE` when the certificate restricts the signer to other types.
 */
export function checkKeyUsage(type: DccType, extendedKeyUsage: readonly string[]): void {
  const dccUsages = extendedKeyUsage.filter((oid) => allUsageOids.has(oid))
  if (dccUsages.length === 0) return
  if (dccUsages.some((oid) => usageOids[type].includes(oid))) return
  const allowed = (Object.keys(usageOids) as DccType[]).filter((t) =>
    usageOids[t].some((oid) => dccUsages.includes(oid)),
  )
  throw new Hc1Error(
    'ERR_KEY_USAGE',
    `expected a signer allowed to sign ${type} certificates (HCERT section 5.4.1), but its certificate allows only ${allowed.join(', ')}`,
  )
}

/**
 * Checks that a signer may sign a Healthcode antibody certificate (`docs/antibody-certificate.md`):
 * only a signer whose certificate does not restrict it to some DCC types, that is one that names
 * none of the DCC usage OIDs (HCERT section 5.4.1: it may sign every type) or names all three. No
 * OID of our own marks antibody signers: verifiers elsewhere would ignore it, so it could not keep
 * such a signer from signing DCCs, and a signer its CSCA limited to some DCC types must not gain a
 * type the CSCA never named.
 *
 * @throws {Hc1Error} `ERR_KEY_USAGE` when the certificate restricts the signer to some DCC types.
 */
export function checkAntibodyKeyUsage(extendedKeyUsage: readonly string[]): void {
  checkUnrestrictedSigner(
    extendedKeyUsage,
    'an antibody certificate (docs/antibody-certificate.md)',
  )
}

/**
 * Checks that a signer may sign a Healthcode health-code token (`docs/health-code-token.md`): the
 * rule of {@link checkAntibodyKeyUsage}, for the same reasons: a signer whose certificate names
 * none of the DCC usage OIDs, or all three.
 *
 * @throws {Hc1Error} `ERR_KEY_USAGE` when the certificate restricts the signer to some DCC types.
 */
export function checkStatusTokenKeyUsage(extendedKeyUsage: readonly string[]): void {
  checkUnrestrictedSigner(extendedKeyUsage, 'a health-code token (docs/health-code-token.md)')
}

/** Refuses a signer that its certificate restricts to some, but not all, DCC types. */
function checkUnrestrictedSigner(extendedKeyUsage: readonly string[], what: string): void {
  const dccUsages = extendedKeyUsage.filter((oid) => allUsageOids.has(oid))
  if (dccUsages.length === 0) return
  const allowed = (Object.keys(usageOids) as DccType[]).filter((t) =>
    usageOids[t].some((oid) => dccUsages.includes(oid)),
  )
  if (allowed.length === Object.keys(usageOids).length) return
  throw new Hc1Error(
    'ERR_KEY_USAGE',
    `expected a signer not restricted to some DCC types to sign ${what}, but its certificate allows only ${allowed.join(', ')}`,
  )
}
