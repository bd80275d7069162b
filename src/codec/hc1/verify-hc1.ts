import { verify as verifySignature, constants, type KeyObject } from 'node:crypto'
import type { TrustStore, TrustedSigner } from '../trust/trusted-signer.js'
import { decodeBase45 } from './base45.js'
import type { JsonValue } from './cbor.js'
import {
  coseAlgorithmOf,
  coseSign1SignedBytes,
  decodeCoseSign1,
  type CoseAlgorithm,
} from './cose.js'
import { decodeHc1Claims, type Hc1PayloadType } from './cwt.js'
import { Hc1Error, type Hc1ErrorCode, type Hc1FailureStage } from './errors.js'
import { inflateZlib } from './inflate.js'
import type { DccType } from './key-usage.js'
import { checkHc1Prefix } from './prefix.js'
import { checkSignedTimesAndUsage, isoTime, validateSignedPayload } from './signed-claims.js'

/** What a verifier knows of any decoded HC1 code. Times are ISO 8601 strings. */
interface DecodedHc1Container {
  /** The `kid` in base64, as trust lists write it. */
  readonly kid: string | undefined
  readonly algorithm: CoseAlgorithm | undefined
  /** The issuing country (CWT `iss`). */
  readonly issuer: string | undefined
  readonly issuedAt: string | undefined
  readonly expiresAt: string | undefined
  /** The version of the payload's schema it was checked against, once the schema step has run. */
  readonly schemaVersion: string | undefined
  /** The signer's certificate subject, once the signature is verified. */
  readonly signer: string | undefined
}

/** A decoded EU DCC (`hcert` (-260) → 1). */
export interface DecodedDcc extends DecodedHc1Container {
  readonly kind: 'dcc'
  readonly payloadType: 'eu-dcc'
  /** The DCC type, once the schema step has run. */
  readonly type: DccType | undefined
  /** The EU DCC payload as JSON. */
  readonly dcc: JsonValue
}

/**
 * A decoded Healthcode antibody certificate (private claim -70001): not an EU DCC, and never
 * reported as one (`docs/antibody-certificate.md`).
 */
export interface DecodedAntibodyCertificate extends DecodedHc1Container {
  readonly kind: 'healthcode-antibody'
  readonly payloadType: 'healthcode-antibody'
  /** No DCC type: this is not a DCC. */
  readonly type: undefined
  /** No DCC: the code has no `hcert` claim. */
  readonly dcc: undefined
  /** The antibody certificate payload as JSON (`schemas/healthcode-antibody-<ver>.json`). */
  readonly antibody: JsonValue
}

/**
 * A decoded Healthcode health-code token (private claim -70002): the short-lived green/yellow/red
 * code shown at doors, not an EU DCC and never reported as one (`docs/health-code-token.md`).
 */
export interface DecodedStatusToken extends DecodedHc1Container {
  readonly kind: 'healthcode-status'
  readonly payloadType: 'healthcode-status'
  /** No DCC type: this is not a DCC. */
  readonly type: undefined
  /** No DCC: the code has no `hcert` claim. */
  readonly dcc: undefined
  /** The token payload as JSON (`schemas/healthcode-status-<ver>.json`): `sub`, `col`, `nam`… */
  readonly status: JsonValue
}

/** What a verifier knows of a decoded HC1 code, told apart by `payloadType`. */
export type DecodedHc1 = DecodedDcc | DecodedAntibodyCertificate | DecodedStatusToken

/** The outcome of verifying an HC1 code: where it stopped, and what was decoded up to there. */
export type Hc1Verification =
  | { readonly valid: true; readonly stage: 'ok'; readonly certificate: DecodedHc1 }
  | {
      readonly valid: false
      readonly stage: Hc1FailureStage
      /** What was decoded before the failure, when the payload got that far. */
      readonly certificate: DecodedHc1 | undefined
      readonly error: { readonly code: Hc1ErrorCode; readonly message: string }
    }

/** Tells whether a verified certificate has been revoked. */
export interface RevocationCheck {
  isRevoked(certificate: DecodedHc1, signature: Uint8Array): boolean
}

