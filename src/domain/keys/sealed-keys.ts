import { X509Certificate, randomUUID, type KeyObject } from 'node:crypto'
import { type IssuedCertificate, kidOfCertificate } from '../../codec/trust/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import { type KeyVault, KeyVaultError } from './key-vault.js'
import type { SigningKey } from './signing-key.js'

/**
 * The private keys of the stored signing keys: sealed by the KeyVault before a key is stored,
 * opened (and kept open) when it signs. What `SigningKeyService` and
 * `GatewayKeyService` share; each holds its own, so each keeps open only the keys it uses.
 */
export class SealedKeys {
  /** Opened private keys by key id: opening costs an AES-GCM decrypt and a PKCS #8 parse. */
  readonly #opened = new Map<string, KeyObject>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly vault: KeyVault | undefined,
  ) {}

  /** Tells whether private keys can be opened (a key-encryption key is configured). */
  get canSign(): boolean {
    return this.vault !== undefined
  }

  /**
   * The vault, to seal or open with.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` without a KEK.
   */
  requireVault(): KeyVault {
    if (!this.vault) {
      throw new DomainError(
        'ERR_SIGNING_UNAVAILABLE',
        'no key-encryption key is configured (KEY_ENCRYPTION_KEY): keys can be neither made nor used',
      )
    }
    return this.vault
  }

  /**
   * A stored key's private key, opened.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` without a KEK or when it does not open.
   */
  open(key: SigningKey): KeyObject {
    let opened = this.#opened.get(key.id)
    if (!opened) {
      try {
        opened = this.requireVault().open(key.sealedPrivateKey, key.id)
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

  /** A stored key as the certificate it issues others with (its private key opened). */
  issued(key: SigningKey): IssuedCertificate {
    const certificate = new X509Certificate(key.certificatePem)
    return {
      der: new Uint8Array(certificate.raw),
      pem: key.certificatePem,
      kid: kidOfCertificate(certificate.raw),
      privateKey: this.open(key),
    }
  }

  /**
   * Seals and stores a new key as the active one for its purpose (and issuer), retires the one it
   * replaces, and audits it, in one transaction.
   */
  async save(
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
}
