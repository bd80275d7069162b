import { type KeyObject, sign } from 'node:crypto'
import { Encoder } from 'cbor-x'
import { encodeBase45 } from './base45.js'
import type { JsonValue } from './cbor.js'
import { coseAlgorithms, coseSign1SignedBytes, encodeCoseSign1 } from './cose.js'
import {
  HEALTHCODE_ANTIBODY_CLAIM,
  HEALTHCODE_STATUS_CLAIM,
  HEALTHCODE_STATUS_MAX_LIFETIME,
  type Hc1PayloadType,
} from './cwt.js'
import { deflateZlib } from './inflate.js'
import { pooledBytes } from './pooled-bytes.js'
import { HC1_PREFIX } from './prefix.js'

/**
 * The CBOR encoder for what we sign. cbor-x's defaults are not COSE-safe: they tag maps with 259,
 * write fixed-width map headers and tag byte arrays with 64. These options give plain RFC 8949
 * maps, byte strings and the shortest headers.
 */
const coseEncoderOptions = {
  useRecords: false,
  mapsAsObjects: false,
  // Known to cbor-x at run time, missing from its typings.
  useTag259ForMaps: false,
  variableMapSize: true,
  tagUint8Array: false,
}
const coseEncoder = new Encoder(coseEncoderOptions)

/** COSE header labels (RFC 9052 section 3.1). */
const HEADER_LABEL_ALG = 1
const HEADER_LABEL_KID = 4

/**
 * The keys already found to be P-256 private keys: a key object never changes, and reading its
 * details builds a new object in native code on every call.
 */
const p256PrivateKeys = new WeakSet<KeyObject>()

/** What an HC1 code carries and who signs it. */
export interface Hc1Content {
  /**
   * What `dcc` holds: `eu-dcc` (the default), signed under `hcert` (-260) → 1;
   * `healthcode-antibody`, our own antibody certificate, signed under the private claim -70001
   * (`docs/antibody-certificate.md`); or `healthcode-status`, our own health-code token, signed
   * under the private claim -70002 (`docs/health-code-token.md`). Neither of ours is ever signed
   * under `hcert`.
   */
  readonly payloadType?: Hc1PayloadType
  /**
   * The payload as JSON: an EU DCC, or the antibody certificate or health-code token when
   * `payloadType` says so (the field keeps the name it had when HC1 codes carried only DCCs).
   */
  readonly dcc: JsonValue
  /** The issuing country (CWT `iss`, ISO 3166-1 alpha-2). */
  readonly issuer: string
  readonly issuedAt: Date
  readonly expiresAt: Date
}

/** The document signer: its P-256 private key and the `kid` of its certificate. */
export interface Hc1Signer {
  readonly privateKey: KeyObject
  /** First 8 bytes of the SHA-256 of the signer's DER certificate (HCERT 3.3.2). */
  readonly kid: Uint8Array
}

/**
 * Signs content as an HC1 code (HCERT 1.3.0): CWT claims `iss` (1), `exp` (4), `iat` (6) and the
 * payload, in a COSE_Sign1 (tag 18) whose protected header holds `alg` ES256 and the `kid`,
 * zlib-compressed at level 9, Base45-encoded and prefixed `HC1:`. An EU DCC goes under `hcert`
 * (-260) → 1; a Healthcode antibody certificate under the private claim -70001, a Healthcode
 * health-code token under the private claim -70002, neither ever under `hcert`. The payload is
 * signed as given: validate it first (`validateDcc`, `validateAntibodyCertificate`,
 * `validateStatusToken`). Every type takes the same path, at the same cost.
 *
 * @throws {TypeError} when the key is not a P-256 private key, the times are not whole seconds
 *   apart from the epoch in a sensible order, a health-code token would live longer than
 *   {@link HEALTHCODE_STATUS_MAX_LIFETIME} seconds, or the payload type is unknown.
 * @example
 * ```ts
 * const qr = signHc1({ dcc, issuer: 'RU', issuedAt, expiresAt }, { privateKey, kid })
 * const antibodyQr = signHc1(
 *   { payloadType: 'healthcode-antibody', dcc: antibody, issuer: 'RU', issuedAt, expiresAt },
 *   { privateKey, kid },
 * )
 * const tokenQr = signHc1(
 *   { payloadType: 'healthcode-status', dcc: status, issuer: 'RU', issuedAt: now, expiresAt: inAnHour },
 *   { privateKey, kid },
 * )
 * ```
 */
