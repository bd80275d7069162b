// HC1 verification in the browser, step for step as `verifyHc1` (src/codec/hc1/verify-hc1.ts) with
// the trust of an offline bundle: the same pure steps, and browser-crypto.ts for the three steps
// the server runs on Node.
import {
  countryCodeUciHash,
  importVerifyingKey,
  inflateInBrowser,
  signatureHash,
  uciHash,
  verifyCoseSignature,
} from './browser-crypto.js'
import type { OfflineRevocation, OfflineSigner } from './offline-bundle.js'
import {
  type CoseAlgorithm,
  type DccType,
  type DoorCode,
  type Hc1ErrorCode,
  type Hc1FailureStage,
  type SignerBounds,
  checkSignedTimesAndUsage,
  coseAlgorithmOf,
  coseSign1SignedBytes,
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  encodeBase64,
  Hc1Error,
  isoTime,
  normalHash,
  revocationIdentifiersOf,
  validateSignedPayload,
  stripHc1Prefix,
} from './shared-codec.js'

/** What the offline verifier decoded of a code; the fields `DecodedHc1` has on the server. */
export interface OfflineDecoded extends DoorCode {
  readonly algorithm: CoseAlgorithm | undefined
  readonly schemaVersion: string | undefined
  /** The DCC type, for an EU DCC once the schema step has run. */
  readonly type: DccType | undefined
  /** The signer's certificate subject, once the signature is verified. */
  readonly signer: string | undefined
}

/** The outcome of verifying a code offline: the shape of `Hc1Verification`. */
export type OfflineVerification =
  | { readonly valid: true; readonly stage: 'ok'; readonly certificate: OfflineDecoded }
  | {
      readonly valid: false
      readonly stage: Hc1FailureStage
      readonly certificate: OfflineDecoded | undefined
      readonly error: { readonly code: Hc1ErrorCode; readonly message: string }
    }

type VerifyingKey = Awaited<ReturnType<typeof importVerifyingKey>>

/**
 * The trust of an offline bundle: its signers by kid, with their keys imported once, and its
 * revocation hashes.
 */
export class OfflineTrust {
  readonly #byKid = new Map<string, OfflineSigner[]>()
  readonly #keys = new Map<OfflineSigner, Promise<VerifyingKey | undefined>>()
  readonly #revoked = new Map<string, Set<string>>()

  constructor(signers: readonly OfflineSigner[], revocations: readonly OfflineRevocation[]) {
    for (const signer of signers) {
      const list = this.#byKid.get(signer.kid)
      if (list) list.push(signer)
      else this.#byKid.set(signer.kid, [signer])
    }
    for (const entry of revocations) {
      const hash = typeof entry.hash === 'string' ? normalHash(entry.hash) : undefined
      // The server checked its own list; an entry this scanner cannot read names nothing.
      if (hash === undefined) continue
      const set = this.#revoked.get(entry.hashType) ?? new Set<string>()
      set.add(hash)
      this.#revoked.set(entry.hashType, set)
    }
  }

  /** The signers with this kid (base64). */
  signersFor(kid: string): readonly OfflineSigner[] {
    return this.#byKid.get(kid) ?? []
  }

  /** A signer's key for an algorithm, imported once; undefined when WebCrypto refuses it. */
  key(signer: OfflineSigner, algorithm: CoseAlgorithm): Promise<VerifyingKey | undefined> {
    let key = this.#keys.get(signer)
    if (!key) {
      key = importVerifyingKey(signer.publicKey, algorithm).catch(() => undefined)
      this.#keys.set(signer, key)
    }
    return key
  }

  /** Whether the list holds a hash of this type. */
  holds(hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE', hash: string): boolean {
    return this.#revoked.get(hashType)?.has(hash) ?? false
  }

