import type { Dialect, Kysely } from 'kysely'
import type { ConstraintFailure } from '../errors.js'
import type { CheckinRow, Database } from '../schema.js'

/** A change to a dashboard counter. */
export interface CounterDelta {
  readonly day: string
  readonly district: string
  readonly metric: string
  readonly by: number
}

/**
 * Adds up changes to the same counter (day, district, metric), one entry per counter, in the order
 * of their keys whatever order they came in: two transactions adding to the same counters then
 * lock their rows in the same order, and neither waits for a row the other will wait on (on
 * PostgreSQL, two check-in batches of two processes deadlocked so).
 */
export function sumCounterDeltas(deltas: Iterable<CounterDelta>): CounterDelta[] {
  const sums = new Map<string, CounterDelta & { by: number }>()
  for (const delta of deltas) {
    const key = `${delta.day}\u0000${delta.district}\u0000${delta.metric}`
    const sum = sums.get(key)
    if (sum) sum.by += delta.by
    else sums.set(key, { ...delta })
  }
  return [...sums.keys()].sort().map((key) => sums.get(key) as CounterDelta)
}

/**
 * The summed counter changes of the check-ins a batch inserted: each inserted row counted once
 * (the first item with its id), the rows a re-send skipped not at all.
 */
export function countersOfInserted(
  items: readonly { row: { id: string }; counters: readonly CounterDelta[] }[],
  inserted: ReadonlySet<string>,
): CounterDelta[] {
  const counted = new Set<string>()
  return sumCounterDeltas(
    items.flatMap((item) => {
      if (!inserted.has(item.row.id) || counted.has(item.row.id)) return []
      counted.add(item.row.id)
      return item.counters
    }),
  )
}

/** One counter addition of {@link StorageDialect.addLimitCounts}; each counter named once. */
export interface LimitCountAddition {
  readonly bucket: string
  readonly key: string
  readonly window_start: string
  readonly by: number
  readonly expires_at: string
}

/**
 * The upsert of one limit counter: an expired counter starts again from the addition, so that no
 * clean-up needs to have run first. `?` placeholders in the order bucket, key, window_start, by,
 * expires_at, now.
 */
export const LIMIT_COUNT_UPSERT_SQLITE =
  'insert into limit_counters (bucket, key, window_start, count, expires_at) values (?, ?, ?, ?, ?) ' +
  'on conflict (bucket, key, window_start) do update set ' +
  'count = case when limit_counters.expires_at <= ? then excluded.count else limit_counters.count + excluded.count end, ' +
  'expires_at = excluded.expires_at returning count'

/**
 * Everything that differs between SQLite and PostgreSQL, in one interface. `sqlite.ts` and
 * `postgres.ts` implement it; nothing else in storage knows which database it talks to.
 */
