import { randomUUID } from 'node:crypto'
import type { TrustPartnerRepository } from '../domain/ports.js'
import type { PartnerRevocationBatch, TrustPartner } from '../domain/trust/trust-partner.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { TrustPartnerRow } from './schema.js'

/** Maps a row of `trust_partners` to a {@link TrustPartner}. */
export function trustPartnerRowToPartner(row: TrustPartnerRow): TrustPartner {
  return {
    id: row.id,
    name: row.name,
    signingCertificatePem: row.signing_certificate,
    sourceUrl: optional(row.source_url),
    list: optional(row.list),
    trustList: optional(row.trust_list),
    importedAt: optional(row.imported_at),
    createdAt: row.created_at,
    gatewayTrustList: optional(row.gateway_trust_list),
    gatewayImportedAt: optional(row.gateway_imported_at),
  }
}

/** Trust-list partners in the `trust_partners` table. */
export class KyselyTrustPartnerRepository implements TrustPartnerRepository {
  constructor(private readonly context: RepositoryContext) {}

  async create(
    partner: Omit<
      TrustPartner,
      'id' | 'trustList' | 'importedAt' | 'gatewayTrustList' | 'gatewayImportedAt'
    >,
  ): Promise<TrustPartner> {
    const row: TrustPartnerRow = {
      id: randomUUID(),
      name: partner.name,
      signing_certificate: partner.signingCertificatePem,
      source_url: partner.sourceUrl ?? null,
      list: partner.list ?? null,
      trust_list: null,
      imported_at: null,
      created_at: isoTimestamp(partner.createdAt),
      gateway_trust_list: null,
      gateway_imported_at: null,
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('trust_partners').values(row).execute(),
    )
    return trustPartnerRowToPartner(row)
  }

  async find(id: string): Promise<TrustPartner | undefined> {
    const row = await this.context.db
      .selectFrom('trust_partners')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && trustPartnerRowToPartner(row)
  }

  async list(): Promise<TrustPartner[]> {
    const rows = await this.context.db
      .selectFrom('trust_partners')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(trustPartnerRowToPartner)
  }

  async saveImport(id: string, trustList: string, at: string): Promise<void> {
    await this.context.db
      .updateTable('trust_partners')
      .set({ trust_list: trustList, imported_at: isoTimestamp(at) })
      .where('id', '=', id)
      .execute()
  }

  async saveGatewayImport(id: string, trustList: string, at: string): Promise<void> {
    await this.context.db
      .updateTable('trust_partners')
      .set({ gateway_trust_list: trustList, gateway_imported_at: isoTimestamp(at) })
      .where('id', '=', id)
      .execute()
  }

  async saveRevocationBatches(batches: readonly PartnerRevocationBatch[]): Promise<void> {
    for (const batch of batches) {
      await this.context.db
        .deleteFrom('trust_partner_revocation_batches')
        .where('partner_id', '=', batch.partnerId)
        .where('batch_id', '=', batch.batchId)
        .execute()
      await withConstraintErrors(
        this.context,
        this.context.db
          .insertInto('trust_partner_revocation_batches')
          .values({
            partner_id: batch.partnerId,
            batch_id: batch.batchId,
            country: batch.country,
            signed_batch: batch.signedBatch,
            imported_at: isoTimestamp(batch.importedAt),
          })
          .execute(),
      )
    }
  }

  async deleteRevocationBatches(partnerId: string, batchIds: readonly string[]): Promise<number> {
    if (batchIds.length === 0) return 0
    const result = await this.context.db
      .deleteFrom('trust_partner_revocation_batches')
      .where('partner_id', '=', partnerId)
      .where('batch_id', 'in', [...batchIds])
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async revocationBatches(): Promise<PartnerRevocationBatch[]> {
    const rows = await this.context.db
      .selectFrom('trust_partner_revocation_batches')
      .selectAll()
      .orderBy('partner_id')
      .orderBy('batch_id')
      .execute()
    return rows.map((row) => ({
      partnerId: row.partner_id,
      batchId: row.batch_id,
      country: row.country,
      signedBatch: row.signed_batch,
      importedAt: row.imported_at,
    }))
  }
}