  /** Whether the list holds any hash of this type (so that only those are computed). */
  hasType(hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE'): boolean {
    return this.#revoked.has(hashType)
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Verifies an HC1 code offline, following HCERT 1.3.0 as `verifyHc1` does: prefix, Base45, zlib,
 * COSE_Sign1 and CWT, the signature against the bundle's signers (over the bytes received), the
 * payload's schema, the validity times against the device clock `at`, the signer's key usage,
 * and the bundle's revocation list. EU DCCs, Healthcode antibody certificates and health-code
 * tokens are all accepted, as at the server's door. Never rejects for bad input: every failure is
 * a result with the server's stage and error code.
 *
 * @example
 * ```ts
 * const result = await verifyHc1Offline(qr, new OfflineTrust(bundle.signers, bundle.revocations), new Date())
 * if (!result.valid) show(result.stage, result.error.code)
 * ```
 */
export async function verifyHc1Offline(
  text: string,
  trust: OfflineTrust,
  at: Date,
): Promise<OfflineVerification> {
  let decoded: Mutable<OfflineDecoded> | undefined
  try {
    const cose = decodeCoseSign1(await inflateInBrowser(decodeBase45(stripHc1Prefix(text))))
    const claims = decodeHc1Claims(cose.payload)
    const known: Mutable<OfflineDecoded> = {
      payloadType: claims.payloadType,
      dcc: claims.dcc,
      antibody: claims.payloadType === 'healthcode-antibody' ? claims.antibody : undefined,
      status: claims.payloadType === 'healthcode-status' ? claims.status : undefined,
      kid: cose.kid ? encodeBase64(cose.kid) : undefined,
      algorithm: undefined,
      issuer: claims.issuer,
      issuedAt: isoTime(claims.issuedAt),
      expiresAt: isoTime(claims.expiresAt),
      schemaVersion: undefined,
      type: undefined,
      signer: undefined,
    }
    decoded = known
    const algorithm = coseAlgorithmOf(cose)
    known.algorithm = algorithm
    const signer = await findVerifyingSigner(
      algorithm,
      known.kid,
      coseSign1SignedBytes(cose.protectedBytes, cose.payload),
      cose.signature,
      trust,
    )
    known.signer = signer.subject ?? undefined
    const facts = validateSignedPayload(claims)
    known.type = facts.type
    known.schemaVersion = facts.schemaVersion
    checkSignedTimesAndUsage(claims, facts.type, boundsOf(signer), at.getTime())
    if (await isRevoked(known, algorithm, cose.signature, trust)) {
      throw new Hc1Error('ERR_REVOKED', 'the certificate is on the revocation list')
    }
    return { valid: true, stage: 'ok', certificate: known }
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

async function findVerifyingSigner(
  algorithm: CoseAlgorithm,
  kid: string | undefined,
  signedBytes: Uint8Array,
  signature: Uint8Array,
  trust: OfflineTrust,
): Promise<OfflineSigner> {
  if (kid === undefined) {
    throw new Hc1Error(
      'ERR_COSE_KID_MISSING',
      'expected a kid in the protected or unprotected header (HCERT section 3.3.2), but found none',
    )
  }
  const signers = trust.signersFor(kid)
  if (signers.length === 0) {
    throw new Hc1Error(
      'ERR_KEY_NOT_IN_TRUST_LIST',
      `expected a trusted signer with kid ${kid}, but the offline trust list has none`,
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
    const key = await trust.key(signer, algorithm)
    if (key && (await verifyCoseSignature(algorithm, key, signedBytes, signature))) return signer
  }
  throw new Hc1Error(
    'ERR_COSE_SIGNATURE',
    `expected a ${algorithm} signature by the signer with kid ${kid}, but the signature does not verify`,
  )
}

/**
 * Whether the bundle's revocation list names the code, as `RevocationList.isRevoked`: by the hash
 * of its signature, or of any `ci` in the payload's top-level arrays (with the issuer, or the
 * entry's `co` when the code has no `iss`, for COUNTRYCODEUCI).
 */
async function isRevoked(
  code: OfflineDecoded,
  algorithm: CoseAlgorithm,
  signature: Uint8Array,
  trust: OfflineTrust,
): Promise<boolean> {
  if (
    trust.hasType('SIGNATURE') &&
    trust.holds('SIGNATURE', await signatureHash(signature, algorithm))
  ) {
    return true
  }
  const byUci = trust.hasType('UCI')
  const byCountryUci = trust.hasType('COUNTRYCODEUCI')
  if (!byUci && !byCountryUci) return false
  const payload = code.payloadType === 'healthcode-antibody' ? code.antibody : code.dcc
  for (const { uvci, country } of revocationIdentifiersOf(payload)) {
    if (byUci && trust.holds('UCI', await uciHash(uvci))) return true
    const issuer = code.issuer ?? country
    if (
      byCountryUci &&
      issuer !== undefined &&
      trust.holds('COUNTRYCODEUCI', await countryCodeUciHash(issuer, uvci))
    ) {
      return true
    }
  }
  return false
}

/** The bundle's signer as the shared checks take it: its validity in milliseconds. */
function boundsOf(signer: OfflineSigner): SignerBounds {
  return {
    notBefore: signer.notBefore === null ? undefined : Date.parse(signer.notBefore),
    notAfter: signer.notAfter === null ? undefined : Date.parse(signer.notAfter),
    extendedKeyUsage: signer.extendedKeyUsage,
    payloadTypes: signer.payloadTypes ?? undefined,
  }
}
