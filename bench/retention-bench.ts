import { randomBytes } from 'node:crypto'
import { Migrator, sql } from 'kysely'
import pg from 'pg'
import { KyselyCheckinRepository } from '../src/storage/checkin.repository.js'
import { KyselyStore } from '../src/storage/kysely-store.js'
import { migrationProvider } from '../src/storage/migrations/migration-provider.js'
import { migrateToLatest, openDatabase } from '../src/storage/open-store.js'
import { describeMachine } from './machine.js'

// Retention of expired check-ins on PostgreSQL: row deletes (the store before partitioning, in
// batches of 10,000 as `VenueService.prune` did) against dropping day partitions (the store after).
//
//   node --import tsx bench/retention-bench.ts postgres://postgres@127.0.0.1:5432/db 1000000
//
// Each layout gets a schema of its own in that database, dropped at the end. Both hold the same
// rows: EXPIRED check-ins over the 10 days past the 28-day limit, and a quarter as many within it.

const DAY = 86_400_000
const RETENTION_DAYS = 28
const BATCH = 10_000

async function schemaUrl(base: string, label: string): Promise<{ url: string; name: string }> {
  const name = `hc_bench_${label}_${randomBytes(3).toString('hex')}`
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  await client.query(`create schema "${name}"`)
  await client.end()
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${name}`)
  return { url: url.toString(), name }
}

async function dropSchema(base: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  await client.query(`drop schema "${name}" cascade`)
  await client.end()
}

/**
 * Fills `checkins` with `expired` rows past retention and `expired / 4` within it, in SQL, and
 * `checkin_ids` with their ids where the store has it (`ids`), as check-ins written by the server.
 */
async function fill(
  db: Parameters<typeof migrateToLatest>[0],
  now: number,
  expired: number,
  ids: boolean,
): Promise<number> {
  const started = performance.now()
  const kept = Math.floor(expired / 4)
  const fillRange = async (prefix: string, count: number, fromDaysAgo: number, days: number) => {
    for (let offset = 0; offset < count; offset += 1_000_000) {
      const n = Math.min(1_000_000, count - offset)
      await sql`
        insert into checkins (id, venue_id, person_id, subject, method, at, colour, entry_allowed, recorded_at)
        select ${prefix} || (${offset} + g), 'venue-' || (g % 50000), 'person-' || (g % 1000000), null, 'poster',
          to_char(to_timestamp(${(now - fromDaysAgo * DAY) / 1000} + (g::float8 / ${n}) * ${days * 86_400})
            at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
          'green', 1, '2026-12-01T00:00:00.000Z'
        from generate_series(1, ${n}) as g`.execute(db)
    }
  }
  await fillRange('expired-', expired, RETENTION_DAYS + 10, 10)
  await fillRange('kept-', kept, RETENTION_DAYS - 0.5, RETENTION_DAYS - 1)
  if (ids) await sql`insert into checkin_ids (id) select id from checkins`.execute(db)
  await sql`analyze checkins`.execute(db)
  return (performance.now() - started) / 1000
}

async function main(): Promise<void> {
  const [base, countText] = process.argv.slice(2)
  if (!base || !countText) {
    throw new Error('usage: retention-bench.ts <postgres-url> <expired check-ins>')
  }
  const expired = Number(countText.replaceAll(/[_,]/g, ''))
  const now = Date.parse('2026-12-06T12:00:00.000Z')
  const before = new Date(now - RETENTION_DAYS * DAY).toISOString()
  console.log(describeMachine())

  // Row deletes: the store as it was before the partitioning migration.
  const rows = await schemaUrl(base, 'rows')
  try {
    const { db, dialect } = await openDatabase(rows.url, {
      timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs: 10_000 },
    })
    const schema = await dialect.migrationTableSchema(db)
    const result = await new Migrator({
      db,
      provider: migrationProvider(dialect),
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    }).migrateTo('20261206110000-limits-and-claim-codes')
    if (result.error) throw result.error
    const filled = await fill(db, now, expired, false)
    console.log(
      `row deletes: filled ${expired} + ${Math.floor(expired / 4)} in ${filled.toFixed(1)} s`,
    )
    const started = performance.now()
    let deleted = 0
    for (;;) {
      // That store had no table of check-in ids to keep in step with the rows.
      const unpartitioned = { ...dialect, forgetCheckinIds: undefined }
      const n = await dialect.transaction(db, (trx) =>
        new KyselyCheckinRepository({
          db: trx,
          dialect: unpartitioned,
          clock: () => new Date(now),
        }).deleteBefore(before, BATCH),
      )
      deleted += n
      if (n < BATCH) break
    }
    const seconds = (performance.now() - started) / 1000
    const left = await sql<{ n: string }>`select count(*) as n from checkins`.execute(db)
    console.log(
      `row deletes: ${deleted} expired check-ins in ${seconds.toFixed(2)} s (${Math.round(deleted / seconds)} rows/s), ${left.rows[0]?.n} left`,
    )
    await db.destroy()
  } finally {
    await dropSchema(base, rows.name)
  }

  // Partition drops: the store after it, its partitions made by the job over the last 40 days.
  const parts = await schemaUrl(base, 'parts')
  try {
    const { db, dialect } = await openDatabase(parts.url, {
      timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs: 10_000 },
    })
    await migrateToLatest(db, dialect)
    const store = new KyselyStore(db, dialect, () => new Date(now))
    for (let day = RETENTION_DAYS + 12; day >= 0; day -= 7) {
      await store.preparePartitions(new Date(now - day * DAY))
    }
    const filled = await fill(db, now, expired, true)
    console.log(
      `partition drops: filled ${expired} + ${Math.floor(expired / 4)} in ${filled.toFixed(1)} s`,
    )
    const started = performance.now()
    const dropped = await store.transaction((tx) => tx.checkins.dropPartitionsBefore(before))
    const dropSeconds = (performance.now() - started) / 1000
    let deleted = 0
    for (;;) {
      const n = await store.transaction((tx) => tx.checkins.deleteBefore(before, BATCH))
      deleted += n
      if (n < BATCH) break
    }
    const seconds = (performance.now() - started) / 1000
    const left = await sql<{ n: string; ids: string }>`
      select (select count(*) from checkins) as n, (select count(*) from checkin_ids) as ids`.execute(
      db,
    )
    console.log(
      `partition drops: ${dropped} check-ins in whole partitions in ${dropSeconds.toFixed(2)} s, then ${deleted} by row deletes; ${seconds.toFixed(2)} s in all, ${left.rows[0]?.n} left (${left.rows[0]?.ids} ids)`,
    )
    await db.destroy()
  } finally {
    await dropSchema(base, parts.name)
  }
}

await main()
