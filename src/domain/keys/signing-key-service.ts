import { X509Certificate, randomUUID, type KeyObject } from 'node:crypto'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
  createTrustAnchor,
  createUploadCertificate,
  kidOfCertificate,
} from '../../codec/trust/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { authorize } from '../policy/policy.js'
import { DomainError } from '../errors.js'
import type { StoreTransaction, Store } from '../ports.js'
import { type KeyVault, KeyVaultError } from './key-vault.js'
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
 * domestic signer, each generated here,
 * sealed by the KeyVault before it is stored, and rotated by retiring the old key (it keeps
 * verifying, and stays on the trust list, until its certificate expires).
 */
export class SigningKeyService {
  /** Opened private keys by key id: opening costs an AES-GCM decrypt and a PKCS #8 parse. */
  readonly #opened = new Map<string, KeyObject>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly vault: KeyVault | undefined,
    private readonly policy: KeyPolicy = defaultKeyPolicy,
  ) {}

  /** Tells whether private keys can be opened (a key-encryption key is configured). */
  get canSign(): boolean {
    return this.vault !== undefined
  }

  #requireVault(): KeyVault {
    if (!this.vault) {
      throw new DomainError(
        'ERR_SIGNING_UNAVAILABLE',
        'no key-encryption key is configured (KEY_ENCRYPTION_KEY): keys can be neither made nor used',
      )
    }
    return this.vault
  }

  #open(key: SigningKey): KeyObject {
    let opened = this.#opened.get(key.id)
    if (!opened) {
      try {
        opened = this.#requireVault().open(key.sealedPrivateKey, key.id)
      } catch (error) {
        if (!(error instanceof KeyVaultError)) throw error
        throw new DomainError(
          'ERR_SIGNING_UNAVAILABLE',
          `signing key ${key.kid} does not open with the configured KEY_ENCRYPTION_KEY (${error.code})`,
        )
      }
      this.#opened.set(key.id, opened)
    }
    return opened
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
    const vault = this.#requireVault()
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
    return this.#store(actor, vault, 'csca', undefined, csca)
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
    const vault = this.#requireVault()
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
      privateKey: this.#open(cscaKey),
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
    return this.#store(actor, vault, signerPurposeOf(list), issuerId, signer)
  }

  async #store(
    actor: Actor | undefined,
    vault: KeyVault,
    purpose: SigningKey['purpose'],
    issuerId: string | undefined,
    issued: IssuedCertificate,
  ): Promise<SigningKey> {
    const now = this.clock().toISOString()
    const certificate = new X509Certificate(issued.der)
    return this.store.transaction(async (tx) => {
      // The id is fixed before sealing, because the sealed form is bound to it.
      const id = randomUUID()
      const key = await tx.signingKeys.create({
        id,
        purpose,
        issuerId,
        kid: Buffer.from(issued.kid).toString('base64'),
        certificatePem: issued.pem,
        sealedPrivateKey: vault.seal(issued.privateKey, id),
        status: 'active',
        notBefore: new Date(certificate.validFrom).toISOString(),
        notAfter: new Date(certificate.validTo).toISOString(),
        createdAt: now,
        retiredAt: undefined,
      })
      const retired = await tx.signingKeys.retireOthers(purpose, issuerId, key.id, now)
      // The signer made before the split signs until the issuer has both of its successors.
      const other = purpose === 'document-signer' ? 'domestic-signer' : 'document-signer'
      const retiredLegacy =
        purpose !== 'csca' && (await tx.signingKeys.findActive(other, issuerId))
          ? await tx.signingKeys.retireOthers('legacy-signer', issuerId, key.id, now)
          : 0
      await tx.audit.append(
        {
          actorAccountId: actor?.accountId,
          action: `key.${purpose}.create`,
          entityType: 'signing_key',
          entityId: key.id,
          reason: undefined,
          data: {
            kid: key.kid,
            issuerId: issuerId ?? null,
            retiredPrevious: retired,
            ...(retiredLegacy > 0 ? { retiredLegacy } : {}),
          },
        },
        now,
      )
      this.#opened.set(key.id, issued.privateKey)
      return key
    })
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
    return { key, privateKey: this.#open(key), kid: new Uint8Array(Buffer.from(key.kid, 'base64')) }
  }

  /**
   * Makes the deployment's DCC Gateway keys if missing: a trust anchor (self-signed CA) and an
   * UPLOAD certificate issued by it, sealed at rest like every key. Returns the keys it made.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` without a KEK.
   */
  async ensureGatewayKeys(actor: Actor | undefined): Promise<SigningKey[]> {
    const vault = this.#requireVault()
    const { anchorKey, uploadKey, country } = await this.store.transaction(async (tx) => {
      const issuers = await tx.issuers.list()
      return {
        anchorKey: await tx.signingKeys.findActive('gateway-trust-anchor'),
        uploadKey: await tx.signingKeys.findActive('gateway-upload'),
        country:
          (issuers.find((issuer) => issuer.level === 'federal') ?? issuers[0])?.country ?? 'XX',
      }
    })
    const made: SigningKey[] = []
    const now = this.clock()
    const day = now.toISOString().slice(0, 10)
    let anchor: IssuedCertificate
    if (anchorKey) {
      anchor = this.#issued(anchorKey)
    } else {
      anchor = await createTrustAnchor({
        country,
        commonName: `Healthcode Gateway trust anchor ${day}`,
        organisation: 'Healthcode',
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(
          now.getTime() +
            (this.policy.gatewayTrustAnchorValidityDays ?? this.policy.cscaValidityDays) * DAY,
        ),
      })
      made.push(await this.#store(actor, vault, 'gateway-trust-anchor', undefined, anchor))
    }
    if (!uploadKey || made.length > 0) {
      const upload = await createUploadCertificate(anchor, {
        country,
        commonName: `Healthcode Gateway upload ${day}`,
        organisation: 'Healthcode',
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(
          Math.min(
            now.getTime() +
              (this.policy.gatewayUploadValidityDays ?? this.policy.documentSignerValidityDays) *
                DAY,
            Date.parse(new X509Certificate(anchor.pem).validTo),
          ),
        ),
      })
      made.push(await this.#store(actor, vault, 'gateway-upload', undefined, upload))
    }
    return made
  }

  /**
   * The active Gateway trust anchor and UPLOAD certificate, opened; undefined before
   * {@link ensureGatewayKeys} made them or without a KEK.
   */
  async gatewaySigners(): Promise<
    | {
        trustAnchor: { key: SigningKey; privateKey: KeyObject }
        upload: { key: SigningKey; privateKey: KeyObject }
      }
    | undefined
  > {
    if (!this.vault) return undefined
    const { anchor, upload } = await this.store.transaction(async (tx) => ({
      anchor: await tx.signingKeys.findActive('gateway-trust-anchor'),
      upload: await tx.signingKeys.findActive('gateway-upload'),
    }))
    if (!anchor || !upload) return undefined
    return {
      trustAnchor: { key: anchor, privateKey: this.#open(anchor) },
      upload: { key: upload, privateKey: this.#open(upload) },
    }
  }

  #issued(key: SigningKey): IssuedCertificate {
    const certificate = new X509Certificate(key.certificatePem)
    return {
      der: new Uint8Array(certificate.raw),
      pem: key.certificatePem,
      kid: kidOfCertificate(certificate.raw),
      privateKey: this.#open(key),
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
    return this.#requireVault().deriveKey(purpose)
  }

  /** The opened private key of the active CSCA (it signs the published trust list). */
  async cscaSigner(): Promise<{ key: SigningKey; privateKey: KeyObject } | undefined> {
    const key = await this.store.transaction((tx) => tx.signingKeys.findActive('csca'))
    return key && this.vault ? { key, privateKey: this.#open(key) } : undefined
  }

  /** Every key, without private parts. */
  async list(): Promise<PublicSigningKey[]> {
    const keys = await this.store.transaction((tx) => tx.signingKeys.list())
    return keys.map(publicSigningKey)
  }
}
