import { cborDecoder, cborToJson, type JsonValue } from './cbor.js'
import { CborReader, INDEFINITE_LENGTH } from './cbor-reader.js'
import { describe } from './cose.js'
import { Hc1Error } from './errors.js'

/** CWT claim keys (RFC 8392 section 3.1; HCERT section 3.3.1). */
const CLAIM_ISS = 1
const CLAIM_EXP = 4
const CLAIM_IAT = 6
const CLAIM_HCERT = -260
/** The key of the EU DCC inside the `hcert` claim (HCERT section 3.3.1). */
const HCERT_EU_DCC = 1

/**
 * The CWT claim of a Healthcode antibody certificate (`docs/antibody-certificate.md`). It lies in
 * the private-use range of CWT claim keys, below -65536 (RFC 8392 section 9.1), outside `hcert`
 * (-260), whose keys the eHealth Network assigns: an EU DCC verifier finds no `hcert` claim, so
 * never a DCC, in such a code.
 */
export const HEALTHCODE_ANTIBODY_CLAIM = -70001

/**
 * The CWT claim of a Healthcode health-code token, the short-lived green/yellow/red code shown at
 * doors (`docs/health-code-token.md`): private use, like {@link HEALTHCODE_ANTIBODY_CLAIM}, and
 * outside `hcert` for the same reasons.
 */
export const HEALTHCODE_STATUS_CLAIM = -70002

/**
 * The longest a health-code token may live, in seconds from `iat` to `exp`: one hour, so that a
 * screenshot soon stops passing at the door (`docs/health-code-token.md`).
 */
export const HEALTHCODE_STATUS_MAX_LIFETIME = 3600

/**
 * What an HC1 code carries: an EU DCC, our own antibody certificate, or our own health-code token,
 * never more than one.
 */
export type Hc1PayloadType = 'eu-dcc' | 'healthcode-antibody' | 'healthcode-status'

/** The CWT claims every HC1 code has. Times are in seconds since the epoch, as in the CWT. */
interface Hc1StandardClaims {
  /** The issuing country (ISO 3166-1 alpha-2), if the issuer set it. */
  readonly issuer: string | undefined
  readonly issuedAt: number | undefined
  readonly expiresAt: number | undefined
}

/** The claims of a CWT that carries an EU DCC under `hcert` (-260) → 1. */
export interface Hc1DccClaims extends Hc1StandardClaims {
  readonly payloadType: 'eu-dcc'
  /** The EU DCC payload (`hcert` → 1) as JSON. */
  readonly dcc: JsonValue
}

/** The claims of a CWT that carries a Healthcode antibody certificate under claim -70001. */
export interface Hc1AntibodyClaims extends Hc1StandardClaims {
  readonly payloadType: 'healthcode-antibody'
  /** Never a DCC: the code has no `hcert` claim. */
  readonly dcc: undefined
  /** The antibody certificate payload (claim -70001) as JSON. */
  readonly antibody: JsonValue
}

/** The claims of a CWT that carries a Healthcode health-code token under claim -70002. */
export interface Hc1StatusClaims extends Hc1StandardClaims {
  readonly payloadType: 'healthcode-status'
  /** Never a DCC: the code has no `hcert` claim. */
  readonly dcc: undefined
  /** The health-code token payload (claim -70002) as JSON. */
  readonly status: JsonValue
}

/** The claims of an HC1 CWT, told apart by `payloadType`. */
export type Hc1Claims = Hc1DccClaims | Hc1AntibodyClaims | Hc1StatusClaims

/** Where each payload type lies among the CWT claims, and how a message names it. */
const payloadClaims: readonly { readonly key: number; readonly name: string }[] = [
  { key: CLAIM_HCERT, name: 'an EU DCC under hcert (-260)' },
  { key: HEALTHCODE_ANTIBODY_CLAIM, name: 'a Healthcode antibody certificate under claim -70001' },
  { key: HEALTHCODE_STATUS_CLAIM, name: 'a Healthcode health-code token under claim -70002' },
]

/**
 * Decodes the CWT claims of an HC1 payload: `iss` (1), `exp` (4), `iat` (6) and exactly one of the
 * EU DCC under `hcert` (-260) → 1 (HCERT section 3.3.1), a Healthcode antibody certificate under
 * the private claim -70001 (`docs/antibody-certificate.md`), or a Healthcode health-code token
 * under the private claim -70002 (`docs/health-code-token.md`). A well-formed code is read in one
 * pass straight into JSON ({@link readHc1ClaimsDirectly}); whatever that reading declines goes
 * through cbor-x ({@link decodeHc1ClaimsThroughMaps}), which decides and explains every refusal.
 *
 * @throws {Hc1Error} `ERR_CWT_STRUCTURE` when the payload is not a claims map or its payload claim
 *   is not a map of JSON data, `ERR_CWT_CLAIM` when a claim has the wrong type,
 *   `ERR_CWT_NO_PAYLOAD` when it has no payload claim, `ERR_CWT_TWO_PAYLOADS` when it has more
 *   than one.
 */
