import type { VenueRepository } from '../domain/ports.js'
import type { EntryPolicy, Venue, VenueCategory } from '../domain/venues/venue.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { VenueRow } from './schema.js'

/** Maps a row of `venues` to a {@link Venue}. */
export function venueRowToVenue(row: VenueRow): Venue {
  return {
    id: row.id,
    name: row.name,
    category: row.category as VenueCategory,
    address: row.address,
    district: row.district,
    companyId: optional(row.company_id),
    issuerId: optional(row.issuer_id),
    operatorAccountId: row.operator_account_id,
    posterSecret: row.poster_secret,
    createdAt: row.created_at,
  }
}

/** Venues and the entry policies of their categories. */
export class KyselyVenueRepository implements VenueRepository {
  constructor(private readonly context: RepositoryContext) {}

  async create(venue: Venue): Promise<Venue> {
    const row: VenueRow = {
      id: venue.id,
      name: venue.name,
      category: venue.category,
      address: venue.address,
      district: venue.district,
      company_id: venue.companyId ?? null,
      issuer_id: venue.issuerId ?? null,
      operator_account_id: venue.operatorAccountId,
      poster_secret: venue.posterSecret,
      created_at: isoTimestamp(venue.createdAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('venues').values(row).execute(),
    )
    return venueRowToVenue(row)
  }

  async find(id: string): Promise<Venue | undefined> {
    const row = await this.context.db
      .selectFrom('venues')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && venueRowToVenue(row)
  }

  async findMany(ids: readonly string[]): Promise<Venue[]> {
    if (ids.length === 0) return []
    const rows = await this.context.db
      .selectFrom('venues')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute()
    return rows.map(venueRowToVenue)
  }

  async districtsOf(issuerIds: readonly string[]): Promise<string[]> {
    if (issuerIds.length === 0) return []
    const rows = await this.context.db
      .selectFrom('venues')
      .select('district')
      .distinct()
      .where('issuer_id', 'in', [...issuerIds])
      .execute()
    return rows.map((row) => row.district)
  }

  async list(filter: {
    operatorAccountId?: string
    companyIds?: readonly string[]
    issuerIds?: readonly string[]
  }): Promise<Venue[]> {
    let query = this.context.db.selectFrom('venues').selectAll()
    if (filter.issuerIds !== undefined) {
      const issuerIds = filter.issuerIds
      query = query.where((eb) =>
        issuerIds.length === 0 ? eb.val(false) : eb('issuer_id', 'in', [...issuerIds]),
      )
    }
    if (filter.operatorAccountId !== undefined || filter.companyIds !== undefined) {
      query = query.where((eb) =>
        eb.or([
          ...(filter.operatorAccountId === undefined
            ? []
            : [eb('operator_account_id', '=', filter.operatorAccountId)]),
          ...(filter.companyIds === undefined || filter.companyIds.length === 0
            ? []
            : [eb('company_id', 'in', [...filter.companyIds])]),
        ]),
      )
    }
    const rows = await query.orderBy('created_at').orderBy('id').execute()
    return rows.map(venueRowToVenue)
  }

  async setPosterSecret(id: string, secret: string): Promise<void> {
    await this.context.db
      .updateTable('venues')
      .set({ poster_secret: secret })
      .where('id', '=', id)
      .execute()
  }

  async entryPolicy(issuerId: string, category: string): Promise<EntryPolicy | undefined> {
    const row = await this.context.db
      .selectFrom('entry_policies')
      .select('policy')
      .where('issuer_id', '=', issuerId)
      .where('category', '=', category)
      .executeTakeFirst()
    return row && (JSON.parse(row.policy) as EntryPolicy)
  }

  async entryPolicies(): Promise<Map<string, Map<string, EntryPolicy>>> {
    const rows = await this.context.db.selectFrom('entry_policies').selectAll().execute()
    const byIssuer = new Map<string, Map<string, EntryPolicy>>()
    for (const row of rows) {
      const own = byIssuer.get(row.issuer_id) ?? new Map<string, EntryPolicy>()
      own.set(row.category, JSON.parse(row.policy) as EntryPolicy)
      byIssuer.set(row.issuer_id, own)
    }
    return byIssuer
  }

  async setEntryPolicy(
    issuerId: string,
    category: string,
    policy: EntryPolicy,
    by: string,
    at: string,
  ): Promise<void> {
    const values = { policy: JSON.stringify(policy), updated_by: by, updated_at: isoTimestamp(at) }
    await this.context.db
      .insertInto('entry_policies')
      .values({ issuer_id: issuerId, category, ...values })
      .onConflict((conflict) => conflict.columns(['issuer_id', 'category']).doUpdateSet(values))
      .execute()
  }
}
