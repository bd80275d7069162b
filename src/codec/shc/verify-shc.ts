import { verify as verifySignature } from 'node:crypto'
import type { JsonValue } from '../hc1/index.js'
import { readShcCredential } from './credential.js'
import { ShcError, shcSpec, type ShcErrorCode, type ShcFailureStage } from './errors.js'
import { summarizeFhirBundle, type ShcSummary } from './fhir-summary.js'
import { checkJwsLength, readShcFile, shcInputForm, type ShcInputForm } from './input.js'
import {
  checkShcHeader,
  decodeShcHeader,
  decodeShcPayload,
  readShcClaims,
  splitCompactJws,
} from './jws.js'
import { decodeShcQr, describeStart } from './numeric.js'
import type { ShcTrustStore } from './trust-store.js'

/** What a verifier knows of a SMART Health Card, filled in step by step. Times are ISO 8601. */
export interface DecodedShc {
  readonly kind: 'shc'
  /** How the card came: a numeric QR text, a bare compact JWS, or in a `.smart-health-card` file. */
  readonly form: ShcInputForm
  /** The JWS header's `kid`: the thumbprint of the issuer's key. */
  readonly kid: string | undefined
  /** The JWS header's `alg`, once read. */
  readonly algorithm: string | undefined
  /** The `iss` claim: the issuer's URL. */
  readonly issuer: string | undefined
  /** The `nbf` claim, the issuance date. */
  readonly issuedAt: string | undefined
  /** The `exp` claim, when the card has one. */
  readonly expiresAt: string | undefined
  /** `vc.type`, once the schema step has run. */
  readonly types: readonly string[] | undefined
  /** `vc.rid`, the revocation identifier, once the schema step has run. */
  readonly revocationId: string | undefined
  readonly fhirVersion: string | undefined
  /** `vc.credentialSubject.fhirBundle`, as decoded. */
  readonly fhirBundle: JsonValue | undefined
  /** A readable summary of the bundle, whenever one was decoded. */
  readonly summary: ShcSummary | undefined
}

/** The outcome of verifying one card: where it stopped, and what was decoded up to there. */
export type ShcVerification =
  | { readonly valid: true; readonly stage: 'ok'; readonly card: DecodedShc }
  | {
      readonly valid: false
      readonly stage: ShcFailureStage
      /** What was decoded before the failure, when the card got that far. */
      readonly card: DecodedShc | undefined
      readonly error: { readonly code: ShcErrorCode; readonly message: string }
    }

/** Tells whether a verified card has been revoked, besides its issuer's revocation lists. */
export interface ShcRevocationCheck {
  isRevoked(card: DecodedShc): boolean
}

/** How to verify: which issuers to trust, at what time. */
export interface VerifyShcOptions {
  /** The trusted issuers, with their keys and revocation lists. */
  readonly issuers: ShcTrustStore
  /** The validation clock. */
  readonly at: Date
  /** A further revocation check, asked after the issuer's lists (a local block list, say). */
  readonly revocation?: ShcRevocationCheck
}

/**
 * Verifies one SMART Health Card step by step: its form (`shc:/` numeric QR text, compact JWS, or
 * a `.smart-health-card` file of one card), the JWS header and its raw DEFLATE payload (capped at
 * 64 KiB), the ES256 signature by a trusted issuer's key, the `vc` claim and its FHIR bundle,
 * `nbf` and `exp` against the clock, and revocation. Never throws for bad input: every failure is
 * a result. A file of several cards is refused here: {@link verifyShcCards} gives a result each.
 *
 * @example
 * ```ts
 * const issuers = new ShcTrustStore([{ iss, jwks, crls }])
 * const result = verifyShc(qrText, { issuers, at: new Date() }) // qrText: 'shc:/5676290952…'
 * if (result.valid) console.log(result.card.summary?.patients[0]?.names[0])
 * else console.log(result.stage, result.error.code)
 * ```
 */
export function verifyShc(text: string, options: VerifyShcOptions): ShcVerification {
  const form = shcInputForm(text)
  try {
    if (form === 'qr') return verifyJws(decodeShcQr(text), 'qr', options)
    if (form === 'jws') return verifyJws(text, 'jws', options)
    if (form === 'file') {
      const cards = readShcFile(text)
      if (cards.length !== 1) {
        throw new ShcError(
          'ERR_SHC_FILE',
          `expected one card, but the file holds ${cards.length}: verify it with verifyShcCards, which gives a result for each`,
        )
      }
      return verifyJws(cards[0] as string, 'file', options)
    }
    throw new ShcError(
      'ERR_SHC_PREFIX',
      `expected a "shc:/" numeric QR text (${shcSpec.qr}), a compact JWS or a .smart-health-card file, but found ${describeStart(text)}`,
    )
  } catch (error) {
    return failure(error, undefined)
  }
}

/**
 * Verifies every SMART Health Card a text holds: one result for a QR text or a JWS, one per card,
 * in order, for a `.smart-health-card` file. A file that cannot be read gives one failed result.
 *
 * @example
 * ```ts
 * const results = verifyShcCards(fileText, { issuers, at: new Date() })
 * const allValid = results.every((result) => result.valid)
 * ```
 */
export function verifyShcCards(text: string, options: VerifyShcOptions): ShcVerification[] {
  if (shcInputForm(text) !== 'file') return [verifyShc(text, options)]
  let cards: string[]
  try {
    cards = readShcFile(text)
  } catch (error) {
    return [failure(error, undefined)]
  }
  return cards.map((jws) => verifyJws(jws, 'file', options))
}