export function decodeHc1Claims(payload: Uint8Array): Hc1Claims {
  return readHc1ClaimsDirectly(payload) ?? decodeHc1ClaimsThroughMaps(payload)
}

/**
 * Reads the claims of an HC1 payload in one pass, straight into the JSON its schema sees (see
 * {@link CborReader}), when the payload is a well-formed code of one payload type written in
 * the CBOR every issuer writes. Everything else, broken or merely unusual, it leaves to
 * {@link decodeHc1ClaimsThroughMaps}: a code is accepted or refused, and with which message,
 * exactly as that reading decides.
 *
 * @returns the claims, equal to what {@link decodeHc1ClaimsThroughMaps} returns for the same
 *   bytes; `undefined` when it declines.
 */
export function readHc1ClaimsDirectly(payload: Uint8Array): Hc1Claims | undefined {
  const reader = new CborReader(payload)
  const entries = reader.readMapHead()
  if (entries === undefined) return undefined
  let issuer: string | undefined
  let issuedAt: number | undefined
  let expiresAt: number | undefined
  let dcc: JsonValue | undefined
  let antibody: JsonValue | undefined
  let status: JsonValue | undefined
  // A repeated claim overwrites the one before, as it did in the claims `Map`.
  for (let i = 0; entries === INDEFINITE_LENGTH ? !reader.readBreak() : i < entries; i++) {
    const key = reader.readKey()
    if (key === undefined) return undefined
    if (key === CLAIM_ISS) {
      issuer = reader.readText()
      if (issuer === undefined) return undefined
    } else if (key === CLAIM_EXP) {
      expiresAt = reader.readNumericDate()
      if (expiresAt === undefined) return undefined
    } else if (key === CLAIM_IAT) {
      issuedAt = reader.readNumericDate()
      if (issuedAt === undefined) return undefined
    } else if (key === CLAIM_HCERT) {
      dcc = readHcertDirectly(reader)
      if (dcc === undefined) return undefined
    } else if (key === HEALTHCODE_ANTIBODY_CLAIM) {
      antibody = reader.readJsonMap()
      if (antibody === undefined) return undefined
    } else if (key === HEALTHCODE_STATUS_CLAIM) {
      status = reader.readJsonMap()
      if (status === undefined) return undefined
    } else if (!reader.skip()) {
      return undefined
    }
  }
  if (!reader.atEnd()) return undefined
  // Written in the order of the fields of decodeHc1ClaimsThroughMaps' results.
  if (dcc !== undefined) {
    if (antibody !== undefined || status !== undefined) return undefined
    return { issuer, issuedAt, expiresAt, payloadType: 'eu-dcc', dcc }
  }
  if (antibody !== undefined) {
    if (status !== undefined) return undefined
    return {
      issuer,
      issuedAt,
      expiresAt,
      payloadType: 'healthcode-antibody',
      dcc: undefined,
      antibody,
    }
  }
  if (status === undefined) return undefined
  return { issuer, issuedAt, expiresAt, payloadType: 'healthcode-status', dcc: undefined, status }
}

/** The EU DCC under `hcert` → 1 (HCERT section 3.3.1) as JSON; `undefined` when declined. */
function readHcertDirectly(reader: CborReader): JsonValue | undefined {
  const entries = reader.readMapHead()
  if (entries === undefined) return undefined
  let dcc: JsonValue | undefined
  for (let i = 0; entries === INDEFINITE_LENGTH ? !reader.readBreak() : i < entries; i++) {
    const key = reader.readKey()
    if (key === undefined) return undefined
    if (key === HCERT_EU_DCC) {
      dcc = reader.readJsonMap()
      if (dcc === undefined) return undefined
    } else if (!reader.skip()) {
      return undefined
    }
  }
  return dcc
}

/**
 * Decodes the claims through cbor-x into `Map`s, then converts the payload to JSON: the codec's
 * reading of the claims from the start, and the one that explains every refusal.
 * {@link decodeHc1Claims} takes it for whatever {@link readHc1ClaimsDirectly} declines.
 *
 * @throws {Hc1Error} as {@link decodeHc1Claims}.
 */
