import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { shcSpec } from './errors.js'
import { describeJsonType } from './input.js'
import { HealthcodeError } from '../healthcode-error.js'

/** The failures of reading an issuer's trust material (see `docs/smart-health-cards.md`). */
export type ShcTrustErrorCode =
  | 'ERR_SHC_TRUST_ISSUER'
  | 'ERR_SHC_TRUST_JWKS'
  | 'ERR_SHC_TRUST_KEY'
  | 'ERR_SHC_TRUST_KID'
  | 'ERR_SHC_TRUST_CRL'

/** An issuer's keys or revocation list that cannot be trusted; nothing of the issuer is added. */
export class ShcTrustError extends HealthcodeError<ShcTrustErrorCode> {
  override readonly name = 'ShcTrustError'
}

/**
 * An issuer to trust, as published: its `iss` URL, the JSON of its key set
 * (`iss + /.well-known/jwks.json`) and of its revocation lists
 * (`iss + /.well-known/crl/<kid>.json`).
 */
export interface ShcIssuer {
  readonly iss: string
  readonly jwks: unknown
  readonly crls?: readonly unknown[] | undefined
}

/** A trusted signing key of an issuer, imported once. */
export interface ShcTrustedKey {
  readonly iss: string
  /** The base64url SHA-256 JWK thumbprint of the key (RFC 7638), checked at import. */
  readonly kid: string
  readonly publicKey: KeyObject
  /** The counter of the key's revocation list, when the issuer publishes one. */
  readonly crlVersion: number | undefined
}

/** An issuer's card revocation list for one key (spec, "Revocation"). */
export interface ShcRevocationList {
  readonly kid: string
  readonly ctr: number
  /**
   * Whether a card with revocation identifier `rid`, issued at `nbf` (seconds), is revoked: `rid`
   * is listed bare, or with a timestamp at or after `nbf`.
   */
  isRevoked(rid: string, nbf: number): boolean
}

interface TrustedIssuer {
  readonly keys: ReadonlyMap<string, ShcTrustedKey>
  readonly revocationLists: ReadonlyMap<string, ShcRevocationList>
}

/**
 * The issuers a verifier trusts, each with its keys and revocation lists, checked and imported
 * once when added. Keys are found by the card's `iss` and `kid`.
 *
 * @example
 * ```ts
 * const crls = [JSON.parse(crlText)]
 * const issuers = new ShcTrustStore([{ iss, jwks: JSON.parse(jwksText), crls }])
 * const result = verifyShc(qrText, { issuers, at: new Date() })
 * ```
 */
export class ShcTrustStore {
  readonly #issuers = new Map<string, TrustedIssuer>()

  /** @throws {ShcTrustError} for the first issuer whose material cannot be trusted. */
  constructor(issuers: Iterable<ShcIssuer> = []) {
    for (const issuer of issuers) this.add(issuer)
  }

  /**
   * Checks and adds an issuer: every key must be an EC P-256 signing key whose `kid` is its
   * thumbprint, and every key that announces a revocation list (`crlVersion`) must have it, at
   * that version. Nothing is added when anything fails.
   *
   * @throws {ShcTrustError} `ERR_SHC_TRUST_ISSUER` for an `iss` that is not an https URL without
   *   a trailing `/`, or one already trusted; `ERR_SHC_TRUST_JWKS` for a key set that is not
   *   `{"keys": [...]}` with a key; `ERR_SHC_TRUST_KEY` for a key that is not a public EC P-256
   *   signing key (or whose `x5c` certificate holds another key); `ERR_SHC_TRUST_KID` for a `kid`
   *   that is not the key's thumbprint; `ERR_SHC_TRUST_CRL` for a revocation list that is
   *   malformed, for an unknown key, at another version than the key's `crlVersion`, or missing.
   */
  add(issuer: ShcIssuer): void {
    const iss = checkIssuerUrl(issuer)
    if (this.#issuers.has(iss)) {
      throw new ShcTrustError('ERR_SHC_TRUST_ISSUER', `issuer ${iss} is already trusted`)
    }
    const keys = readKeySet(iss, issuer.jwks)
    const revocationLists = readRevocationLists(iss, issuer.crls ?? [], keys)
    this.#issuers.set(iss, { keys, revocationLists })
  }

  /** The number of trusted issuers. */
  get size(): number {
    return this.#issuers.size
  }

  /** Whether cards of the issuer `iss` can be verified. */
  hasIssuer(iss: string): boolean {
    return this.#issuers.has(iss)
  }

