import { type Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type ConstraintFailure, StorageError } from '../errors.js'
import type { CheckinRow, Database } from '../schema.js'
import {
  dropPartitionsBefore,
  missingPartitions,
  preparePartitions,
} from './postgres-partitions.js'
import { type PostgresTimeouts, defaultPostgresTimeouts } from './postgres-timeouts.js'
import {
  type CounterDelta,
  type LimitCountAddition,
  type StorageDialect,
  countersOfInserted,
  plainIdentifier,
} from './storage-dialect.js'

/**
 * The advisory lock every audit append takes, for the length of its transaction. A fixed key:
 * 0x68636175 is "hcau" in ASCII. Other code must not use it.
 */
const AUDIT_APPEND_LOCK_KEY = 0x68636175

/**
 * The first half of the advisory locks that keep a job to one process at a time (the second half
 * names the job). A fixed key: 0x68636a62 is "hcjb" in ASCII. Other code must not use it.
 */
const JOB_LOCK_KEY = 0x68636a62

/** How the client waits after the server's own statement limit before it gives up itself. */
const CLIENT_GRACE_MS = 1_000

/** How the PostgreSQL pool behaves when connections fail. */
export interface PostgresOptions {
  /**
   * Told about connections that drop while idle (the database restarted, the network broke). The
   * pool discards them and connects anew on the next checkout; nothing else is needed.
   */
  readonly onConnectionError?: (error: Error) => void
  /** Default {@link defaultPostgresTimeouts}. */
  readonly timeouts?: PostgresTimeouts
}

/**
 * PostgreSQL through a pg pool. A dropped connection never crashes the process: idle ones are
 * reported and replaced, and one in use fails its query (which the caller sees) and is discarded.
 * A connection whose query got no answer in time is closed and discarded too, so that a database
 * that went silent and then came back is reached again through fresh connections.
 */