export function signHc1(content: Hc1Content, signer: Hc1Signer): string {
  if (!p256PrivateKeys.has(signer.privateKey)) {
    if (
      signer.privateKey.type !== 'private' ||
      signer.privateKey.asymmetricKeyType !== 'ec' ||
      signer.privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new TypeError('expected a P-256 private key for ES256')
    }
    p256PrivateKeys.add(signer.privateKey)
  }
  if (signer.kid.length !== 8)
    throw new TypeError(`expected an 8-byte kid, but it has ${signer.kid.length} bytes`)
  const iat = Math.floor(content.issuedAt.getTime() / 1000)
  const exp = Math.floor(content.expiresAt.getTime() / 1000)
  if (!(exp > iat)) throw new TypeError('expected the expiry after the issue time')
  const payloadType: unknown = content.payloadType
  if (
    payloadType !== undefined &&
    payloadType !== 'eu-dcc' &&
    payloadType !== 'healthcode-antibody' &&
    payloadType !== 'healthcode-status'
  )
    throw new TypeError(
      `expected the payload type eu-dcc, healthcode-antibody or healthcode-status, but found ${String(payloadType)}`,
    )
  // Every verifier refuses a longer-lived token (docs/health-code-token.md): never issue one.
  if (payloadType === 'healthcode-status' && exp - iat > HEALTHCODE_STATUS_MAX_LIFETIME)
    throw new TypeError(
      `expected a health-code token to expire within ${HEALTHCODE_STATUS_MAX_LIFETIME} seconds of its issue, but it lives ${exp - iat} seconds`,
    )
  // The payload's objects go to cbor-x as they are: with the options above it writes a plain
  // object as the map of its own keys in their order, byte for byte as a Map of them (tested).
  const claims = new Map<number, unknown>([
    [1, content.issuer],
    [4, exp],
    [6, iat],
    payloadType === 'healthcode-antibody'
      ? [HEALTHCODE_ANTIBODY_CLAIM, content.dcc]
      : payloadType === 'healthcode-status'
        ? [HEALTHCODE_STATUS_CLAIM, content.dcc]
        : [-260, new Map([[1, content.dcc]])],
  ])
  const payload = coseEncoder.encode(claims)
  const protectedHeader = es256ProtectedHeader(signer.kid)
  // ECDSA over the Sig_structure, r || s as COSE wants it (RFC 9053 section 2.1).
  const signature = sign('sha256', coseSign1SignedBytes(protectedHeader, payload), {
    key: signer.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  // The signed byte strings go out exactly as they were signed.
  return (
    HC1_PREFIX + encodeBase45(deflateZlib(encodeCoseSign1(protectedHeader, payload, signature)))
  )
}

/**
 * The protected header of an ES256 signature (RFC 9052 section 3.1) as cbor-x writes the map
 * {1 (alg): -7 (ES256), 4 (kid): the kid}: in 13 bytes, without an encoder call.
 *
 * ```
 * A2  map of 2
 *   01  1 (alg)     26  -7 (ES256)
 *   04  4 (kid)     48  bstr(8) followed by the kid
 * ```
 */
function es256ProtectedHeader(kid: Uint8Array): Uint8Array {
  const header = pooledBytes(PROTECTED_HEADER_START.length + kid.length)
  header.set(PROTECTED_HEADER_START)
  header.set(kid, PROTECTED_HEADER_START.length)
  return header
}

const PROTECTED_HEADER_START = new Uint8Array([
  0xa2,
  HEADER_LABEL_ALG,
  0x20 | (-1 - coseAlgorithms.ES256),
  HEADER_LABEL_KID,
  0x48,
])