type MutableDecodedShc = { -readonly [K in keyof DecodedShc]: DecodedShc[K] }

function verifyJws(jws: string, form: ShcInputForm, options: VerifyShcOptions): ShcVerification {
  // What is known so far, filled in step by step, so that a failure still reports it.
  const known: MutableDecodedShc = {
    kind: 'shc',
    form,
    kid: undefined,
    algorithm: undefined,
    issuer: undefined,
    issuedAt: undefined,
    expiresAt: undefined,
    types: undefined,
    revocationId: undefined,
    fhirVersion: undefined,
    fhirBundle: undefined,
    summary: undefined,
  }
  let started = false
  try {
    checkJwsLength(jws)
    const parts = splitCompactJws(jws)
    const rawHeader = decodeShcHeader(parts.header)
    started = true
    if (typeof rawHeader['kid'] === 'string') known.kid = rawHeader['kid']
    if (typeof rawHeader['alg'] === 'string') known.algorithm = rawHeader['alg']
    const header = checkShcHeader(rawHeader)
    const payload = decodeShcPayload(parts.payload)
    readKnownContent(payload, known)
    const claims = readShcClaims(payload)

    const key = options.issuers.findKey(claims.iss, header.kid)
    if (key === undefined) {
      if (!options.issuers.hasIssuer(claims.iss)) {
        const slash = claims.iss.endsWith('/')
          ? ` (an "iss" SHALL NOT end with "/", ${shcSpec.keys})`
          : ''
        throw new ShcError(
          'ERR_SHC_ISSUER_UNKNOWN',
          `expected a trusted issuer, but the card's "iss" ${JSON.stringify(claims.iss)} is not one${slash}; trust it by adding its key set (iss + /.well-known/jwks.json)`,
        )
      }
      throw new ShcError(
        'ERR_SHC_KID_UNKNOWN',
        `expected a key of ${claims.iss} with kid ${header.kid}, but its key set has ${options.issuers.kidsOf(claims.iss).join(', ')}`,
      )
    }
    const signature = Buffer.from(parts.signature, 'base64url')
    if (signature.length !== 64) {
      const der = signature[0] === 0x30 ? ', DER-encoded it seems' : ''
      throw new ShcError(
        'ERR_SHC_SIGNATURE',
        `expected a 64-byte ES256 signature, r and s concatenated (RFC 7518 section 3.4), but found ${signature.length} bytes${der}`,
      )
    }
    // The signature covers the header and payload exactly as received (RFC 7515 section 5.2).
    const signed = Buffer.from(parts.signingInput, 'ascii')
    if (
      !verifySignature(
        'sha256',
        signed,
        { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
        signature,
      )
    ) {
      throw new ShcError(
        'ERR_SHC_SIGNATURE',
        `expected an ES256 signature by ${claims.iss}'s key ${header.kid}, but the signature does not verify`,
      )
    }

    const credential = readShcCredential(payload)
    known.types = credential.types
    known.revocationId = credential.revocationId

    const now = options.at.getTime()
    if (now < claims.nbf * 1000) {
      throw new ShcError(
        'ERR_SHC_NOT_YET_VALID',
        `expected the card to be issued by ${options.at.toISOString()}, but its "nbf" is ${known.issuedAt ?? claims.nbf}`,
      )
    }
    if (claims.exp !== undefined && now > claims.exp * 1000) {
      throw new ShcError(
        'ERR_SHC_EXPIRED',
        `expected the card to be valid at ${options.at.toISOString()}, but it expired at ${known.expiresAt ?? claims.exp} (${shcSpec.expiration})`,
      )
    }

    const crl = options.issuers.findRevocationList(claims.iss, header.kid)
    if (
      credential.revocationId !== undefined &&
      crl?.isRevoked(credential.revocationId, claims.nbf)
    ) {
      throw new ShcError(
        'ERR_SHC_REVOKED',
        `expected a card that is not revoked, but its rid ${credential.revocationId} is on ${claims.iss}'s revocation list for key ${header.kid} (version ${crl.ctr}, ${shcSpec.revocation})`,
      )
    }
    if (options.revocation?.isRevoked(known)) {
      throw new ShcError(
        'ERR_SHC_REVOKED',
        'expected a card that is not revoked, but the revocation check lists it',
      )
    }
    return { valid: true, stage: 'ok', card: known }
  } catch (error) {
    return failure(error, started ? known : undefined)
  }
}

/** Records what the payload says before its claims are checked, for a failure to report. */
function readKnownContent(
  payload: { readonly [key: string]: JsonValue },
  known: MutableDecodedShc,
): void {
  const { iss, nbf, exp, vc } = payload
  if (typeof iss === 'string') known.issuer = iss
  known.issuedAt = isoTime(nbf)
  known.expiresAt = isoTime(exp)
  const subject = field(vc, 'credentialSubject')
  const fhirVersion = field(subject, 'fhirVersion')
  if (typeof fhirVersion === 'string') known.fhirVersion = fhirVersion
  const bundle = field(subject, 'fhirBundle')
  if (bundle !== undefined) {
    known.fhirBundle = bundle
    known.summary = summarizeFhirBundle(bundle)
  }
}

function failure(error: unknown, card: DecodedShc | undefined): ShcVerification {
  if (error instanceof ShcError) {
    return {
      valid: false,
      stage: error.stage,
      card,
      error: { code: error.code, message: error.message },
    }
  }
  throw error
}

function field(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value[name]
    : undefined
}

function isoTime(seconds: JsonValue | undefined): string | undefined {
  if (typeof seconds !== 'number') return undefined
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