  /** The `kid`s of an issuer's trusted keys (none for an unknown issuer). */
  kidsOf(iss: string): string[] {
    return [...(this.#issuers.get(iss)?.keys.keys() ?? [])]
  }

  /** The trusted key of issuer `iss` with thumbprint `kid`, if there is one. */
  findKey(iss: string, kid: string): ShcTrustedKey | undefined {
    return this.#issuers.get(iss)?.keys.get(kid)
  }

  /** The revocation list of issuer `iss` for key `kid`, if it publishes one. */
  findRevocationList(iss: string, kid: string): ShcRevocationList | undefined {
    return this.#issuers.get(iss)?.revocationLists.get(kid)
  }
}

/**
 * The base64url SHA-256 thumbprint of an EC public key (RFC 7638 section 3): the hash of its
 * required members in lexicographic order, without whitespace.
 */
export function jwkThumbprint(jwk: {
  readonly crv: string
  readonly kty: string
  readonly x: string
  readonly y: string
}): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  return createHash('sha256').update(canonical).digest('base64url')
}

function checkIssuerUrl(issuer: ShcIssuer): string {
  // Issuers come from JSON files: anything may arrive here.
  const iss: unknown = (issuer as { iss?: unknown } | null)?.iss
  if (typeof iss !== 'string') {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_ISSUER',
      `expected an issuer with an "iss" URL, but ${iss === undefined ? 'it has none' : `found ${describeJsonType(iss)}`}`,
    )
  }
  let url: URL | undefined
  try {
    url = new URL(iss)
  } catch {
    url = undefined
  }
  if (url?.protocol !== 'https:' || iss.endsWith('/')) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_ISSUER',
      `expected "iss" to be an https URL without a trailing "/" (${shcSpec.keys}), but found ${JSON.stringify(iss)}`,
    )
  }
  return iss
}

const BASE64URL = /^[A-Za-z0-9_-]+$/

function readKeySet(iss: string, jwks: unknown): Map<string, ShcTrustedKey> {
  const keys = isObject(jwks) ? jwks['keys'] : undefined
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_JWKS',
      `issuer ${iss}: expected a JSON Web Key Set {"keys": [...]} with at least one key (RFC 7517 section 5), but found ${Array.isArray(keys) ? 'no keys' : describeJsonType(jwks)}`,
    )
  }
  const imported = new Map<string, ShcTrustedKey>()
  keys.forEach((jwk: unknown, index) => {
    const key = importKey(iss, jwk, index)
    const earlier = imported.get(key.kid)
    // One key may be listed once per certificate, all else identical (spec, "Determining keys").
    if (earlier !== undefined && earlier.crlVersion !== key.crlVersion) {
      throw new ShcTrustError(
        'ERR_SHC_TRUST_KID',
        `issuer ${iss}: key ${index} repeats kid ${key.kid} with another crlVersion (${key.crlVersion} against ${earlier.crlVersion})`,
      )
    }
    if (earlier === undefined) imported.set(key.kid, key)
  })
  return imported
}

function importKey(iss: string, jwk: unknown, index: number): ShcTrustedKey {
  const where = `issuer ${iss}: key ${index}`
  const fail: (problem: string) => never = (problem) => {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KEY',
      `${where}: expected a public EC P-256 signing key (${shcSpec.keys}), but ${problem}`,
    )
  }
  if (!isObject(jwk)) return fail(`it is ${describeJsonType(jwk)}`)
  const { kty, crv, use, alg, x, y, kid, crlVersion, x5c } = jwk
  if (kty !== 'EC') fail(`its "kty" is ${JSON.stringify(kty ?? null)}`)
  if (crv !== 'P-256') fail(`its "crv" is ${JSON.stringify(crv ?? null)}`)
  if (use !== undefined && use !== 'sig') fail(`its "use" is ${JSON.stringify(use)}`)
  if (alg !== undefined && alg !== 'ES256') fail(`its "alg" is ${JSON.stringify(alg)}`)
  if ('d' in jwk) fail('it holds the private key ("d"), which must never be published')
  for (const [name, value] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (
      typeof value !== 'string' ||
      !BASE64URL.test(value) ||
      Buffer.from(value, 'base64url').length !== 32
    ) {
      fail(`its "${name}" is not the base64url of 32 bytes`)
    }
  }
  const coordinates = { kty: 'EC', crv: 'P-256', x: x as string, y: y as string }
  let publicKey: KeyObject
  try {
    publicKey = createPublicKey({ key: coordinates, format: 'jwk' })
  } catch (cause) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KEY',
      `${where}: expected a point on the P-256 curve, but ${(cause as Error).message}`,
      { cause },
    )
  }
  const thumbprint = jwkThumbprint(coordinates)
  if (kid !== thumbprint) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KID',
      `${where}: expected "kid" to be the key's SHA-256 JWK thumbprint (RFC 7638) ${thumbprint}, but found ${JSON.stringify(kid ?? null)} (${shcSpec.keys})`,
    )
  }
  if (
    crlVersion !== undefined &&
    (typeof crlVersion !== 'number' || !Number.isInteger(crlVersion) || crlVersion < 1)
  ) {
    fail(`its "crlVersion" is ${JSON.stringify(crlVersion)}, not a counter from 1`)
  }
  if (x5c !== undefined) checkCertificateKey(where, x5c, publicKey)
  return { iss, kid: thumbprint, publicKey, crlVersion: crlVersion as number | undefined }
}

/**
 * Checks that the first certificate of `x5c` holds the same key (spec, "Determining keys"). The
 * chain is not validated: an issuer is trusted because the verifier was given it, not by PKI.
 */
