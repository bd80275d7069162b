import type { JsonValue } from '../hc1/cbor.js'
import type { CoseAlgorithm } from '../hc1/cose.js'
import type { DecodedHc1, RevocationCheck } from '../hc1/verify-hc1.js'
import {
  countryCodeUciHash,
  revocationHashTypes,
  signatureHash,
  uciHash,
  type RevocationHashType,
} from './revocation-hashes.js'
import { normalHash } from './revocation-hash-bytes.js'
import { revocationIdentifiersOf } from './revocation-identifiers.js'
import { RevocationListError } from './revocation-list-error.js'

export { normalHash } from './revocation-hash-bytes.js'

/** One revoked certificate, named by one of its hashes. */
export interface RevocationEntry {
  readonly hashType: RevocationHashType
  /** Base64 of the first 16 bytes of the SHA-256 (see `revocationHashes`). */
  readonly hash: string
}

/**
 * A revocation list held in memory: the verifier's `RevocationCheck`. A certificate is revoked
 * when any of its hashes of a type the list holds is listed. Lookups are set lookups, and only the
 * hash types the list holds are computed.
 *
 * The UVCI is the `ci` of the DCC's single `v`, `t` or `r` entry; payloads of our own that are not
 * an EU DCC (the antibody certificate's `ab`) are read the same way, from every entry with a text
 * `ci` in any top-level array, so such a certificate is revoked when any of its identifiers is. The country of COUNTRYCODEUCI is
 * the issuer (CWT `iss`), or the entry's `co` when the code has no `iss`.
 *
 * @example
 * ```ts
 * const revocation = new RevocationList([{ hashType: 'UCI', hash: 'QjvQqEdjTOjepd1elADyhw==' }])
 * verifyHc1(qr, { trust, at, revocation })
 * ```
 */
export class RevocationList implements RevocationCheck {
  readonly #hashes = new Map<RevocationHashType, Set<string>>()

  /**
   * @throws {RevocationListError} `ERR_REVOCATION_LIST_FORMAT` for an entry whose hash type is
   *   unknown or whose hash is not base64 of 16 bytes.
   */
  constructor(entries: Iterable<RevocationEntry> = []) {
    let index = 0
    for (const entry of entries) {
      this.#add(entry, index++)
    }
  }

  /** How many hashes the list holds. */
  get size(): number {
    let count = 0
    for (const hashes of this.#hashes.values()) count += hashes.size
    return count
  }

  /** The hash types the list holds. */
  get hashTypes(): readonly RevocationHashType[] {
    return revocationHashTypes.filter((type) => this.#hashes.has(type))
  }

  /** Tells whether the list holds a hash (base64, padded or not). */
  has(hashType: RevocationHashType, hash: string): boolean {
    const normal = normalHash(hash)
    return normal !== undefined && (this.#hashes.get(hashType)?.has(normal) ?? false)
  }

  /**
   * Tells whether a verified certificate is on the list. Never throws: a payload without any `ci`
   * can only be revoked by its signature.
   */
  isRevoked(certificate: DecodedHc1, signature: Uint8Array): boolean {
    const bySignature = this.#hashes.get('SIGNATURE')
    if (
      bySignature &&
      bySignature.has(signatureHash(signature, algorithmOf(certificate, signature)))
    ) {
      return true
    }
    const byUci = this.#hashes.get('UCI')
    const byCountryUci = this.#hashes.get('COUNTRYCODEUCI')
    if (!byUci && !byCountryUci) return false
    for (const { uvci, country } of revocationIdentifiersOf(payloadOf(certificate))) {
      if (byUci && byUci.has(uciHash(uvci))) return true
      const issuer = certificate.issuer ?? country
      if (
        byCountryUci &&
        issuer !== undefined &&
        byCountryUci.has(countryCodeUciHash(issuer, uvci))
      ) {
        return true
      }
    }
    return false
  }

  #add(entry: RevocationEntry, index: number): void {
    if (!(revocationHashTypes as readonly unknown[]).includes(entry.hashType)) {
      throw new RevocationListError(
        'ERR_REVOCATION_LIST_FORMAT',
        `revocation list entry ${index}: expected "hashType" to be UCI, COUNTRYCODEUCI or SIGNATURE, but found ${JSON.stringify(entry.hashType)}`,
        { entry: index, field: 'hashType' },
      )
    }
    const hash = typeof entry.hash === 'string' ? normalHash(entry.hash) : undefined
    if (hash === undefined) {
      throw new RevocationListError(
        'ERR_REVOCATION_LIST_FORMAT',
        `revocation list entry ${index}: expected "hash" to be base64 of the first 16 bytes of a SHA-256, but found ${JSON.stringify(entry.hash)}`,
        { entry: index, field: 'hash' },
      )
    }
    let set = this.#hashes.get(entry.hashType)
    if (!set) {
      set = new Set()
      this.#hashes.set(entry.hashType, set)
    }
    set.add(hash)
  }
}

/**
 * The algorithm, which verification has established by the time revocation is checked; should a
 * caller leave it out, a 64-byte signature is ES256 (r ‖ s on P-256) and anything else PS256.
 */
function algorithmOf(certificate: DecodedHc1, signature: Uint8Array): CoseAlgorithm {
  return certificate.algorithm ?? (signature.length === 64 ? 'ES256' : 'PS256')
}

/** The signed payload: the DCC, or the antibody certificate, which is not one. */
function payloadOf(certificate: DecodedHc1): JsonValue | undefined {
  return 'antibody' in certificate ? certificate.antibody : certificate.dcc
}
