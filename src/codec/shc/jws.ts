import type { JsonValue } from '../hc1/index.js'
import { ShcError, shcSpec } from './errors.js'
import { inflateShcPayload } from './inflate.js'
import { describeJsonType } from './input.js'

/**
 * The three base64url segments of a compact JWS (RFC 7515 section 7.1), as received:
 *
 * ```
 * eyJhbGciOi… . 3ZJNb9QwEI… . mCxN7u3b…
 * └ header ──┘   └ payload ─┘   └ signature ┘
 * └──── signed bytes (ASCII) ─┘
 * ```
 */
export interface CompactJws {
  readonly header: string
  readonly payload: string
  readonly signature: string
  /** `header.payload`, the exact bytes the signature covers (RFC 7515 section 5.2). */
  readonly signingInput: string
}

/** The header parameters a SMART Health Card must carry (spec, "Health Cards are Compact"). */
export interface ShcHeader {
  readonly alg: 'ES256'
  readonly zip: 'DEF'
  /** The base64url SHA-256 JWK thumbprint of the issuer's signing key (RFC 7638). */
  readonly kid: string
}

/** The registered JWT claims a SMART Health Card relies on, checked for type. */
export interface ShcClaims {
  /** The issuer's URL; its keys are at `iss + /.well-known/jwks.json`. */
  readonly iss: string
  /** Issuance time ("not before"), seconds since the epoch (RFC 7519 NumericDate). */
  readonly nbf: number
  /** Optional expiry, seconds since the epoch. */
  readonly exp: number | undefined
}

const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * Splits a compact JWS into its three segments.
 *
 * @throws {ShcError} `ERR_SHC_JWS` unless the text is three non-empty base64url segments joined by
 *   dots.
 */
export function splitCompactJws(jws: string): CompactJws {
  const parts = jws.split('.')
  if (parts.length !== 3) {
    throw new ShcError(
      'ERR_SHC_JWS',
      `expected a compact JWS of three base64url parts joined by "." (RFC 7515 section 7.1, ${shcSpec.jws}), but found ${parts.length} part${parts.length === 1 ? '' : 's'}`,
    )
  }
  const [header, payload, signature] = parts as [string, string, string]
  for (const [name, segment] of [
    ['header', header],
    ['payload', payload],
    ['signature', signature],
  ] as const) {
    if (segment.length === 0 || !BASE64URL.test(segment) || segment.length % 4 === 1) {
      throw new ShcError(
        'ERR_SHC_JWS',
        `expected the JWS ${name} to be unpadded base64url (RFC 7515 section 2), but ${segment.length === 0 ? 'it is empty' : 'it is not'}`,
      )
    }
  }
  return { header, payload, signature, signingInput: `${header}.${payload}` }
}

/**
 * Decodes the JWS header segment to its JSON object, without checking its parameters.
 *
 * @throws {ShcError} `ERR_SHC_JWS` when it is not a UTF-8 JSON object, or when it names critical
 *   extensions (`crit`, RFC 7515 section 4.1.11), which this verifier does not implement.
 */
export function decodeShcHeader(segment: string): Record<string, JsonValue> {
  const header = parseJsonObject(Buffer.from(segment, 'base64url'))
  if (typeof header === 'string') {
    throw new ShcError('ERR_SHC_JWS', `expected the JWS header to be a JSON object, but ${header}`)
  }
  if ('crit' in header) {
    throw new ShcError(
      'ERR_SHC_JWS',
      `expected no critical header extensions, but the header has "crit": ${JSON.stringify(header['crit'])} (RFC 7515 section 4.1.11)`,
    )
  }
  return header
}

/**
 * Checks the header parameters every SMART Health Card carries: `alg` ES256, `zip` DEF, a `kid`.
 *
 * @throws {ShcError} `ERR_SHC_ALGORITHM`, `ERR_SHC_ZIP` or `ERR_SHC_KID_MISSING`.
 */
