import { type Kysely, sql } from 'kysely'

/**
 * The time-ordered tables PostgreSQL range-partitions, by the column that orders them: check-ins
 * by day (retention drops a day at a time), the people's feeds and the audit log by month (they
 * are kept, and a month keeps the number of partitions small).
 *
 * Exposures are not partitioned: their guarantee "one exposure per person, case and kind" is a
 * unique index without a time in it, and a partitioned table's unique indexes must hold its
 * partition key. Check-ins keep that guarantee for their id in a table of their ids (`ids`, keyed
 * by the id alone; see `insertNewCheckins`), whose rows leave with theirs.
 */
export const TIME_PARTITIONED_TABLES = {
  checkins: { column: 'at', period: 'day', ids: 'checkin_ids' },
  notifications: { column: 'created_at', period: 'month' },
  audit_log: { column: 'at', period: 'month' },
} as const

/** A table PostgreSQL partitions by time. */
export type TimePartitionedTable = keyof typeof TIME_PARTITIONED_TABLES

/** How many periods ahead of now {@link preparePartitions} creates: a week of days, two months. */
const AHEAD = { day: 7, month: 2 } as const

/** The tables whose partitions carry the audit log's append-only trigger. */
const APPEND_ONLY: ReadonlySet<string> = new Set(['audit_log'])

/** The start of the period holding `time`, in UTC. */
export function periodStart(time: Date, period: 'day' | 'month'): Date {
  return period === 'day'
    ? new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()))
    : new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1))
}

/** The start of the period after the one starting at `start`. */
function nextPeriod(start: Date, period: 'day' | 'month'): Date {
  return period === 'day'
    ? new Date(start.getTime() + 86_400_000)
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
}

/** `checkins_p20261206` for a day, `audit_log_p202612` for a month. */
export function partitionName(table: TimePartitionedTable, start: Date): string {
  const iso = start.toISOString()
  const suffix =
    TIME_PARTITIONED_TABLES[table].period === 'day'
      ? iso.slice(0, 10).replaceAll('-', '')
      : iso.slice(0, 7).replace('-', '')
  return `${table}_p${suffix}`
}

/**
 * Makes sure the partition of `table` for the period starting at `start` exists; returns whether
 * it created it. Rows of that period that went to the default partition (there was no partition
 * for them yet) move into it, in the same transaction: PostgreSQL refuses to attach a partition
 * while the default one holds rows of its range.
 */
export async function ensurePartition(
  db: Kysely<unknown>,
  table: TimePartitionedTable,
  start: Date,
): Promise<boolean> {
  const { column, period } = TIME_PARTITIONED_TABLES[table]
  const name = partitionName(table, start)
  const exists = async (on: Kysely<unknown>) => (await existingPartitions(on, [name])).has(name)
  if (await exists(db)) return false
  const from = start.toISOString()
  const until = nextPeriod(start, period).toISOString()
  return inTransaction(db, async (trx) => {
    // The default partition is locked first, so that no row of the range slips in meanwhile, and
    // so that another process making the same partition waits here and then finds it made.
    await sql`lock table ${sql.id(`${table}_default`)} in share row exclusive mode`.execute(trx)
    if (await exists(trx)) return false
    await sql`create table ${sql.id(name)} (like ${sql.id(table)} including defaults)`.execute(trx)
    const stray = await sql<{ found: number }>`
      select 1 as found from ${sql.id(`${table}_default`)}
      where ${sql.id(column)} >= ${from} and ${sql.id(column)} < ${until} limit 1`.execute(trx)
    if (stray.rows.length > 0) {
      // The audit log's rows move, unchanged, with its append-only trigger lifted for this
      // statement only, inside this transaction (which holds the default partition exclusively).
      const guarded = APPEND_ONLY.has(table)
      const trigger = sql.id(`${table}_append_only`)
      const fallback = sql.id(`${table}_default`)
      if (guarded) await sql`alter table ${fallback} disable trigger ${trigger}`.execute(trx)
      await sql`
        with moved as (
          delete from ${fallback}
          where ${sql.id(column)} >= ${from} and ${sql.id(column)} < ${until}
          returning *)
        insert into ${sql.id(name)} select * from moved`.execute(trx)
      if (guarded) await sql`alter table ${fallback} enable trigger ${trigger}`.execute(trx)
    }
    await sql`alter table ${sql.id(table)} attach partition ${sql.id(name)}
      for values from (${sql.lit(from)}) to (${sql.lit(until)})`.execute(trx)
    if (APPEND_ONLY.has(table)) await appendOnlyTrigger(trx, table, name)
    return true
  })
}

