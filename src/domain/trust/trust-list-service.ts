import { X509Certificate } from 'node:crypto'
import type { RevocationListDocument } from '../../codec/revocation/index.js'
import type { TrustListEntry } from '../../codec/trust-list/index.js'
import type { Clock } from '../clock.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { partnerGatewayTrust } from './partner-gateway-trust.js'
import {
  type EuFacingSignerCertificate,
  type TrustSnapshot,
  loadTrustSnapshot,
  readPartnerList,
  revocationEntriesOf,
} from './trust-snapshot.js'

/**
 * Our trust lists, as this process holds them: publishes our document signers as signed trust
 * lists in the DCC Gateway shape (signed by our CSCA) and our revocation list, and keeps the
 * snapshot every verifier works from (`TrustSnapshot`: ours and the partners' imported signers).
 * The snapshot is cached for `cacheSeconds` and rebuilt at once when keys, partners or certificate
 * statuses change here, or when another process says they changed (see `ChangeNotices`); a
 * process that missed the notice catches up within `cacheSeconds`.
 */
export class TrustListService {
  #snapshot: Promise<TrustSnapshot> | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly cacheSeconds: number,
    /** Told when the lists changed here, after the change committed (to tell other processes). */
    private readonly onChange?: () => void,
  ) {}

  /** Drops the cached lists; the next use rebuilds them. */
  invalidate(): void {
    this.#snapshot = undefined
  }

  /** The lists changed here: drops the cached lists and tells {@link onChange}. */
  changed(): void {
    this.invalidate()
    this.onChange?.()
  }

  /** What every verifier works from: the cached snapshot, rebuilt when it is older than allowed. */
  async snapshot(): Promise<TrustSnapshot> {
    const cached = this.#snapshot
    if (cached) {
      const snapshot = await cached.catch(() => undefined)
      if (snapshot && this.clock().getTime() - snapshot.loadedAt < this.cacheSeconds * 1000) {
        return snapshot
      }
      if (this.#snapshot !== cached) return this.snapshot()
    }
    const loading = loadTrustSnapshot(this.store, this.clock, this.keys)
    this.#snapshot = loading
    loading.catch(() => {
      if (this.#snapshot === loading) this.#snapshot = undefined
    })
    return loading
  }

  /**
   * Our EU-facing trust list: the CSCA and every EU-facing document signer not yet expired, retired
   * ones included, with the signers made before the split (which signed EU DCCs too). The domestic
   * signers are never on it, so an EU verifier that trusts it finds no signer for our own codes.
   */
  async publishedTrustList(): Promise<TrustListEntry[]> {
    return (await this.snapshot()).published
  }

  /**
   * Our domestic trust list, in the same signed shape but for partners of our own codes only
   * (dynamic codes, antibody certificates): the CSCA, every domestic signer not yet expired and the
   * signers made before the split. Never exported in the EU DCC Gateway's format.
   */
  async publishedDomesticTrustList(): Promise<TrustListEntry[]> {
    return (await this.snapshot()).publishedDomestic
  }

  /**
   * The EU-facing document signers' certificates (not yet expired, retired ones included): what an
   * export to the EU DCC Gateway publishes, and nothing else of ours. Domestic signers are never
   * among them.
   */
  async euFacingSignerCertificates(): Promise<readonly EuFacingSignerCertificate[]> {
    return (await this.snapshot()).euFacing
  }

  /** Our revocation list: the hashes of revoked and suspended certificates, signed by the CSCA. */
  async publishedRevocationList(): Promise<RevocationListDocument> {
    return (await this.snapshot()).revocationDocument
  }

  /** The certificate that signs our lists (the active CSCA), PEM; undefined before keys exist. */
  async listSigningCertificate(): Promise<string | undefined> {
    return (await this.keys.cscaSigner())?.key.certificatePem
  }

  /**
   * The trust a verifier elsewhere needs to check codes as this server does (`healthcode verify
   * --database`): our (EU-facing, domestic and legacy) and our partners' document signer
   * certificates, our revocation entries, and
   * the SMART Health Card issuers. No private key is read.
   */
  async exportForVerifiers(): Promise<{
    certificates: Uint8Array[]
    revocations: { hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE'; hash: string }[]
    shcIssuers: { iss: string; jwks: unknown; crls: unknown[] }[]
  }> {
    const now = this.clock().getTime()
    const { keys, partners, hashes, shcIssuers, batches } = await this.store.transaction(
      async (tx) => ({
        keys: await tx.signingKeys.list(),
        partners: await tx.trustPartners.list(),
        hashes: await tx.certificates.hashesInStatus(['revoked', 'suspended']),
        shcIssuers: await tx.shcIssuers.list(),
        batches: await tx.trustPartners.revocationBatches(),
      }),
    )
    const revocations = revocationEntriesOf(hashes)
    const certificates = keys
      .filter((key) => key.purpose !== 'csca' && Date.parse(key.notAfter) > now)
      .map((key) => new Uint8Array(new X509Certificate(key.certificatePem).raw))
    for (const partner of partners) {
      if (partner.trustList === undefined) continue
      try {
        for (const entry of readPartnerList(partner, partner.trustList).entries) {
          if (entry.certificateType === 'DSC') {
            certificates.push(new Uint8Array(Buffer.from(entry.rawData, 'base64')))
          }
        }
      } catch {
        continue
      }
    }
    for (const partner of partners) {
      if (partner.gatewayTrustList === undefined) continue
      try {
        const gateway = partnerGatewayTrust(
          { ...partner, gatewayTrustList: partner.gatewayTrustList },
          batches,
          new Date(now),
        )
        certificates.push(...gateway.certificates)
        revocations.push(...gateway.revocations)
      } catch {
        continue
      }
    }
    return {
      certificates,
      revocations,
      shcIssuers: shcIssuers.map(({ iss, jwks, crls }) => ({ iss, jwks, crls })),
    }
  }
}
