import { GatewayError, readRevocationBatch } from '../../codec/gateway/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import { readPartnerGatewayList } from './partner-gateway-trust.js'
import { authorizeTrustAdmin } from './trust-admin.js'
import type { TrustPartner } from './trust-partner.js'

/** The most batches one import takes. */
export const MAX_IMPORTED_BATCHES = 1000

/** A batch as a partner's Gateway interface serves it, to import. */
export interface BatchToImport {
  /** The batch id of the partner's batch list. */
  readonly batchId: string
  /** The CMS-signed batch (base64), as `GET /revocation-list/{batchId}` gives it; absent when deleted. */
  readonly signedBatch?: string | undefined
  /** True for a batch the partner's list marks `deleted`: it is removed here. */
  readonly deleted?: boolean | undefined
}

/**
 * A partner's side of trust exchange in the DCC Gateway's formats: imports its trust list and
 * revocation batches, checked against the trust anchor configured for the partner. Publishing ours
 * is `GatewayExportService`.
 */
export class GatewayImportService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Called when an import changes the trust (the verifiers' cache is dropped). */
    private readonly onTrustChange: () => void = () => undefined,
  ) {}

  async #partner(actor: Actor | undefined, partnerId: string): Promise<TrustPartner> {
    const partner = await this.store.transaction(async (tx) => {
      // An operator at the console (no actor) acts for the whole deployment.
      if (actor) await authorizeTrustAdmin(tx, actor)
      return tx.trustPartners.find(partnerId)
    })
    if (!partner) throw new DomainError('ERR_NOT_FOUND', `no trust partner ${partnerId}`)
    return partner
  }

  /**
   * Imports a partner's trust list in the Gateway's form, checked against the trust anchor
   * configured for the partner (its `signingCertificate`); it replaces the previous one only whole.
   *
   * @throws {GatewayError} for a list that fails its checks; {@link DomainError} `ERR_NOT_FOUND`,
   *   `ERR_FORBIDDEN`.
   */
  async importTrustList(
    actor: Actor | undefined,
    partnerId: string,
    list: unknown,
  ): Promise<{ partner: TrustPartner; signers: number; uploadCertificates: number }> {
    const partner = await this.#partner(actor, partnerId)
    const text = JSON.stringify(list)
    const read = readPartnerGatewayList(partner, text)
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      await tx.trustPartners.saveGatewayImport(partnerId, text, at)
      await tx.audit.append(
        {
          actorAccountId: actor?.accountId,
          action: 'trust.partner.gateway-import',
          entityType: 'trust_partner',
          entityId: partnerId,
          reason: undefined,
          data: {
            signers: read.signers.length,
            kids: read.signers.map((s) => Buffer.from(s.kid).toString('base64')),
          },
        },
        at,
      )
    })
    this.onTrustChange()
    return {
      partner: { ...partner, gatewayTrustList: text, gatewayImportedAt: at },
      signers: read.signers.length,
      uploadCertificates: read.uploadCertificates.length,
    }
  }

  /**
   * Imports a partner's revocation batches as its Gateway interface serves them: each batch is
   * checked (a CMS signature by an UPLOAD certificate of its country on the partner's imported
   * Gateway trust list, every field), and all are stored or none; batches marked `deleted` are
   * removed. The certificates they list stop verifying at once, at the door too.
   *
   * @throws {GatewayError} naming the batch that fails (`batches[i]: …`); {@link DomainError}
   *   `ERR_GATEWAY_NO_TRUST_LIST` before the partner's Gateway trust list is imported, `ERR_NOT_FOUND`,
   *   `ERR_FORBIDDEN`, `ERR_INVALID_FIELD`.
   */
  async importRevocationBatches(
    actor: Actor | undefined,
    partnerId: string,
    batches: readonly BatchToImport[],
  ): Promise<{ imported: number; deleted: number; hashes: number }> {
    const partner = await this.#partner(actor, partnerId)
    if (partner.gatewayTrustList === undefined) {
      throw new DomainError(
        'ERR_GATEWAY_NO_TRUST_LIST',
        'import the partner’s Gateway trust list first: its UPLOAD certificates check the batches',
      )
    }
    if (batches.length > MAX_IMPORTED_BATCHES) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `expected at most ${MAX_IMPORTED_BATCHES} batches, but found ${batches.length}`,
        'batches',
      )
    }
    const list = readPartnerGatewayList(partner, partner.gatewayTrustList)
    const at = this.clock().toISOString()
    const keep: { batchId: string; country: string; signedBatch: string }[] = []
    const remove: string[] = []
    let hashes = 0
    batches.forEach((batch, index) => {
      if (batch.deleted) {
        remove.push(batch.batchId)
        return
      }
      if (batch.signedBatch === undefined) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          `batches[${index}]: expected the signed batch (or deleted: true)`,
          'batches',
        )
      }
      try {
        const read = readRevocationBatch(batch.signedBatch, {
          uploadCertificates: list.uploadCertificates,
        })
        hashes += read.entries.length
        keep.push({ batchId: batch.batchId, country: read.country, signedBatch: batch.signedBatch })
      } catch (error) {
        if (error instanceof GatewayError) {
          throw new GatewayError(error.code, `batches[${index}]: ${error.message}`, {
            cause: error,
            field: 'batches',
          })
        }
        throw error
      }
    })
    const deleted = await this.store.transaction(async (tx) => {
      await tx.trustPartners.saveRevocationBatches(
        keep.map((batch) => ({ ...batch, partnerId, importedAt: at })),
      )
      const count = await tx.trustPartners.deleteRevocationBatches(partnerId, remove)
      await tx.audit.append(
        {
          actorAccountId: actor?.accountId,
          action: 'trust.partner.revocation-import',
          entityType: 'trust_partner',
          entityId: partnerId,
          reason: undefined,
          data: { batches: keep.map((b) => b.batchId), deleted: remove, hashes },
        },
        at,
      )
      return count
    })
    this.onTrustChange()
    return { imported: keep.length, deleted, hashes }
  }
}