/** Which of the tables `names` exist in the store's schema: one look at the catalogue. */
async function existingPartitions(
  db: Kysely<unknown>,
  names: readonly string[],
): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    where c.relname = any(${names}::text[])
      and c.relnamespace = current_schema()::regnamespace`.execute(db)
  return new Set(rows.map((row) => row.name))
}

/** Runs `work` in a transaction of its own, or in the caller's when `db` is one already. */
async function inTransaction<T>(
  db: Kysely<unknown>,
  work: (trx: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

/**
 * The audit log's append-only trigger on one of its partitions: the parent's trigger does not
 * fire for a statement that names the partition itself.
 */
async function appendOnlyTrigger(db: Kysely<unknown>, table: string, on: string): Promise<void> {
  await sql`create trigger ${sql.id(`${table}_append_only`)}
    before update or delete or truncate on ${sql.id(on)}
    for each statement execute function ${sql.id(`${table}_append_only`)}()`.execute(db)
}

/** A partition {@link preparePartitions} wants: its table, the start of its period, its name. */
interface WantedPartition {
  readonly table: TimePartitionedTable
  readonly start: Date
  readonly name: string
}

/**
 * The partitions {@link preparePartitions} wants, from `from`'s period (or now's) to a few ahead,
 * that the store lacks: one look at the catalogue for all of them (at start, usually all there).
 */
async function partitionsLacking(
  db: Kysely<unknown>,
  now: Date,
  from: Date,
): Promise<WantedPartition[]> {
  const wanted: WantedPartition[] = []
  for (const [table, { period }] of Object.entries(TIME_PARTITIONED_TABLES) as [
    TimePartitionedTable,
    (typeof TIME_PARTITIONED_TABLES)[TimePartitionedTable],
  ][]) {
    let last = periodStart(now, period)
    for (let i = 0; i < AHEAD[period]; i++) last = nextPeriod(last, period)
    for (
      let start = periodStart(from < now ? from : now, period);
      start <= last;
      start = nextPeriod(start, period)
    ) {
      wanted.push({ table, start, name: partitionName(table, start) })
    }
  }
  const existing = await existingPartitions(
    db,
    wanted.map((partition) => partition.name),
  )
  return wanted.filter((partition) => !existing.has(partition.name))
}

/**
 * Creates the partitions from the current period to a few ahead (a week of days, two months) for
 * every time-partitioned table, and from the period of `from` on when given; returns how many it
 * created. Run at start and by an hourly job.
 */
export async function preparePartitions(
  db: Kysely<unknown>,
  now: Date,
  from: Date = now,
): Promise<number> {
  let created = 0
  // Each one lacking is made as ensurePartition makes it, checking again under its lock.
  for (const partition of await partitionsLacking(db, now, from)) {
    if (await ensurePartition(db, partition.table, partition.start)) created++
  }
  return created
}

/**
 * How many of the partitions {@link preparePartitions} would make at `now` are missing: one look
 * at the catalogue, nothing created.
 */
export async function missingPartitions(db: Kysely<unknown>, now: Date): Promise<number> {
  return (await partitionsLacking(db, now, now)).length
}

/**
 * Drops the partitions of `table` whose whole range lies before `before`, with their rows' ids
 * where the table keeps them apart; returns how many rows they held. What is left before `before`
 * (in the partition `before` falls in, or in the default partition) is for row deletes.
 */
export async function dropPartitionsBefore(
  db: Kysely<unknown>,
  table: TimePartitionedTable,
  before: string,
): Promise<number> {
  const spec = TIME_PARTITIONED_TABLES[table]
  const ids = 'ids' in spec ? spec.ids : undefined
  const { rows } = await sql<{ name: string; until: string }>`
    select c.relname as name,
      (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']*)''\\)'))[1] as until
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${sql.lit(table)}::regclass
      and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'`.execute(db)
  let dropped = 0
  for (const row of rows) {
    if (row.until === null || row.until > before) continue
    await inTransaction(db, async (trx) => {
      const count = await sql<{ n: string }>`select count(*) as n from ${sql.id(row.name)}`.execute(
        trx,
      )
      if (ids !== undefined) {
        await sql`delete from ${sql.id(ids)} as kept using ${sql.id(row.name)} as gone
          where kept.id = gone.id`.execute(trx)
      }
      await sql`alter table ${sql.id(table)} detach partition ${sql.id(row.name)}`.execute(trx)
      await sql`drop table ${sql.id(row.name)}`.execute(trx)
      dropped += Number(count.rows[0]?.n ?? 0)
    })
  }
  return dropped
}