export function createPostgresDialect(url: string, options: PostgresOptions = {}): StorageDialect {
  const timeouts = options.timeouts ?? defaultPostgresTimeouts
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail a checkout rather than wait forever for a database that is gone or silent.
    connectionTimeoutMillis: timeouts.connectMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // Unset (0) leaves the server's own settings in force.
    ...(timeouts.statementMs > 0
      ? {
          statement_timeout: timeouts.statementMs,
          query_timeout: timeouts.statementMs + CLIENT_GRACE_MS,
        }
      : {}),
    ...(timeouts.idleInTransactionMs > 0
      ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs }
      : {}),
  })
  // An idle client whose connection drops makes the pool emit 'error'; unhandled, that would
  // end the process.
  pool.on('error', (error) => options.onConnectionError?.(error))
  pool.on('connect', (client) => {
    // A client in use emits 'error' too when its connection drops, and the pool listens only
    // while it is idle. The query in flight already rejects with that error and the pool discards
    // the client on release, so this listener only keeps the event from being unhandled.
    client.on('error', () => undefined)
    closeOnReadTimeout(client)
  })
  return {
    name: 'postgres',
    rowLocks: true,
    kyselyDialect: new PostgresDialect({ pool }),
    transaction: (db, work) => db.transaction().execute(work),
    read: (db, work) => work(db),
    serialiseAuditAppend: async (trx) => {
      // Under READ COMMITTED each statement sees what committed before it began, so the next
      // writer, let in when this transaction ends, reads the entry this one appended.
      await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_APPEND_LOCK_KEY)})`.execute(trx)
    },
    appendCheckins,
    addLimitCounts,
    touchApiTokens: async (db, touches) => {
      await sql`
        update api_tokens set last_used_at = given.at
        from unnest(${touches.map((t) => t.id)}::text[], ${touches.map((t) => t.at)}::text[])
          as given(id, at)
        where api_tokens.id = given.id`.execute(db)
    },
    insertNewCheckins,
    preparePartitions: (db, now, from) => preparePartitions(db as Kysely<unknown>, now, from),
    missingPartitions: (db, now) => missingPartitions(db as Kysely<unknown>, now),
    dropPartitionsBefore: (db, table, before) =>
      dropPartitionsBefore(db as Kysely<unknown>, table, before),
    forgetCheckinIds: async (trx, ids) => {
      await sql`delete from checkin_ids where id = any(${ids}::text[])`.execute(trx)
    },
    runAlone: (db, name, work) =>
      db.connection().execute(async (connection) => {
        // Named within the store's schema: stores in other schemas of the database never meet.
        const key = sql`${sql.lit(JOB_LOCK_KEY)}, hashtext(current_schema() || ':' || ${name})`
        const got = await sql<{
          locked: boolean
        }>`select pg_try_advisory_lock(${key}) as locked`.execute(connection)
        if (got.rows[0]?.locked !== true) return { ran: false as const }
        try {
          return { ran: true as const, value: await work() }
        } finally {
          await sql`select pg_advisory_unlock(${key})`.execute(connection)
        }
      }),
    writeUnlessBusy: (_trx, work) => work(),
    migrationTableSchema,
    createAppendOnlyGuard,
    constraintFailure,
  }
}

/**
 * After pg's client-side `query_timeout` the query stays in flight on its connection: the next
 * query would queue behind it and time out as well, for as long as the pool keeps the client.
 * Closing the socket fails whatever is queued at once and makes the pool discard the client on
 * release. (pg does the same itself for a timed-out query in pipeline mode.)
 */
function closeOnReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  // Looked up when needed: with TLS, pg replaces the plain socket after the handshake.
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } })
    .connection
  Object.assign(client, {
    query: (...args: unknown[]) => {
      const result = query(...args)
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (error instanceof Error && error.message === 'Query read timeout')
            connection?.stream?.destroy()
        })
      }
      return result
    },
  })
}

/**
 * Inserts the check-ins whose id is new, in the calling transaction, and returns the ids inserted.
 *
 * The check-ins table is partitioned by day, so its primary key is (id, at) and cannot by itself
 * refuse a re-send whose time differs (a re-sent check-in without `at` is stamped anew). So each
 * id goes first into `checkin_ids`, keyed by the id alone, and only the rows whose id went in are
 * inserted: one probe of one index, where looking for the id in the check-ins themselves would
 * probe every day's partition. A re-send racing the first copy waits on that key until the first
 * commits, then is skipped (or, if the first rolled back, goes in). Of several items with one id in
 * a batch, the first is inserted.
 */
export async function insertNewCheckins(
  trx: Kysely<Database>,
  rows: readonly CheckinRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const column = <K extends keyof CheckinRow>(name: K) => rows.map((row) => row[name])
  const inserted = await sql<{ id: string }>`
    with fresh as (
      insert into checkin_ids (id)
      select distinct id from unnest(${column('id')}::text[]) as given(id)
      -- In one order in every transaction, so that two with re-sent ids in common never wait
      -- on each other's keys in a cycle.
      order by id
      on conflict do nothing
      returning id)
    insert into checkins (id, venue_id, person_id, subject, method, at, colour, entry_allowed, recorded_at)
    select distinct on (given.id) given.id, given.venue_id, given.person_id, given.subject,
      given.method, given.at, given.colour, given.entry_allowed, given.recorded_at
    from unnest(
      ${column('id')}::text[], ${column('venue_id')}::text[], ${column('person_id')}::text[],
      ${column('subject')}::text[], ${column('method')}::text[], ${column('at')}::text[],
      ${column('colour')}::text[], ${column('entry_allowed')}::integer[],
      ${column('recorded_at')}::text[])
      with ordinality as given(id, venue_id, person_id, subject, method, at, colour, entry_allowed,
        recorded_at, position)
    join fresh on fresh.id = given.id
    order by given.id, given.position
    returning id`.execute(trx)
  return new Set(inserted.rows.map((row) => row.id))
}

/** How many times a transaction that PostgreSQL aborted to break a deadlock is run in all. */
export const DEADLOCK_ATTEMPTS = 3

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborted it to break a deadlock
 * (SQLSTATE 40P01) or a serialization failure (40001), up to {@link DEADLOCK_ATTEMPTS} runs in
 * all: nothing of an aborted transaction was kept, and the other side has gone on. Any other error,
 * or the last attempt's, is thrown.
 */
export async function retryingAbortedTransaction<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      if ((code !== '40P01' && code !== '40001') || attempt >= DEADLOCK_ATTEMPTS) throw error
    }
  }
}

/**
 * Check-ins in one round trip each for rows and counters: arrays bound as parameters and unnested,
 * so a batch of any size is the same two statements (and the server's plan cache serves them).
 * Counters are added in one order (`countersOfInserted`); a batch that another writer's locks
 * deadlocked all the same is written again rather than failed.
 */
async function appendCheckins(
  db: Kysely<Database>,
  items: readonly { row: CheckinRow; counters: readonly CounterDelta[] }[],
): Promise<Set<string>> {
  return retryingAbortedTransaction(() => appendCheckinsOnce(db, items))
}

async function appendCheckinsOnce(
  db: Kysely<Database>,
  items: readonly { row: CheckinRow; counters: readonly CounterDelta[] }[],
): Promise<Set<string>> {
  return db.transaction().execute(async (trx) => {
    const ids = await insertNewCheckins(
      trx,
      items.map((item) => item.row),
    )
    const all = countersOfInserted(items, ids)
    if (all.length > 0) {
      await sql`
        insert into daily_counters (day, district, metric, value)
        select * from unnest(${all.map((s) => s.day)}::text[], ${all.map((s) => s.district)}::text[],
          ${all.map((s) => s.metric)}::text[], ${all.map((s) => s.by)}::integer[])
        on conflict (day, district, metric) do update set value = daily_counters.value + excluded.value`.execute(
        trx,
      )
    }
    return ids
  })
}

/** Limit counters in one statement and one commit: arrays bound as parameters and unnested. */
async function addLimitCounts(
  db: Kysely<Database>,
  additions: readonly LimitCountAddition[],
  now: string,
): Promise<number[]> {
  if (additions.length === 0) return []
  const column = <K extends keyof LimitCountAddition>(name: K) => additions.map((a) => a[name])
  const { rows } = await sql<{ position: string; count: string }>`
    with given as (
      select * from unnest(${column('bucket')}::text[], ${column('key')}::text[],
        ${column('window_start')}::text[], ${column('by')}::bigint[], ${column('expires_at')}::text[])
        with ordinality as given(bucket, key, window_start, count, expires_at, position)),
    written as (
      insert into limit_counters (bucket, key, window_start, count, expires_at)
      select bucket, key, window_start, count, expires_at from given
      on conflict (bucket, key, window_start) do update set
        count = case when limit_counters.expires_at <= ${now} then excluded.count
          else limit_counters.count + excluded.count end,
        expires_at = excluded.expires_at
      returning bucket, key, window_start, count)
    select given.position, written.count from given
    join written using (bucket, key, window_start)`.execute(db)
  const counts = new Array<number>(additions.length).fill(0)
  for (const row of rows) counts[Number(row.position) - 1] = Number(row.count)
  return counts
}

/**
 * The schema `search_path` resolves to. Kysely's migrator looks for its tables in every schema
 * unless told one, and would find another schema's on a server shared by several stores.
 */
async function migrationTableSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  )
  const schema = rows[0]?.schema
  if (!schema) {
    throw new StorageError(
      'ERR_STORAGE_MIGRATION',
      'expected search_path to name a schema that exists, but none of its schemas does',
    )
  }
  return schema
}

async function createAppendOnlyGuard(db: Kysely<unknown>, table: string): Promise<void> {
  const name = plainIdentifier(table)
  const guard = sql.id(`${name}_append_only`)
  // A statement-level trigger refuses even an UPDATE or DELETE that matches no row, and TRUNCATE,
  // which row triggers never see.
  await sql`create function ${guard}() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name;
    end
    $$`.execute(db)
  await sql`create trigger ${guard} before update or delete or truncate on ${sql.id(name)}
    for each statement execute function ${guard}()`.execute(db)
}

function constraintFailure(error: unknown): ConstraintFailure | undefined {
  if (!(error instanceof pg.DatabaseError)) return undefined
  // "Key (document_type, document_number, document_country)=(…) already exists."
  const columns = /^Key \(([^)]*)\)=/.exec(error.detail ?? '')?.[1]?.split(', ')
  if (error.code === '23505') return { code: 'ERR_STORAGE_UNIQUE', table: error.table, columns }
  if (error.code === '23503')
    return { code: 'ERR_STORAGE_FOREIGN_KEY', table: error.table, columns }
  const appendOnly = /^(\w+) is append-only$/.exec(error.message)
  if (error.code === 'P0001' && appendOnly) {
    return { code: 'ERR_STORAGE_APPEND_ONLY', table: appendOnly[1], columns: undefined }
  }
  return undefined
}
