import { X509Certificate, createHash } from 'node:crypto'
import {
  type GatewayBatchList,
  type GatewayBatchListItem,
  type GatewayListCertificate,
  type GatewayTrustListEntry,
  pageBatchList,
  signGatewayTrustList,
  signRevocationBatch,
} from '../../codec/gateway/index.js'
import { revocationHashTypes, type RevocationHashType } from '../../codec/revocation/index.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { euFacingDocumentSigners } from '../keys/eu-facing-signers.js'
import type { GatewayKeyService } from '../keys/gateway-key-service.js'
import type { CertificateStatusChange, Store } from '../ports.js'

/** A UUID fixed by a name, in the layout of RFC 9562 version 8 (custom). */
function batchIdOf(certificateId: string, hashType: RevocationHashType): string {
  const bytes = createHash('sha256')
    .update(`healthcode-gateway-batch:${certificateId}:${hashType}`)
    .digest()
    .subarray(0, 16)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Our batches: one per certificate whose status changed and per hash type. */
interface OurBatch extends GatewayBatchListItem {
  readonly change: CertificateStatusChange
  readonly hashType: RevocationHashType
}

/** The published documents of one cache period. */
interface PublishedCache {
  readonly at: number
  trustList?: GatewayTrustListEntry[]
  batches?: OurBatch[]
}

/**
 * Our side of trust exchange in the DCC Gateway's formats: publishes our trust list and revocation
 * batches exactly as the Gateway serves them to national backends (CMS SignedData by our Gateway
 * trust anchor and UPLOAD certificate). Importing a partner's is `GatewayImportService`.
 */
export class GatewayExportService {
  /** What the public reads are made from, kept `cacheSeconds` (signing costs a signature each). */
  #published: PublishedCache = { at: 0 }

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly gatewayKeys: GatewayKeyService,
    private readonly cacheSeconds = 0,
  ) {}

  /** Drops the cached published documents (keys or certificate statuses changed). */
  invalidate(): void {
    this.#published = { at: 0 }
  }

  #cached(): PublishedCache {
    const now = this.clock().getTime()
    if (now - this.#published.at >= this.cacheSeconds * 1000) this.#published = { at: now }
    return this.#published
  }

  async #signers() {
    const signers = await this.gatewayKeys.signers()
    if (!signers) {
      throw new DomainError(
        'ERR_SIGNING_UNAVAILABLE',
        'this deployment has no Gateway trust anchor and upload certificate yet (healthcode keys init)',
      )
    }
    const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw)
    return {
      trustAnchor: {
        certificate: der(signers.trustAnchor.key.certificatePem),
        privateKey: signers.trustAnchor.privateKey,
        pem: signers.trustAnchor.key.certificatePem,
      },
      upload: {
        certificate: der(signers.upload.key.certificatePem),
        privateKey: signers.upload.privateKey,
        createdAt: signers.upload.key.createdAt,
      },
    }
  }

  /** The certificate of our Gateway trust anchor, PEM: partners configure it to check our lists. */
  async trustAnchorCertificate(): Promise<string> {
    return (await this.#signers()).trustAnchor.pem
  }

  /**
   * Our trust list as the Gateway's `GET /trustList` serves it: our CSCAs and our UPLOAD
   * certificate, signed by the trust anchor, and the EU-facing document signers, signed by the
   * UPLOAD certificate.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` before the Gateway keys exist.
   */
  async trustList(): Promise<GatewayTrustListEntry[]> {
    const cache = this.#cached()
    if (cache.trustList) return cache.trustList
    const trustList = await this.#makeTrustList()
    cache.trustList = trustList
    return trustList
  }

  async #makeTrustList(): Promise<GatewayTrustListEntry[]> {
    const signers = await this.#signers()
    const now = this.clock()
    const { keys, issuers } = await this.store.transaction(async (tx) => ({
      keys: await tx.signingKeys.list(),
      issuers: await tx.issuers.list(),
    }))
    const countryOf = new Map(issuers.map((issuer) => [issuer.id, issuer.country]))
    const federal = issuers.find((issuer) => issuer.level === 'federal')?.country ?? 'XX'
    const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw)
    const certificates: GatewayListCertificate[] = [
      ...keys
        .filter((key) => key.purpose === 'csca' && Date.parse(key.notAfter) > now.getTime())
        .map((key) => ({
          der: der(key.certificatePem),
          country: federal,
          certificateType: 'CSCA' as const,
          timestamp: new Date(key.createdAt),
        })),
      {
        der: signers.upload.certificate,
        country: federal,
        certificateType: 'UPLOAD',
        timestamp: new Date(signers.upload.createdAt),
      },
      ...euFacingDocumentSigners(keys, now).map((key) => ({
        der: der(key.certificatePem),
        country: (key.issuerId && countryOf.get(key.issuerId)) || federal,
        certificateType: 'DSC' as const,
        timestamp: new Date(key.createdAt),
      })),
    ]
    return signGatewayTrustList(certificates, signers)
  }

  async #batches(): Promise<OurBatch[]> {
    const cache = this.#cached()
    if (cache.batches) return cache.batches
    const changes = await this.store.transaction((tx) => tx.certificates.statusChanges())
    const batches = changes.flatMap((change) =>
      revocationHashTypes.map((hashType) => ({
        batchId: batchIdOf(change.id, hashType),
        country: change.country,
        date: change.statusChangedAt,
        // A certificate valid again: its batches are withdrawn (they reappear if it is revoked).
        deleted: change.status === 'valid',
        change,
        hashType,
      })),
    )
    cache.batches = batches
    return batches
  }

  /**
   * Our batch list as the Gateway's `GET /revocation-list` gives it: the batches changed after
   * `since` (`If-Modified-Since`), oldest first, at most 1000 with `more`; undefined when none.
   * Each revoked or suspended certificate is one batch per hash type, dated when its status
   * changed; a certificate made valid again lists its batches `deleted`.
   */
  async batchList(since: Date): Promise<GatewayBatchList | undefined> {
    const batches = await this.#batches()
    return pageBatchList(
      batches.map(({ batchId, country, date, deleted }) => ({ batchId, country, date, deleted })),
      since,
    )
  }

  /**
   * One of our batches as the Gateway's `GET /revocation-list/{batchId}` serves it: base64 of a CMS
   * SignedData over the batch JSON, signed by our UPLOAD certificate.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown batch, `ERR_GATEWAY_BATCH_GONE` for a
   *   deleted one, `ERR_SIGNING_UNAVAILABLE` before the Gateway keys exist.
   */
  async signedBatch(batchId: string): Promise<string> {
    const batch = (await this.#batches()).find((b) => b.batchId === batchId)
    if (!batch) throw new DomainError('ERR_NOT_FOUND', `no revocation batch ${batchId}`)
    if (batch.deleted) {
      throw new DomainError('ERR_GATEWAY_BATCH_GONE', `the revocation batch ${batchId} was deleted`)
    }
    const signers = await this.#signers()
    return signRevocationBatch(
      {
        country: batch.country,
        expires: batch.change.expiresAt,
        kid: batch.change.kid,
        hashType: batch.hashType,
        entries: [{ hash: batch.change.revocationHashes[batch.hashType] }],
      },
      signers.upload,
    )
  }
}
