import { X509Certificate, type KeyObject } from 'node:crypto'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
  kidOfCertificate,
} from '../../codec/trust/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { authorize } from '../policy/policy.js'
import { DomainError } from '../errors.js'
import type { StoreTransaction, Store } from '../ports.js'
import type { KeyVault } from './key-vault.js'
import { SealedKeys } from './sealed-keys.js'
import { type SignerList, type SigningKey, signerPurposeOf } from './signing-key.js'

/** How long new certificates are valid. */
export interface KeyPolicy {
  /** The deployment's CSCA, default 10 years. */
  readonly cscaValidityDays: number
  /** Each document signer, default 2 years (codes it signed verify until then). */
  readonly documentSignerValidityDays: number
  /** The Gateway trust anchor, as the CSCA by default (10 years). */
  readonly gatewayTrustAnchorValidityDays?: number
  /** The Gateway UPLOAD certificate, as a document signer by default (2 years). */
  readonly gatewayUploadValidityDays?: number
}

export const defaultKeyPolicy: KeyPolicy = {
  cscaValidityDays: 3650,
  documentSignerValidityDays: 730,
}

/** A document signer ready to sign: its stored key and the opened private key. */
export interface ReadySigner {
  readonly key: SigningKey
  readonly privateKey: KeyObject
  /** The 8-byte kid. */
  readonly kid: Uint8Array
}

/** A key as shown outside the server: never the private key. */
export type PublicSigningKey = Omit<SigningKey, 'sealedPrivateKey'>

/** What the key to audit and show says about a key, without the sealed private key. */
export function publicSigningKey(key: SigningKey): PublicSigningKey {
  const { sealedPrivateKey: _sealed, ...rest } = key
  return rest
}

const DAY = 86_400_000

/**
 * The deployment's signing keys: one CSCA, and per issuer an EU-facing document signer and a
 * domestic signer, each generated here (the DCC Gateway's keys: `GatewayKeyService`),
 * sealed by the KeyVault before it is stored, and rotated by retiring the old key (it keeps
 * verifying, and stays on the trust list, until its certificate expires).
 */
