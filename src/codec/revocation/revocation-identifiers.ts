import type { JsonValue } from '../hc1/cbor.js'

/** The most `ci` entries looked at in one payload: a DCC has one; this bounds odd payloads. */
const MAX_IDENTIFIERS = 64

/** A certificate identifier a revocation list may name, with the entry's country (`co`). */
export interface RevocationIdentifier {
  readonly uvci: string
  readonly country: string | undefined
}

/**
 * The `ci` (and `co`) of every entry in the payload's top-level arrays: `v`, `t`, `r` in a DCC.
 * Shared by the server's revocation list and the door scanner's offline one.
 */
export function revocationIdentifiersOf(payload: JsonValue | undefined): RevocationIdentifier[] {
  const found: RevocationIdentifier[] = []
  if (payload === undefined || payload === null || typeof payload !== 'object') return found
  if (Array.isArray(payload)) return found
  for (const value of Object.values(payload)) {
    if (!Array.isArray(value)) continue
    for (const item of value) {
      if (found.length >= MAX_IDENTIFIERS) return found
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue
      const uvci = item['ci']
      if (typeof uvci !== 'string' || uvci === '') continue
      const country = item['co']
      found.push({ uvci, country: typeof country === 'string' ? country : undefined })
    }
  }
  return found
}
