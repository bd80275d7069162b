import { X509Certificate, type KeyObject } from 'node:crypto'
import {
  type IssuedCertificate,
  createTrustAnchor,
  createUploadCertificate,
} from '../../codec/trust/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type { Store } from '../ports.js'
import type { KeyVault } from './key-vault.js'
import { SealedKeys } from './sealed-keys.js'
import type { SigningKey } from './signing-key.js'
import { type KeyPolicy, defaultKeyPolicy } from './signing-key-service.js'

const DAY = 86_400_000

/**
 * The deployment's DCC Gateway keys: a trust anchor (a self-signed CA) and an UPLOAD certificate
 * issued by it, which sign our lists and revocation batches in the Gateway's formats (never a
 * code). Sealed at rest like every key.
 */
export class GatewayKeyService {
  readonly #sealed: SealedKeys

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    vault: KeyVault | undefined,
    private readonly policy: KeyPolicy = defaultKeyPolicy,
  ) {
    this.#sealed = new SealedKeys(store, clock, vault)
  }

  /**
   * Makes the deployment's DCC Gateway keys if missing: a trust anchor (self-signed CA) and an
   * UPLOAD certificate issued by it, sealed at rest like every key. Returns the keys it made.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` without a KEK.
   */
  async ensureKeys(actor: Actor | undefined): Promise<SigningKey[]> {
    const vault = this.#sealed.requireVault()
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
      anchor = this.#sealed.issued(anchorKey)
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
      made.push(await this.#sealed.save(actor, vault, 'gateway-trust-anchor', undefined, anchor))
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
      made.push(await this.#sealed.save(actor, vault, 'gateway-upload', undefined, upload))
    }
    return made
  }

  /**
   * The active Gateway trust anchor and UPLOAD certificate, opened; undefined before
   * {@link ensureKeys} made them or without a KEK.
   */
  async signers(): Promise<
    | {
        trustAnchor: { key: SigningKey; privateKey: KeyObject }
        upload: { key: SigningKey; privateKey: KeyObject }
      }
    | undefined
  > {
    if (!this.#sealed.canSign) return undefined
    const { anchor, upload } = await this.store.transaction(async (tx) => ({
      anchor: await tx.signingKeys.findActive('gateway-trust-anchor'),
      upload: await tx.signingKeys.findActive('gateway-upload'),
    }))
    if (!anchor || !upload) return undefined
    return {
      trustAnchor: { key: anchor, privateKey: this.#sealed.open(anchor) },
      upload: { key: upload, privateKey: this.#sealed.open(upload) },
    }
  }
}