export class SigningKeyService {
  readonly #sealed: SealedKeys

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    vault: KeyVault | undefined,
    private readonly policy: KeyPolicy = defaultKeyPolicy,
  ) {
    this.#sealed = new SealedKeys(store, clock, vault)
  }

  /** Tells whether private keys can be opened (a key-encryption key is configured). */
  get canSign(): boolean {
    return this.#sealed.canSign
  }

  /**
   * Makes whatever is missing: the CSCA, and for each of `issuerIds` an active EU-facing document
   * signer and an active domestic signer (an issuer that still signs with a signer made before
   * the two were split gets both, and that one is retired). Returns the keys it made (none when
   * all exist).
   */
  async ensureKeys(actor: Actor | undefined, issuerIds: readonly string[]): Promise<SigningKey[]> {
    const made: SigningKey[] = []
    const existing = await this.store.transaction((tx) => tx.signingKeys.findActive('csca'))
    if (!existing) made.push(await this.rotateCsca(actor))
    for (const issuerId of issuerIds) {
      for (const list of ['eu', 'domestic'] as const) {
        const active = await this.store.transaction((tx) =>
          tx.signingKeys.findActive(signerPurposeOf(list), issuerId),
        )
        if (!active) made.push(await this.rotateDocumentSigner(actor, issuerId, list))
      }
    }
    return made
  }

  /** Makes a new CSCA and retires the previous one (its document signers stay valid). */
  async rotateCsca(actor: Actor | undefined): Promise<SigningKey> {
    const vault = this.#sealed.requireVault()
    const now = this.clock()
    const country = await this.store.transaction(async (tx) => {
      const issuers = await tx.issuers.list()
      return (issuers.find((issuer) => issuer.level === 'federal') ?? issuers[0])?.country ?? 'XX'
    })
    const csca = await createCsca({
      country,
      commonName: `Healthcode CSCA ${now.toISOString().slice(0, 10)}`,
      organisation: 'Healthcode',
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + this.policy.cscaValidityDays * DAY),
    })
    return this.#sealed.save(actor, vault, 'csca', undefined, csca)
  }

  /**
   * Makes a new signer for an issuer, signed by the active CSCA, and retires the issuer's previous
   * one on the same list: an EU-facing document signer (`eu`), whose certificate's extended key
   * usage names the three DCC types (HCERT section 5.4.1), or a domestic signer (`domestic`) for
   * dynamic codes and antibody certificates, whose certificate names none of them (our payloads'
   * key usage rule, docs/antibody-certificate.md). Once an issuer has both, a signer of its made
   * before the split is retired (it stays on the lists until its certificate expires).
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown issuer, `ERR_FORBIDDEN` for an actor
   *   who is not an administrator of the issuer or one above it, `ERR_SIGNING_UNAVAILABLE`
   *   without a KEK or a CSCA.
   */
  async rotateDocumentSigner(
    actor: Actor | undefined,
    issuerId: string,
    list: SignerList = 'eu',
  ): Promise<SigningKey> {
    const vault = this.#sealed.requireVault()
    const now = this.clock()
    const { issuer, cscaKey } = await this.store.transaction(async (tx) => {
      const found = await tx.issuers.find(issuerId)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no issuer ${issuerId}`, 'issuerId')
      // An operator at the console (no actor) acts for the whole deployment.
      if (actor) await authorize(tx, actor, 'manage', { kind: 'keys', issuerId: found.id })
      return { issuer: found, cscaKey: await tx.signingKeys.findActive('csca') }
    })
    if (!cscaKey) {
      throw new DomainError(
        'ERR_SIGNING_UNAVAILABLE',
        'there is no CSCA yet: run healthcode keys init',
      )
    }
    const cscaCertificate = new X509Certificate(cscaKey.certificatePem)
    const csca: IssuedCertificate = {
      der: new Uint8Array(cscaCertificate.raw),
      pem: cscaKey.certificatePem,
      kid: kidOfCertificate(cscaCertificate.raw),
      privateKey: this.#sealed.open(cscaKey),
    }
    const notAfter = Math.min(
      now.getTime() + this.policy.documentSignerValidityDays * DAY,
      Date.parse(cscaKey.notAfter),
    )
    const signer = await createDocumentSigner(
      csca,
      {
        country: issuer.country,
        commonName: `${issuer.name} ${list === 'eu' ? 'EU document signer' : 'domestic signer'} ${now.toISOString().slice(0, 10)}`,
        organisation: issuer.name,
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(notAfter),
      },
      list === 'eu' ? ['test', 'vaccination', 'recovery'] : 'all',
    )
    return this.#sealed.save(actor, vault, signerPurposeOf(list), issuerId, signer)
  }

  /**
   * The issuer's active signer on a list, opened, inside a transaction: its EU-facing document
   * signer for EU DCCs, its domestic signer for dynamic codes and antibody certificates; until the
   * issuer has one, the signer it had before the two were split.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` when the issuer has none or no KEK is set.
   */
  async signerFor(tx: StoreTransaction, issuerId: string, list: SignerList): Promise<ReadySigner> {
    const key = await this.findSigner(tx, issuerId, list)
    if (!key) {
      throw new DomainError(
        'ERR_SIGNING_UNAVAILABLE',
        `issuer ${issuerId} has no ${list === 'eu' ? 'EU-facing document' : 'domestic'} signer: run healthcode keys init`,
      )
    }
    return {
      key,
      privateKey: this.#sealed.open(key),
      kid: new Uint8Array(Buffer.from(key.kid, 'base64')),
    }
  }

  /** The key `signerFor` would open, or undefined when the issuer has none for the list. */
  async findSigner(
    tx: StoreTransaction,
    issuerId: string,
    list: SignerList,
  ): Promise<SigningKey | undefined> {
    return (
      (await tx.signingKeys.findActive(signerPurposeOf(list), issuerId)) ??
      (await tx.signingKeys.findActive('legacy-signer', issuerId))
    )
  }

  /**
   * A key of the server's own for one purpose (the subjects of dynamic codes), derived from the
   * key-encryption key; the same in every process that shares the KEK.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` without a KEK.
   */
  derivedKey(purpose: string): Buffer {
    return this.#sealed.requireVault().deriveKey(purpose)
  }

  /** The opened private key of the active CSCA (it signs the published trust list). */
  async cscaSigner(): Promise<{ key: SigningKey; privateKey: KeyObject } | undefined> {
    const key = await this.store.transaction((tx) => tx.signingKeys.findActive('csca'))
    return key && this.#sealed.canSign ? { key, privateKey: this.#sealed.open(key) } : undefined
  }

  /** Every key, without private parts. */
  async list(): Promise<PublicSigningKey[]> {
    const keys = await this.store.transaction((tx) => tx.signingKeys.list())
    return keys.map(publicSigningKey)
  }
}
