import { createHash } from 'node:crypto'
import type { CoseAlgorithm } from '../hc1/cose.js'
import {
  countryCodeUciHashBytes,
  revocationHashText,
  signatureHashBytes,
  uciHashBytes,
} from './revocation-hash-bytes.js'

/**
 * The hash types of the EU DCC revocation lists (eHealth Network, DCC revocation technical
 * specification; DCC Gateway `RevocationHashTypeDto`).
 */
export const revocationHashTypes = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const

/** A hash type of a revocation list entry. */
export type RevocationHashType = (typeof revocationHashTypes)[number]

/** What a certificate's revocation hashes are computed from. */
export interface RevocationHashInput {
  /** The unique certificate identifier, exactly as in the DCC's `ci` (`URN:UVCI:01:…` and all). */
  readonly uvci: string
  /** The issuing country, ISO 3166-1 alpha-2, as in the CWT `iss` claim. */
  readonly country: string
  /** The COSE_Sign1 signature as carried: r ‖ s for ES256, the RSA-PSS signature for PS256. */
  readonly signature: Uint8Array
  readonly algorithm: CoseAlgorithm
}

/** A certificate's revocation hashes, one per hash type, each base64 of 16 bytes. */
export type RevocationHashes = Readonly<Record<RevocationHashType, string>>

/**
 * Computes a certificate's revocation hashes, each the first 128 bits (16 bytes) of a SHA-256, in
 * base64, as the EU DCC revocation specification defines them:
 *
 * ```
 * UCI             SHA-256( UTF-8(uvci) )
 * COUNTRYCODEUCI  SHA-256( UTF-8(country ‖ uvci) )        country: the issuer, CWT iss
 * SIGNATURE       SHA-256( r )          for ES256: the first half of r ‖ s, as ECDSA
 *                                        signatures are malleable in s (s and n − s both verify)
 *                 SHA-256( signature )  for PS256: the whole signature
 * ```
 *
 * @example
 * ```ts
 * const { UCI, COUNTRYCODEUCI, SIGNATURE } = revocationHashes({
 *   uvci: 'URN:UVCI:01:RU:SPB1#K', country: 'RU', signature, algorithm: 'ES256',
 * })
 * ```
 */
export function revocationHashes(input: RevocationHashInput): RevocationHashes {
  return {
    UCI: uciHash(input.uvci),
    COUNTRYCODEUCI: countryCodeUciHash(input.country, input.uvci),
    SIGNATURE: signatureHash(input.signature, input.algorithm),
  }
}

/** The `UCI` hash of a UVCI. */
export function uciHash(uvci: string): string {
  return revocationHashText(sha256(uciHashBytes(uvci)))
}

/** The `COUNTRYCODEUCI` hash of an issuing country and a UVCI. */
export function countryCodeUciHash(country: string, uvci: string): string {
  return revocationHashText(sha256(countryCodeUciHashBytes(country, uvci)))
}

/** The `SIGNATURE` hash of a COSE signature. */
export function signatureHash(signature: Uint8Array, algorithm: CoseAlgorithm): string {
  return revocationHashText(sha256(signatureHashBytes(signature, algorithm)))
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest()
}
