import type { CheckinRepository } from '../domain/ports.js'
import type { Checkin } from '../domain/venues/venue.js'
import { type RepositoryContext, optional } from './repository-context.js'
import type { CheckinRow } from './schema.js'

/** Maps a row of `checkins` to a {@link Checkin}. */
export function checkinRowToCheckin(row: CheckinRow): Checkin {
  return {
    id: row.id,
    venueId: row.venue_id,
    personId: optional(row.person_id),
    subject: optional(row.subject),
    method: row.method,
    at: row.at,
    colour: optional(row.colour) as Checkin['colour'],
    entryAllowed: row.entry_allowed === 1,
    recordedAt: row.recorded_at,
  }
}

/** Maps a {@link Checkin} to its row. */
export function checkinRow(checkin: Checkin): CheckinRow {
  return {
    id: checkin.id,
    venue_id: checkin.venueId,
    person_id: checkin.personId ?? null,
    subject: checkin.subject ?? null,
    method: checkin.method,
    at: checkin.at,
    colour: checkin.colour ?? null,
    entry_allowed: checkin.entryAllowed ? 1 : 0,
    recorded_at: checkin.recordedAt,
  }
}

/** Check-ins in the `checkins` table. */
export class KyselyCheckinRepository implements CheckinRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Inserts check-ins whose id is new and skips the others (a re-sent check-in); returns the ids
   * it inserted.
   */
  async insertNew(checkins: readonly Checkin[]): Promise<Set<string>> {
    return this.context.dialect.insertNewCheckins(this.context.db, checkins.map(checkinRow))
  }

  async find(id: string): Promise<Checkin | undefined> {
    const row = await this.context.db
      .selectFrom('checkins')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && checkinRowToCheckin(row)
  }

  async listForPerson(personId: string, since: string): Promise<Checkin[]> {
    const rows = await this.context.db
      .selectFrom('checkins')
      .selectAll()
      .where('person_id', '=', personId)
      .where('at', '>=', since)
      .orderBy('at')
      .execute()
    return rows.map(checkinRowToCheckin)
  }

  async atVenue(venueId: string, from: string, until: string): Promise<Checkin[]> {
    const rows = await this.context.db
      .selectFrom('checkins')
      .selectAll()
      .where('venue_id', '=', venueId)
      .where('at', '>=', from)
      .where('at', '<=', until)
      .orderBy('at')
      .execute()
    return rows.map(checkinRowToCheckin)
  }

  async dropPartitionsBefore(before: string): Promise<number> {
    const { dialect, db } = this.context
    return dialect.dropPartitionsBefore ? dialect.dropPartitionsBefore(db, 'checkins', before) : 0
  }

  async deleteBefore(before: string, limit: number): Promise<number> {
    const rows = await this.context.db
      .selectFrom('checkins')
      .select(['id', 'at'])
      .where('at', '<', before)
      .limit(limit)
      .execute()
    if (rows.length === 0) return 0
    // The time bounds let a partitioned table look for the ids only in the partitions that hold
    // that span (its key is the id and the time), not in every day's.
    const times = rows.map((row) => row.at).sort()
    const deleted = await this.context.db
      .deleteFrom('checkins')
      .where('at', '>=', times[0] as string)
      .where('at', '<', before)
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .returning('id')
      .execute()
    await this.context.dialect.forgetCheckinIds?.(
      this.context.db,
      deleted.map((row) => row.id),
    )
    return deleted.length
  }
}