/** How to verify: whom to trust, at what time. */
export interface VerifyHc1Options {
  readonly trust: TrustStore
  /** The validation clock. */
  readonly at: Date
  readonly revocation?: RevocationCheck
  /**
   * Why trust material the caller meant to supply could not be used, reported when no trusted
   * signer matches the code's `kid` (for example a certificate that did not parse).
   */
  readonly trustProblems?: readonly { readonly code: Hc1ErrorCode; readonly message: string }[]
  /**
   * The payload types to accept; by default only `eu-dcc`, so that a caller that presents every
   * valid result as an EU DCC never receives a Healthcode antibody certificate or health-code token
   * as valid. Others are refused with `ERR_HC1_PAYLOAD_TYPE` once the signature has verified.
   */
  readonly payloadTypes?: readonly Hc1PayloadType[]
}

const defaultPayloadTypes: readonly Hc1PayloadType[] = ['eu-dcc']

/**
 * Verifies an HC1 code step by step, following HCERT 1.3.0: prefix, Base45, zlib, COSE_Sign1 and
 * CWT, signature against the trusted signers, the payload's schema, validity times, the signer's
 * key usage, and revocation. The payload is an EU DCC, or, when `payloadTypes` admits it, a
 * Healthcode antibody certificate (`docs/antibody-certificate.md`) or a Healthcode health-code
 * token (`docs/health-code-token.md`, whose schema step also requires an `iat` and an `exp` at
 * most an hour apart); `certificate.payloadType` says which. Never throws for bad input: every
 * failure is a result.
 *
 * @example
 * ```ts
 * const result = verifyHc1(qrText, { trust: new TrustList([signerFromCertificate(der)]), at: new Date() })
 * if (!result.valid) console.log(result.stage, result.error.code)
 * const either = verifyHc1(qrText, { trust, at, payloadTypes: ['eu-dcc', 'healthcode-antibody'] })
 * if (either.valid && either.certificate.payloadType === 'healthcode-antibody') show(either.certificate.antibody)
 * const door = verifyHc1(qrText, { trust, at, payloadTypes: ['healthcode-status'] })
 * if (door.valid && door.certificate.payloadType === 'healthcode-status') show(door.certificate.status)
 * ```
 */
