import { type KeyObject, createPublicKey } from 'node:crypto'
import type { Hc1PayloadType } from '../../codec/hc1/index.js'
import { asn1Schema, asn1X509 } from '../../codec/asn1-on-first-use.js'
import type { TrustedSigner } from '../../codec/trust/index.js'
import type { RuleSet } from '../validity-rules/index.js'
import { valueSetsForRules } from '../validity-rules/index.js'
import type { EntryPolicy, Venue, VenueCategory } from './venue.js'

/** The format of the offline bundle; a scanner refuses a bundle of a format it does not know. */
export const OFFLINE_BUNDLE_FORMAT = 1

/** A public key as a JSON Web Key (RFC 7517), which WebCrypto imports as it is. */
export type PublicJwk =
  | { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string }
  | { readonly kty: 'RSA'; readonly n: string; readonly e: string }

/** A document signer a scanner trusts offline: what `TrustedSigner` holds, in JSON. */
export interface OfflineSigner {
  /** The HCERT kid, base64. */
  readonly kid: string
  readonly keyType: 'ec-p256' | 'rsa'
  readonly publicKey: PublicJwk
  /** The certificate's validity, ISO 8601; null for a bare key. */
  readonly notBefore: string | null
  readonly notAfter: string | null
  /** The certificate's extended key usage OIDs (none: every DCC type). */
  readonly extendedKeyUsage: readonly string[]
  readonly subject: string | null
  /** What the list that gave the signer trusts it for (`TrustedSigner.payloadTypes`); null: all. */
  readonly payloadTypes: readonly Hc1PayloadType[] | null
}

/** The validity rules a scanner judges certificates by offline, as the server would. */
export interface OfflineRules {
  /** The rule set the venue's policy names (or the deployment's default). */
  readonly ruleSetId: string
  /** The set itself; null when the server has no set of that id (certificates cannot be judged). */
  readonly ruleSet: RuleSet | null
  /** The country whose Acceptance rules apply: the set's own (`ValidityJudge.judgeCertificate`). */
  readonly countryCode: string
  readonly region: string | null
  /** Value set id → codes, as rules read them (`external.valueSets`). */
  readonly valueSets: Readonly<Record<string, readonly string[]>>
}

/**
 * Everything a door scanner needs to judge a code without the network, as the server's scan
 * would: whom to trust, what is revoked, what the venue admits and the rules certificates must
 * meet. Served only to the venue's operators over their session (`docs/health-code.md`).
 */
export interface OfflineBundle {
  readonly format: typeof OFFLINE_BUNDLE_FORMAT
  readonly venueId: string
  readonly category: VenueCategory
  /** When the server made it; a scanner stops trusting it a day later. */
  readonly generatedAt: string
  readonly signers: readonly OfflineSigner[]
  readonly revocations: readonly { readonly hashType: string; readonly hash: string }[]
  readonly policy: EntryPolicy
  /** null when this deployment judges no validity rules at the door. */
  readonly rules: OfflineRules | null
}

/** What the bundle is made of: the trust the server verifies with (`VerificationService.deviceTrust`). */
export interface OfflineBundleSources {
  readonly signers: readonly TrustedSigner[]
  readonly revocations: readonly { readonly hashType: string; readonly hash: string }[]
}

/**
 * Builds a venue's offline bundle: each trusted document signer becomes its kid, its public key
 * as a JWK (so a browser needs no X.509 parser), its validity and key usage. A signer whose key is
 * neither P-256 nor RSA (which HCERT does not allow) is left out: no code could verify against it.
 *
 * @example
 * ```ts
 * const bundle = buildOfflineBundle({ venue, policy, rules, sources: await verification.deviceTrust(), at: new Date() })
 * ```
 */
export function buildOfflineBundle(input: {
  venue: Venue
  policy: EntryPolicy
  rules: { ruleSetId: string; ruleSet: RuleSet | undefined } | undefined
  sources: OfflineBundleSources
  at: Date
}): OfflineBundle {
  const signers = input.sources.signers
    .map(offlineSignerOnce)
    .filter((signer): signer is OfflineSigner => signer !== undefined)
  const ruleSet = input.rules?.ruleSet
  return {
    format: OFFLINE_BUNDLE_FORMAT,
    venueId: input.venue.id,
    category: input.venue.category,
    generatedAt: input.at.toISOString(),
    signers,
    revocations: input.sources.revocations.map(({ hashType, hash }) => ({ hashType, hash })),
    policy: input.policy,
    rules: input.rules
      ? {
          ruleSetId: input.rules.ruleSetId,
          ruleSet: ruleSet ?? null,
          countryCode: ruleSet?.rules.find((rule) => rule.type === 'Acceptance')?.country ?? '',
          region: input.policy.region ?? null,
          valueSets: valueSetsForRules(),
        }
      : null,
  }
}

/**
 * The bundle's form of each signer, made once: the server's trust keeps the same signer objects
 * until it changes, and every scanner's bundle lists them all.
 */
const offlineForms = new WeakMap<TrustedSigner, OfflineSigner | undefined>()

function offlineSignerOnce(signer: TrustedSigner): OfflineSigner | undefined {
  if (!offlineForms.has(signer)) offlineForms.set(signer, offlineSigner(signer))
  return offlineForms.get(signer)
}

/** A trusted signer in the bundle's form; undefined for a key HCERT does not allow. */
export function offlineSigner(signer: TrustedSigner): OfflineSigner | undefined {
  if (signer.keyType === 'other') return undefined
  const publicKey = publicJwkOf(signer.publicKey)
  if (!publicKey) return undefined
  return {
    kid: Buffer.from(signer.kid).toString('base64'),
    keyType: signer.keyType,
    publicKey,
    notBefore: signer.notBefore === undefined ? null : new Date(signer.notBefore).toISOString(),
    notAfter: signer.notAfter === undefined ? null : new Date(signer.notAfter).toISOString(),
    extendedKeyUsage: [...signer.extendedKeyUsage],
    subject: signer.subject ?? null,
    payloadTypes: signer.payloadTypes === undefined ? null : [...signer.payloadTypes],
  }
}

/**
 * A P-256 or RSA public key as a JWK. An RSA key restricted to PSS (OID id-RSASSA-PSS) has no JWK
 * form in Node, and WebCrypto imports no such SPKI either; its modulus and exponent are the same
 * RSAPublicKey, so it is read as a plain RSA key.
 */
export function publicJwkOf(key: KeyObject): PublicJwk | undefined {
  const plain = key.asymmetricKeyType === 'rsa-pss' ? rsaKeyOfPssKey(key) : key
  if (!plain) return undefined
  const jwk = plain.export({ format: 'jwk' })
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
  }
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) return { kty: 'RSA', n: jwk.n, e: jwk.e }
  return undefined
}

/**
 * The RSAPublicKey inside an id-RSASSA-PSS SubjectPublicKeyInfo (RFC 4055 section 1.2): the
 * subjectPublicKey BIT STRING holds it whole; the AlgorithmIdentifier (id-RSASSA-PSS with its
 * parameters) is what Node and WebCrypto do not take, so it is left behind.
 */
function rsaKeyOfPssKey(key: KeyObject): KeyObject | undefined {
  try {
    const info = asn1Schema().AsnConvert.parse(
      key.export({ format: 'der', type: 'spki' }),
      asn1X509().SubjectPublicKeyInfo,
    )
    return createPublicKey({
      key: Buffer.from(info.subjectPublicKey),
      format: 'der',
      type: 'pkcs1',
    })
  } catch {
    return undefined
  }
}
