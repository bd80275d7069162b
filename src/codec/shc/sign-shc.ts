import { createPublicKey, sign, type KeyObject } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { jwkThumbprint } from './trust-store.js'

/**
 * The public JWK of an EC P-256 key, as an issuer publishes it in its key set: `kid` is the
 * RFC 7638 thumbprint, with `use: sig` and `alg: ES256`.
 *
 * @throws {RangeError} for a key that is not an EC P-256 key.
 */
export function publicJwkOf(privateOrPublicKey: KeyObject): {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
  kid: string
  use: 'sig'
  alg: 'ES256'
} {
  const jwk = createPublicKey(privateOrPublicKey).export({ format: 'jwk' })
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new RangeError(`expected an EC P-256 key, but found ${jwk.kty} ${jwk.crv ?? ''}`)
  }
  const coordinates = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const
  return { ...coordinates, kid: jwkThumbprint(coordinates), use: 'sig', alg: 'ES256' }
}

/**
 * Signs JWT claims as a SMART Health Card: minified JSON, raw DEFLATE, compact JWS with ES256.
 * Healthcode verifies cards and does not issue them; this makes cards for tests and tools.
 *
 * @param header extra or replacement header parameters (to make malformed cards in tests).
 * @throws {RangeError} for a key that is not an EC P-256 private key.
 */
export function signShc(
  claims: unknown,
  privateKey: KeyObject,
  header: Record<string, unknown> = {},
): string {
  const protectedHeader = { alg: 'ES256', zip: 'DEF', kid: publicJwkOf(privateKey).kid, ...header }
  const encodedHeader = Buffer.from(JSON.stringify(protectedHeader)).toString('base64url')
  const payload = deflateRawSync(Buffer.from(JSON.stringify(claims))).toString('base64url')
  const signingInput = `${encodedHeader}.${payload}`
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${signingInput}.${signature.toString('base64url')}`
}