export function verifyHc1(text: string, options: VerifyHc1Options): Hc1Verification {
  // What is known so far, filled in step by step, so that a failure still reports it.
  let decoded: MutableDecodedHc1 | undefined
  try {
    const cose = decodeCoseSign1(inflateZlib(decodeBase45(text, checkHc1Prefix(text))))
    const claims = decodeHc1Claims(cose.payload)
    const kid = cose.kid ? viewOf(cose.kid).toString('base64') : undefined
    const issuedAt = isoTime(claims.issuedAt)
    const expiresAt = isoTime(claims.expiresAt)
    // Written out for each type, in the order results have always listed their fields.
    const known: MutableDecodedHc1 =
      claims.payloadType === 'eu-dcc'
        ? {
            kind: 'dcc',
            payloadType: 'eu-dcc',
            kid,
            algorithm: undefined,
            issuer: claims.issuer,
            issuedAt,
            expiresAt,
            type: undefined,
            schemaVersion: undefined,
            dcc: claims.dcc,
            signer: undefined,
          }
        : claims.payloadType === 'healthcode-antibody'
          ? {
              kind: 'healthcode-antibody',
              payloadType: 'healthcode-antibody',
              kid,
              algorithm: undefined,
              issuer: claims.issuer,
              issuedAt,
              expiresAt,
              type: undefined,
              schemaVersion: undefined,
              dcc: undefined,
              antibody: claims.antibody,
              signer: undefined,
            }
          : {
              kind: 'healthcode-status',
              payloadType: 'healthcode-status',
              kid,
              algorithm: undefined,
              issuer: claims.issuer,
              issuedAt,
              expiresAt,
              type: undefined,
              schemaVersion: undefined,
              dcc: undefined,
              status: claims.status,
              signer: undefined,
            }
    decoded = known
    const algorithm = coseAlgorithmOf(cose)
    known.algorithm = algorithm
    const signer = findVerifyingSigner(
      algorithm,
      cose.kid,
      coseSign1SignedBytes(cose.protectedBytes, cose.payload),
      cose.signature,
      options,
    )
    known.signer = signer.subject
    const accepted = options.payloadTypes ?? defaultPayloadTypes
    if (!accepted.includes(known.payloadType)) {
      throw new Hc1Error(
        'ERR_HC1_PAYLOAD_TYPE',
        `expected ${accepted.map(describePayloadType).join(' or ') || 'no payload type'}, but the code carries ${describePayloadType(known.payloadType)}`,
      )
    }
    const facts = validateSignedPayload(claims)
    known.type = facts.type
    known.schemaVersion = facts.schemaVersion
    checkSignedTimesAndUsage(claims, facts.type, signer, options.at.getTime())
    // Health-code tokens live an hour at most, too short to revoke, and carry no `ci` to list; the
    // check is asked all the same, as for every code, so a listed signature hash still applies.
    if (options.revocation?.isRevoked(decoded, cose.signature)) {
      throw new Hc1Error('ERR_REVOKED', 'the certificate is on the revocation list')
    }
    return { valid: true, stage: 'ok', certificate: decoded }
  } catch (error) {
    if (error instanceof Hc1Error) {
      return {
        valid: false,
        stage: error.stage,
        certificate: decoded,
        error: { code: error.code, message: error.message },
      }
    }
    throw error
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type MutableDecodedHc1 =
  Mutable<DecodedDcc> | Mutable<DecodedAntibodyCertificate> | Mutable<DecodedStatusToken>

const payloadTypeDescriptions: Record<Hc1PayloadType, string> = {
  'eu-dcc': 'an EU DCC (hcert -260 → 1)',
  'healthcode-antibody': 'a Healthcode antibody certificate (claim -70001, not an EU DCC)',
  'healthcode-status': 'a Healthcode health-code token (claim -70002, not an EU DCC)',
}

function describePayloadType(type: Hc1PayloadType): string {
  return payloadTypeDescriptions[type]
}

/** The bytes as a Buffer without copying them (`Buffer.from(Uint8Array)` copies). */
function viewOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function findVerifyingSigner(
  algorithm: CoseAlgorithm,
  kid: Uint8Array | undefined,
  signedBytes: Uint8Array,
  signature: Uint8Array,
  options: VerifyHc1Options,
): TrustedSigner {
  if (kid === undefined) {
    throw new Hc1Error(
      'ERR_COSE_KID_MISSING',
      'expected a kid in the protected or unprotected header (HCERT section 3.3.2), but found none',
    )
  }
  const signers = options.trust.signersFor(kid)
  if (signers.length === 0) {
    const problem = options.trustProblems?.[0]
    if (problem) throw new Hc1Error(problem.code, problem.message)
    throw new Hc1Error(
      'ERR_KEY_NOT_IN_TRUST_LIST',
      `expected a trusted signer with kid ${Buffer.from(kid).toString('base64')}, but the trust list has none`,
    )
  }
  const requiredKeyType = algorithm === 'ES256' ? 'ec-p256' : 'rsa'
  const suitable = signers.filter((signer) => signer.keyType === requiredKeyType)
  if (suitable.length === 0) {
    throw new Hc1Error(
      'ERR_COSE_KEY_MISMATCH',
      `expected a ${algorithm === 'ES256' ? 'P-256 EC' : 'RSA'} key for ${algorithm}, but the signer with this kid has a ${signers[0]?.keyType} key`,
    )
  }
  for (const signer of suitable) {
    if (checkSignature(algorithm, signer.publicKey, signedBytes, signature)) return signer
  }
  throw new Hc1Error(
    'ERR_COSE_SIGNATURE',
    `expected a ${algorithm} signature by the signer with kid ${Buffer.from(kid).toString('base64')}, but the signature does not verify`,
  )
}

function checkSignature(
  algorithm: CoseAlgorithm,
  publicKey: KeyObject,
  signedBytes: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (algorithm === 'ES256') {
      // COSE carries r || s, 32 bytes each (RFC 9053 section 2.1), never DER.
      if (signature.length !== 64) return false
      return verifySignature(
        'sha256',
        signedBytes,
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        signature,
      )
    }
    // RFC 8230 fixes the salt at the hash length; some issuers chose otherwise, and PSS verifies
    // the salt length from the signature itself without weakening the check.
    return verifySignature(
      'sha256',
      signedBytes,
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      signature,
    )
  } catch {
    // A malformed signature (wrong length for the modulus, say) is a signature that does not verify.
    return false
  }
}
