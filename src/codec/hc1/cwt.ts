import { cborDecoder, cborToJson, type JsonValue } from './cbor.js'
import { describe } from './cose.js'
import { Hc1Error } from './errors.js'

/** CWT claim keys (RFC 8392 section 3.1; HCERT section 3.3.1). */
const CLAIM_ISS = 1
const CLAIM_EXP = 4
const CLAIM_IAT = 6
const CLAIM_HCERT = -260
/** The key of the EU DCC inside the `hcert` claim (HCERT section 3.3.1). */
const HCERT_EU_DCC = 1

/** The claims of an HCERT CWT. Times are in seconds since the epoch, as in the CWT. */
export interface Hc1Claims {
  /** The issuing country (ISO 3166-1 alpha-2), if the issuer set it. */
  readonly issuer: string | undefined
  readonly issuedAt: number | undefined
  readonly expiresAt: number | undefined
  /** The EU DCC payload (`hcert` → 1) as JSON. */
  readonly dcc: JsonValue
}

/**
 * Decodes the CWT claims of an HCERT payload (HCERT section 3.3.1): `iss` (1), `exp` (4), `iat` (6)
 * and the DCC under `hcert` (-260) → 1.
 *
 * @throws {Hc1Error} `ERR_CWT_STRUCTURE` when the payload is not a claims map holding a DCC map,
 *   `ERR_CWT_CLAIM` when a claim has the wrong type.
 */
export function decodeHc1Claims(payload: Uint8Array): Hc1Claims {
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
  const hcert = claims.get(CLAIM_HCERT)
  if (!(hcert instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected the hcert claim (-260) to be a map, but found ${describe(hcert)}`,
    )
  }
  const dccItem = hcert.get(HCERT_EU_DCC)
  if (!(dccItem instanceof Map)) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected hcert → 1 to be the EU DCC map (HCERT section 3.3.1), but found ${describe(dccItem)}`,
    )
  }
  const dcc = cborToJson(dccItem)
  if ('problem' in dcc) {
    throw new Hc1Error(
      'ERR_CWT_STRUCTURE',
      `expected the EU DCC to be JSON data, but ${dcc.problem}`,
    )
  }
  return {
    issuer,
    issuedAt: timeClaim(claims.get(CLAIM_IAT), 'iat (6)'),
    expiresAt: timeClaim(claims.get(CLAIM_EXP), 'exp (4)'),
    dcc: dcc.json,
  }
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
