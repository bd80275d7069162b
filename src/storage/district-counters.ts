import { type Kysely, type Transaction, sql } from 'kysely'
import type { Database } from './schema.js'

/** The colours a stored code is counted under in `district_counters`. */
const countedColours = new Set(['green', 'yellow', 'red'])

/** One change to `district_counters`: `by` added to an issuer's district metric. */
export interface DistrictCounterDelta {
  readonly issuerId: string
  /** `undefined` (or null) for people without a district. */
  readonly district: string | null | undefined
  readonly metric: string
  readonly by: number
}

/** The counter metric of a code's colour, or undefined for a colour not counted. */
export function colourMetric(colour: string | null | undefined): string | undefined {
  return colour !== null && colour !== undefined && countedColours.has(colour)
    ? `codes.${colour}`
    : undefined
}

/**
 * Adds to the per-district counters in the caller's transaction, one upsert per distinct key, in
 * key order (so that two transactions touching the same counters take their row locks alike).
 */
export async function addDistrictCounters(
  db: Kysely<Database> | Transaction<Database>,
  deltas: readonly DistrictCounterDelta[],
): Promise<void> {
  const sums = new Map<
    string,
    { issuer_id: string; district: string; metric: string; by: number }
  >()
  for (const delta of deltas) {
    const district = delta.district ?? ''
    const key = `${delta.issuerId}\u0000${district}\u0000${delta.metric}`
    const found = sums.get(key)
    if (found) found.by += delta.by
    else sums.set(key, { issuer_id: delta.issuerId, district, metric: delta.metric, by: delta.by })
  }
  for (const key of [...sums.keys()].sort()) {
    const { by, ...row } = sums.get(key) as {
      issuer_id: string
      district: string
      metric: string
      by: number
    }
    if (by === 0) continue
    await db
      .insertInto('district_counters')
      .values({ ...row, value: by })
      .onConflict((conflict) =>
        conflict
          .columns(['issuer_id', 'district', 'metric'])
          .doUpdateSet({ value: sql<number>`district_counters.value + ${by}` }),
      )
      .execute()
  }
}

/**
 * Sets every per-district counter from the tables: the people by issuer and district, and their
 * stored codes by colour (a code's district is its holder's). Used by the migration that adds the
 * counters and by `healthcode seed` after a bulk load; the same SQL on both dialects.
 */
export async function fillDistrictCounters(
  db: Kysely<Database> | Transaction<Database> | Kysely<unknown>,
): Promise<number> {
  await sql`delete from district_counters`.execute(db)
  await sql`
    insert into district_counters (issuer_id, district, metric, value)
    select issuer_id, coalesce(district, ''), 'people', count(*)
    from people group by issuer_id, coalesce(district, '')`.execute(db)
  await sql`
    insert into district_counters (issuer_id, district, metric, value)
    select people.issuer_id, coalesce(people.district, ''), 'codes.' || health_codes.colour, count(*)
    from health_codes join people on people.id = health_codes.person_id
    where health_codes.colour in ('green', 'yellow', 'red')
    group by people.issuer_id, coalesce(people.district, ''), health_codes.colour`.execute(db)
  const row = await sql<{ count: number | string }>`
    select count(*) as count from district_counters`.execute(db)
  return Number(row.rows[0]?.count ?? 0)
}