function checkCertificateKey(where: string, x5c: unknown, publicKey: KeyObject): void {
  const first = Array.isArray(x5c) ? x5c[0] : undefined
  if (typeof first !== 'string') {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KEY',
      `${where}: expected "x5c" to be an array of base64 DER certificates (RFC 7517 section 4.7), but found ${describeJsonType(x5c)}`,
    )
  }
  let certificateKey: KeyObject
  try {
    certificateKey = new X509Certificate(Buffer.from(first, 'base64')).publicKey
  } catch (cause) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KEY',
      `${where}: expected the first "x5c" entry to be a base64 DER X.509 certificate, but it does not parse: ${(cause as Error).message}`,
      { cause },
    )
  }
  if (!certificateKey.equals(publicKey)) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_KEY',
      `${where}: expected the first "x5c" certificate to hold the key's own public key (${shcSpec.keys}), but it holds another`,
    )
  }
}

/** A revocation identifier: base64url, at most 24 characters, and an optional `.` timestamp. */
const RID_ENTRY = /^([A-Za-z0-9_-]{1,24})(?:\.(\d{1,15}))?$/

function readRevocationLists(
  iss: string,
  crls: readonly unknown[],
  keys: ReadonlyMap<string, ShcTrustedKey>,
): Map<string, ShcRevocationList> {
  if (!Array.isArray(crls)) {
    throw new ShcTrustError(
      'ERR_SHC_TRUST_CRL',
      `issuer ${iss}: expected "crls" to be an array of revocation lists, but found ${describeJsonType(crls)}`,
    )
  }
  const lists = new Map<string, ShcRevocationList>()
  crls.forEach((crl: unknown, index) => {
    const list = readRevocationList(`issuer ${iss}: revocation list ${index}`, crl, keys)
    if (lists.has(list.kid)) {
      throw new ShcTrustError(
        'ERR_SHC_TRUST_CRL',
        `issuer ${iss}: revocation list ${index} is a second list for kid ${list.kid}`,
      )
    }
    lists.set(list.kid, list)
  })
  for (const key of keys.values()) {
    if (key.crlVersion !== undefined && !lists.has(key.kid)) {
      // The spec has verifiers fetch the list of every key that announces one; without it, a
      // revoked card would pass.
      throw new ShcTrustError(
        'ERR_SHC_TRUST_CRL',
        `issuer ${iss}: key ${key.kid} announces a revocation list (crlVersion ${key.crlVersion}), but none was given: add ${iss}/.well-known/crl/${key.kid}.json to "crls" (${shcSpec.revocation})`,
      )
    }
  }
  return lists
}

function readRevocationList(
  where: string,
  crl: unknown,
  keys: ReadonlyMap<string, ShcTrustedKey>,
): ShcRevocationList {
  const fail: (problem: string) => never = (problem) => {
    throw new ShcTrustError('ERR_SHC_TRUST_CRL', `${where}: ${problem} (${shcSpec.revocation})`)
  }
  if (!isObject(crl)) return fail(`expected a JSON object, but found ${describeJsonType(crl)}`)
  const { kid, method, ctr, rids } = crl
  const key = typeof kid === 'string' ? keys.get(kid) : undefined
  if (key === undefined) {
    return fail(
      `expected "kid" to name a key of the issuer, but found ${JSON.stringify(kid ?? null)}`,
    )
  }
  if (method !== 'rid')
    fail(`expected "method" to be "rid", but found ${JSON.stringify(method ?? null)}`)
  if (typeof ctr !== 'number' || !Number.isInteger(ctr) || ctr < 1) {
    return fail(`expected "ctr" to be a counter from 1, but found ${JSON.stringify(ctr ?? null)}`)
  }
  if (key.crlVersion !== undefined && ctr !== key.crlVersion) {
    fail(
      `expected "ctr" to equal the key's crlVersion ${key.crlVersion}, but found ${ctr}: the list and the key set are of different dates; fetch both again`,
    )
  }
  if (!Array.isArray(rids))
    return fail(`expected "rids" to be an array, but found ${describeJsonType(rids)}`)
  // A bare rid revokes every card that carries it (null); a timestamped one, the cards issued up
  // to that time. Several entries for one rid: the widest wins.
  const revoked = new Map<string, number | null>()
  rids.forEach((entry: unknown, index) => {
    const match = typeof entry === 'string' ? RID_ENTRY.exec(entry) : null
    if (!match) {
      fail(
        `expected rids[${index}] to be a revocation identifier (at most 24 base64url characters, optionally ".timestamp"), but found ${JSON.stringify(entry)}`,
      )
      return
    }
    const rid = match[1] as string
    const until = match[2] === undefined ? null : Number(match[2])
    const earlier = revoked.get(rid)
    if (earlier === null) return
    revoked.set(rid, until === null || earlier === undefined ? until : Math.max(until, earlier))
  })
  return {
    kid: key.kid,
    ctr,
    isRevoked(rid: string, nbf: number): boolean {
      const until = revoked.get(rid)
      if (until === undefined) return false
      // Spec: revoked if "the Health Card's nbf value is before the timestamp"; a card issued at
      // the very second the issuer named is taken as revoked too (it revokes cards "up to" then).
      return until === null || nbf <= until
    },
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
