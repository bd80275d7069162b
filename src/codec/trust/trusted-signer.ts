import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { HealthcodeError } from '../healthcode-error.js'
import type { Hc1PayloadType } from '../hc1/cwt.js'

/** The failures of reading trust material. */
export type TrustErrorCode = 'ERR_TRUST_CERTIFICATE' | 'ERR_TRUST_KEY'

/** Trust material (a certificate or key) that cannot be used. */
export class TrustError extends HealthcodeError<TrustErrorCode> {
  override readonly name = 'TrustError'
}

/** The key types HCERT signers use (HCERT section 3.3.2). */
export type SignerKeyType = 'ec-p256' | 'rsa' | 'other'

/** A document signer the verifier trusts: its key, and what its certificate allows. */
export interface TrustedSigner {
  /** The key identifier: the first 8 bytes of the SHA-256 of the DER certificate (HCERT 3.3.2). */
  readonly kid: Uint8Array
  readonly publicKey: KeyObject
  readonly keyType: SignerKeyType
  /** Validity of the certificate in milliseconds since the epoch; absent for a bare key. */
  readonly notBefore: number | undefined
  readonly notAfter: number | undefined
  /** The extended key usage OIDs of the certificate (none: all uses). */
  readonly extendedKeyUsage: readonly string[]
  /** The certificate's subject, for messages and listings. */
  readonly subject: string | undefined
  /**
   * What the trust list that gave this signer trusts it for (see `SignerBounds.payloadTypes`);
   * absent: every payload its key usage allows.
   */
  readonly payloadTypes?: readonly Hc1PayloadType[] | undefined
}

/** Finds the signers that may have made a signature with a given `kid`. */
export interface TrustStore {
  signersFor(kid: Uint8Array): readonly TrustedSigner[]
}

/** The HCERT key identifier of a DER certificate: the first 8 bytes of its SHA-256 (section 3.3.2). */
export function kidOfCertificate(der: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(der).digest().subarray(0, 8))
}

/**
 * Reads a document signer certificate (X.509, DER).
 *
 * @param kid the key identifier a trust list gives; by default the one HCERT derives from the DER.
 * @throws {TrustError} `ERR_TRUST_CERTIFICATE` when the bytes are not an X.509 certificate.
 */
export function signerFromCertificate(der: Uint8Array, kid = kidOfCertificate(der)): TrustedSigner {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(der)
  } catch (cause) {
    throw new TrustError(
      'ERR_TRUST_CERTIFICATE',
      `expected a DER X.509 certificate, but it does not parse: ${(cause as Error).message}`,
      { cause },
    )
  }
  const publicKey = certificate.publicKey
  return {
    kid,
    publicKey,
    keyType: keyTypeOf(publicKey),
    notBefore: Date.parse(certificate.validFrom),
    notAfter: Date.parse(certificate.validTo),
    // Node names the extended key usage `keyUsage`; it is undefined when the extension is absent.
    extendedKeyUsage: certificate.keyUsage ?? [],
    subject: certificate.subject.replace(/\n/g, ', '),
  }
}

/**
 * Reads a bare public key (SubjectPublicKeyInfo, DER), as some trust lists carry: it has no
 * validity period and no key usage restriction.
 *
 * @throws {TrustError} `ERR_TRUST_KEY` when the bytes are not a public key.
 */
export function signerFromPublicKey(spki: Uint8Array, kid: Uint8Array): TrustedSigner {
  let publicKey: KeyObject
  try {
    publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })
  } catch (cause) {
    throw new TrustError(
      'ERR_TRUST_KEY',
      `expected a DER SubjectPublicKeyInfo, but it does not parse: ${(cause as Error).message}`,
      { cause },
    )
  }
  return {
    kid,
    publicKey,
    keyType: keyTypeOf(publicKey),
    notBefore: undefined,
    notAfter: undefined,
    extendedKeyUsage: [],
    subject: undefined,
  }
}

function keyTypeOf(key: KeyObject): SignerKeyType {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ec-p256'
  }
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'rsa'
  return 'other'
}

/** An in-memory trust store: signers indexed by `kid`. */
export class TrustList implements TrustStore {
  readonly #byKid = new Map<string, TrustedSigner[]>()

  constructor(signers: Iterable<TrustedSigner> = []) {
    for (const signer of signers) this.add(signer)
  }

  add(signer: TrustedSigner): void {
    const key = kidKey(signer.kid)
    const list = this.#byKid.get(key)
    if (list) list.push(signer)
    else this.#byKid.set(key, [signer])
  }

  signersFor(kid: Uint8Array): readonly TrustedSigner[] {
    return this.#byKid.get(kidKey(kid)) ?? []
  }

  get size(): number {
    let count = 0
    for (const list of this.#byKid.values()) count += list.length
    return count
  }
}

/**
 * A `kid` as a key of {@link TrustList}'s map: one character per byte. It runs once per
 * verification, and costs a fraction of a hex string made through a `Buffer`.
 */
function kidKey(kid: Uint8Array): string {
  let key = ''
  for (let i = 0; i < kid.length; i++) key += String.fromCharCode(kid[i] as number)
  return key
}