export function decodeHc1ClaimsThroughMaps(payload: Uint8Array): Hc1Claims {
  let claims: unknown
  try {
    claims = cborDecoder.decode(payload)
  } catch (cause) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected the payload to be a CBOR map of CWT claims (RFC 8392), but decoding failed: ${(cause as Error).message}`,
      { cause },
    )
  }
  if (!(claims instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected the payload to be a map of CWT claims (RFC 8392), but found ${describe(claims)}`,
    )
  }
  const issuer = claims.get(CLAIM_ISS)
  if (issuer !== undefined && typeof issuer !== 'string') {
    throw new Hc1Error(
      'ERR_CWT_CLAIM',
      `expected the iss claim (1) to be text, but found ${describe(issuer)}`,
    )
  }
  const present = payloadClaims.filter(({ key }) => claims.has(key))
  if (present.length > 1) {
    // One code, one meaning: a verifier of one kind must never take another's payload for its own.
    throw new Hc1Error(
      'ERR_CWT_TWO_PAYLOADS',
      `expected one payload: ${payloadClaims.map(({ name }) => name).join(', or ')}, but the code has ${present.map(({ name }) => name).join(' and ')}`,
    )
  }
  if (present.length === 0) {
    throw new Hc1Error(
      'ERR_CWT_NO_PAYLOAD',
      'expected an EU DCC under hcert (-260) → 1 (HCERT section 3.3.1), a Healthcode antibody certificate under claim -70001 or a Healthcode health-code token under claim -70002, but the code has none of them',
    )
  }
  // The payload is read before the times, so that a code wrong in both reports its payload first.
  if (claims.has(HEALTHCODE_ANTIBODY_CLAIM)) {
    const antibody = antibodyPayload(claims.get(HEALTHCODE_ANTIBODY_CLAIM))
    return {
      ...timeClaims(claims, issuer),
      payloadType: 'healthcode-antibody',
      dcc: undefined,
      antibody,
    }
  }
  if (claims.has(HEALTHCODE_STATUS_CLAIM)) {
    const status = statusPayload(claims.get(HEALTHCODE_STATUS_CLAIM))
    return {
      ...timeClaims(claims, issuer),
      payloadType: 'healthcode-status',
      dcc: undefined,
      status,
    }
  }
  const dcc = dccPayload(claims.get(CLAIM_HCERT))
  return { ...timeClaims(claims, issuer), payloadType: 'eu-dcc', dcc }
}

/** `iss` as read, with `iat` (6) and `exp` (4). */
function timeClaims(claims: Map<unknown, unknown>, issuer: string | undefined): Hc1StandardClaims {
  return {
    issuer,
    issuedAt: timeClaim(claims.get(CLAIM_IAT), 'iat (6)'),
    expiresAt: timeClaim(claims.get(CLAIM_EXP), 'exp (4)'),
  }
}

/** The EU DCC under `hcert` → 1 (HCERT section 3.3.1) as JSON. */
function dccPayload(hcert: unknown): JsonValue {
  if (!(hcert instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected the hcert claim (-260) to be a map, but found ${describe(hcert)}`,
    )
  }
  const dcc = hcert.get(HCERT_EU_DCC)
  if (!(dcc instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected hcert → 1 to be the EU DCC map (HCERT section 3.3.1), but found ${describe(dcc)}`,
    )
  }
  return asJson(dcc, 'the EU DCC')
}

/** The antibody certificate under claim -70001 (`docs/antibody-certificate.md`) as JSON. */
function antibodyPayload(antibody: unknown): JsonValue {
  if (!(antibody instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected claim -70001 to be the Healthcode antibody certificate map, but found ${describe(antibody)}`,
    )
  }
  return asJson(antibody, 'the antibody certificate')
}

/** The health-code token under claim -70002 (`docs/health-code-token.md`) as JSON. */
function statusPayload(status: unknown): JsonValue {
  if (!(status instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected claim -70002 to be the Healthcode health-code token map, but found ${describe(status)}`,
    )
  }
  return asJson(status, 'the health-code token')
}

/** A payload map as JSON, the data model of the payloads' JSON schemas (HCERT section 3.3.3). */
function asJson(map: Map<unknown, unknown>, what: string): JsonValue {
  const json = cborToJson(map)
  if ('problem' in json) {
    throw new Hc1Error('ERR_CWT_STRUCTURE', `expected ${what} to be JSON data, but ${json.problem}`)
  }
  return json.json
}

/** Reads a NumericDate claim (RFC 8392 section 2): seconds since the epoch, possibly tag 1. */
function timeClaim(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime() / 1000
  throw new Hc1Error(
    'ERR_CWT_CLAIM',
    `expected the ${name} claim to be a NumericDate (seconds since the epoch), but found ${describe(value)}`,
  )
}
