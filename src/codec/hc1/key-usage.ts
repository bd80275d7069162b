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
