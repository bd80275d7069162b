import { randomUUID } from 'node:crypto'
import type { TrustPartnerRepository } from '../domain/ports.js'
import type { TrustPartner } from '../domain/trust/trust-partner.js'
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
  }
}

/** Trust-list partners in the `trust_partners` table. */
export class KyselyTrustPartnerRepository implements TrustPartnerRepository {
  constructor(private readonly context: RepositoryContext) {}

  async create(
    partner: Omit<TrustPartner, 'id' | 'trustList' | 'importedAt'>,
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
}