export function checkShcHeader(header: Record<string, JsonValue>): ShcHeader {
  const { alg, zip, kid } = header
  if (alg !== 'ES256') {
    throw new ShcError(
      'ERR_SHC_ALGORITHM',
      `expected the JWS header's "alg" to be "ES256" (${shcSpec.compact}), but found ${describeValue(alg)}`,
    )
  }
  if (zip !== 'DEF') {
    throw new ShcError(
      'ERR_SHC_ZIP',
      `expected the JWS header's "zip" to be "DEF", a raw DEFLATE payload (${shcSpec.compact}), but found ${describeValue(zip)}`,
    )
  }
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new ShcError(
      'ERR_SHC_KID_MISSING',
      `expected the JWS header to have a "kid", the thumbprint of the issuer's key (${shcSpec.compact}), but found ${describeValue(kid)}`,
    )
  }
  return { alg, zip, kid }
}

/**
 * Decodes the JWS payload segment: base64url, raw DEFLATE (capped), then a UTF-8 JSON object.
 *
 * @throws {ShcError} `ERR_SHC_INFLATE` or `ERR_SHC_PAYLOAD_TOO_LARGE` from inflating,
 *   `ERR_SHC_PAYLOAD` when the inflated bytes are not a UTF-8 JSON object.
 */
export function decodeShcPayload(segment: string): Record<string, JsonValue> {
  const payload = parseJsonObject(inflateShcPayload(Buffer.from(segment, 'base64url')))
  if (typeof payload === 'string') {
    throw new ShcError(
      'ERR_SHC_PAYLOAD',
      `expected the inflated payload to be a JSON object of JWT claims (${shcSpec.jws}), but ${payload}`,
    )
  }
  return payload
}

/**
 * Reads the registered claims `iss`, `nbf` and `exp`, checking their types.
 *
 * @throws {ShcError} `ERR_SHC_CLAIM` when `iss` is not a string, `nbf` not a number, `exp` present
 *   but not a number, or `exp` before `nbf`.
 */
export function readShcClaims(payload: Record<string, JsonValue>): ShcClaims {
  const { iss, nbf, exp } = payload
  if (typeof iss !== 'string' || iss.length === 0) {
    throw new ShcError(
      'ERR_SHC_CLAIM',
      `expected an "iss" claim, the issuer's URL (${shcSpec.jws}), but found ${describeValue(iss)}`,
    )
  }
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) {
    throw new ShcError(
      'ERR_SHC_CLAIM',
      `expected an "nbf" claim, the issuance time in seconds since 1970 (${shcSpec.jws}), but found ${describeValue(nbf)}`,
    )
  }
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) {
    throw new ShcError(
      'ERR_SHC_CLAIM',
      `expected the "exp" claim to be a time in seconds since 1970 (${shcSpec.expiration}), but found ${describeValue(exp)}`,
    )
  }
  if (exp !== undefined && exp < nbf) {
    throw new ShcError(
      'ERR_SHC_CLAIM',
      `expected "exp" (${exp}) not to be before "nbf" (${nbf}): such a card is never valid`,
    )
  }
  return { iss, nbf, exp }
}

/**
 * Parses bytes as a UTF-8 JSON object, or says why they are not one. A byte order mark is refused:
 * RFC 8259 section 8.1 forbids adding one, and signed bytes are read as they are.
 */
function parseJsonObject(bytes: Uint8Array): Record<string, JsonValue> | string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return 'it is not valid UTF-8'
  }
  if (text.startsWith('\uFEFF')) return 'it starts with a byte order mark (RFC 8259 section 8.1)'
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return `it is not JSON: ${(error as Error).message}`
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return `it is ${describeJsonType(json)}`
  }
  return json as Record<string, JsonValue>
}

/** A JSON value as messages show it: a short literal, or its type when missing or large. */
function describeValue(value: JsonValue | undefined): string {
  if (value === undefined) return 'none'
  const text = JSON.stringify(value)
  return text.length <= 64 ? text : describeJsonType(value)
}