/**
 * Turns `table` into a table range-partitioned by its time column, keeping every row: the old
 * table is renamed, a partitioned one takes its name (same columns, defaults and indexes; the
 * primary key gains the time column, as PostgreSQL requires), a partition per period that has rows
 * is created, the rows are copied, and the counts must match before the old table is dropped.
 *
 * @throws {Error} when the copy holds another number of rows than the old table (nothing commits).
 */
export async function partitionTable(
  db: Kysely<unknown>,
  table: TimePartitionedTable,
  primaryKey: readonly string[],
): Promise<void> {
  const { column, period } = TIME_PARTITIONED_TABLES[table]
  const old = `${table}_unpartitioned`
  const indexes = await sql<{ definition: string }>`
    select pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    where i.indrelid = ${sql.lit(table)}::regclass and not i.indisprimary`.execute(db)
  const hadGuard = APPEND_ONLY.has(table)
  if (hadGuard)
    await sql`drop trigger ${sql.id(`${table}_append_only`)} on ${sql.id(table)}`.execute(db)
  await sql`alter table ${sql.id(table)} rename to ${sql.id(old)}`.execute(db)
  await sql`create table ${sql.id(table)} (like ${sql.id(old)} including defaults)
    partition by range (${sql.id(column)})`.execute(db)
  await sql`create table ${sql.id(`${table}_default`)} partition of ${sql.id(table)} default`.execute(
    db,
  )
  if (hadGuard) {
    await appendOnlyTrigger(db, table, table)
    await appendOnlyTrigger(db, table, `${table}_default`)
  }
  const length = period === 'day' ? 10 : 7
  const periods = await sql<{ start: string }>`
    select distinct substr(${sql.id(column)}, 1, ${sql.lit(length)}) as start
    from ${sql.id(old)}
    where ${sql.id(column)} ~ '^\\d{4}-\\d{2}-\\d{2}T'`.execute(db)
  for (const { start } of periods.rows.sort((a, b) => (a.start < b.start ? -1 : 1))) {
    const time = new Date(`${period === 'day' ? start : `${start}-01`}T00:00:00.000Z`)
    // A malformed time (month 13) stays in the default partition, with the rest of its kind.
    if (!Number.isNaN(time.getTime())) await ensurePartition(db, table, time)
  }
  await sql`insert into ${sql.id(table)} select * from ${sql.id(old)}`.execute(db)
  const counts = await sql<{ before: string; after: string }>`
    select (select count(*) from ${sql.id(old)}) as before,
           (select count(*) from ${sql.id(table)}) as after`.execute(db)
  const { before, after } = counts.rows[0] ?? { before: '0', after: '-1' }
  if (before !== after) {
    throw new Error(
      `expected ${table} to hold its ${before} rows after partitioning, but it holds ${after}`,
    )
  }
  await sql`drop table ${sql.id(old)}`.execute(db)
  await sql`alter table ${sql.id(table)} add primary key (${sql.join(primaryKey.map((c) => sql.id(c)))})`.execute(
    db,
  )
  for (const { definition } of indexes.rows) await sql.raw(definition).execute(db)
}
