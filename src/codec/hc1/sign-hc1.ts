import { type KeyObject, sign } from 'node:crypto'
import { Encoder } from 'cbor-x'
import { encodeBase45 } from './base45.js'
import type { JsonValue } from './cbor.js'
import { coseAlgorithms, coseSign1SignedBytes } from './cose.js'
import {
  HEALTHCODE_ANTIBODY_CLAIM,
  HEALTHCODE_STATUS_CLAIM,
  HEALTHCODE_STATUS_MAX_LIFETIME,
  type Hc1PayloadType,
} from './cwt.js'
import { deflateZlib } from './inflate.js'
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
  const claims = new Map<number, unknown>([
    [1, content.issuer],
    [4, exp],
    [6, iat],
    payloadType === 'healthcode-antibody'
      ? [HEALTHCODE_ANTIBODY_CLAIM, toCborMaps(content.dcc)]
      : payloadType === 'healthcode-status'
        ? [HEALTHCODE_STATUS_CLAIM, toCborMaps(content.dcc)]
        : [-260, new Map([[1, toCborMaps(content.dcc)]])],
  ])
  const payload = coseEncoder.encode(claims)
  const protectedHeader = coseEncoder.encode(
    new Map<number, unknown>([
      [1, coseAlgorithms.ES256],
      [4, Buffer.from(signer.kid)],
    ]),
  )
  // ECDSA over the Sig_structure, r || s as COSE wants it (RFC 9053 section 2.1).
  const signature = sign('sha256', coseSign1SignedBytes(protectedHeader, payload), {
    key: signer.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  // COSE_Sign1 = #6.18([protected, unprotected, payload, signature]); the tag and the array
  // head are written here so that the signed byte strings go out exactly as they were signed.
  const message = coseEncoder.encode([
    Buffer.from(protectedHeader),
    new Map(),
    Buffer.from(payload),
    signature,
  ])
  const tagged = new Uint8Array(message.length + 1)
  tagged[0] = 0xd2
  tagged.set(message, 1)
  return HC1_PREFIX + encodeBase45(deflateZlib(tagged))
}

/** JSON objects as CBOR maps with text keys, the payloads' data model (HCERT section 3.3.3). */
function toCborMaps(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(toCborMaps)
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, entry]) => [key, toCborMaps(entry)]))
  }
  return value
}