export interface StorageDialect {
  readonly name: 'sqlite' | 'postgres'
  /**
   * Whether a read that a write depends on must lock its rows (`SELECT … FOR UPDATE`): PostgreSQL,
   * where transactions run side by side; not SQLite, where one writer runs at a time.
   */
  readonly rowLocks: boolean
  /** The Kysely dialect, holding the connection (SQLite) or the pool (PostgreSQL). */
  readonly kyselyDialect: Dialect
  /** Runs `work` in one transaction on `db`, committing when it resolves and rolling back if not. */
  transaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T>
  /**
   * Runs reads that need no common snapshot: PostgreSQL sends each statement on its own (no BEGIN
   * and COMMIT round trips); SQLite holds its one connection in a transaction, which costs nothing
   * there and lets `findRowBy` read through its prepared statements.
   */
  read<T>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<T>): Promise<T>
  /**
   * Makes the calling transaction the only one appending to the audit log until it ends, so that
   * reading the last entry and inserting the next cannot interleave with another writer.
   */
  serialiseAuditAppend(trx: Kysely<Database>): Promise<void>
  /** The schema the migration bookkeeping tables belong in, if the dialect has schemas. */
  migrationTableSchema(db: Kysely<Database>): Promise<string | undefined>
  /**
   * Makes `table` append-only in the database: UPDATE and DELETE (and TRUNCATE, where there is
   * one) raise `<table> is append-only`. Migrations call this: never change what it creates; add
   * a migration instead.
   */
  createAppendOnlyGuard(db: Kysely<unknown>, table: string): Promise<void>
  /**
   * The hot path of check-ins: in one transaction, inserts the rows whose id is new (skipping the
   * others) and adds the counters of the rows it inserted; returns the ids inserted. Each dialect
   * writes it the fastest way it can (prepared statements kept across batches, array binds).
   */
  appendCheckins(
    db: Kysely<Database>,
    items: readonly { row: CheckinRow; counters: readonly CounterDelta[] }[],
  ): Promise<Set<string>>
  /**
   * Adds to limit counters (each named once) in one commit, outside any other transaction, and
   * returns their new values in the order given. SQLite writes them on the check-in writer's
   * connection, so that the thread serving requests neither waits for its write lock nor fsyncs.
   */
  addLimitCounts(
    db: Kysely<Database>,
    additions: readonly LimitCountAddition[],
    now: string,
  ): Promise<number[]>
  /**
   * The row of `table` whose `column` equals `value`, read at once through a statement prepared
   * once and kept (SQLite: better-sqlite3 reads synchronously, and building and preparing the
   * query each time costs more than the read). Absent where reads go through Kysely (PostgreSQL).
   * Only for a caller holding the connection in a transaction (see `findRowBy`).
   */
  findRowBy?(table: string, column: string, value: string): unknown
  /**
   * Writes API tokens' last use in one commit, outside any other transaction; SQLite on the
   * check-in writer's connection, as {@link addLimitCounts}.
   */
  touchApiTokens(
    db: Kysely<Database>,
    touches: readonly { readonly id: string; readonly at: string }[],
  ): Promise<void>
  /**
   * In the calling transaction, inserts the check-ins whose id is new (the first of several with
   * one id) and skips the others; returns the ids inserted.
   */
  insertNewCheckins(trx: Kysely<Database>, rows: readonly CheckinRow[]): Promise<Set<string>>
  /**
   * Creates the time partitions of the coming days and months (PostgreSQL; see
   * `postgres-partitions.ts`), and of the past ones back to `from` when given (a seeded store);
   * returns how many it created. Absent where nothing is partitioned.
   */
  preparePartitions?(db: Kysely<Database>, now: Date, from?: Date): Promise<number>
  /**
   * How many of the partitions {@link preparePartitions} would create at `now` are missing, without
   * creating any. Absent where nothing is partitioned.
   */
  missingPartitions?(db: Kysely<Database>, now: Date): Promise<number>
  /**
   * Drops the time partitions of `table` that hold only rows before `before`; returns how many
   * rows went. Absent where nothing is partitioned (row deletes do it all).
   */
  dropPartitionsBefore?(db: Kysely<Database>, table: 'checkins', before: string): Promise<number>
  /**
   * Forgets the ids of deleted check-ins, where the store keeps them apart from the rows to refuse
   * re-sends (PostgreSQL's `checkin_ids`; see `insertNewCheckins`). Absent where the check-ins'
   * own key is the id.
   */
  forgetCheckinIds?(trx: Kysely<Database>, ids: readonly string[]): Promise<void>
  /**
   * Runs `work`, a write whose loss is harmless, such that it fails at once rather than wait for
   * another connection's write lock: SQLite's busy wait blocks the thread that serves requests.
   * PostgreSQL has no such wait to avoid; it just runs `work`.
   */
  writeUnlessBusy<T>(trx: Kysely<Database>, work: () => Promise<T>): Promise<T>
  /**
   * Runs `work` unless another process on the same store is running work of the same `name`
   * (PostgreSQL: a session advisory lock, tried, on a connection held for the while; SQLite: one
   * process serves a file, so it always runs). Answers whether it ran.
   */
  runAlone<T>(
    db: Kysely<Database>,
    name: string,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>
  /** Stops what the dialect runs besides the connection (the SQLite check-in writer). */
  close?(): Promise<void>
  /** Recognises the driver's constraint failures; undefined for every other error. */
  constraintFailure(error: unknown): ConstraintFailure | undefined
}

/**
 * Checks that a name is a plain lower-case SQL identifier, safe to put into DDL as it is.
 *
 * @throws {TypeError} when it is not.
 */
export function plainIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new TypeError(`expected a plain table name, but found ${JSON.stringify(name)}`)
  }
  return name
}
