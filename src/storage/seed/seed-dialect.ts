import { statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { CompiledQuery, type Kysely, sql } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import { parseStoreUrl } from '../open-store.js'
import type { Database } from '../schema.js'
import type { CellValue, EncodedBatch, RowEncoding } from './row-encoding.js'

export type { CellValue }

/** A table and the columns a bulk insert fills, with their SQL types (PostgreSQL casts arrays). */
export interface BulkTable<T extends keyof Database> {
  readonly table: T
  readonly columns: readonly {
    readonly name: keyof Database[T] & string
    readonly type: 'text' | 'integer'
  }[]
  /**
   * `add`: when the primary key (`day, district, metric`) exists, add `value` to it, as
   * `KyselyCounterRepository.add` does. Only for `daily_counters`.
   */
  readonly onConflict?: 'add'
  /**
   * On PostgreSQL, the table that keeps the rows' ids unique across day partitions, which each
   * batch's ids go into as well, as the server's writes put them (`checkin_ids`; see
   * `insertNewCheckins`). Only for `checkins`.
   */
  readonly idsTable?: 'checkin_ids'
}

/** An index as the database describes it: its name and the statement that creates it. */
export interface IndexDefinition {
  readonly name: string
  readonly definition: string
}

/**
 * What the seeder does differently on each database. `dialects/` is where dialect-aware code
 * belongs; the seeder's needs (bulk loads, index rebuilds) are its own, so they live here, in the
 * one file of the seeder that knows which database it talks to.
 */
export interface SeedDialect {
  readonly name: 'sqlite' | 'postgres'
  /** How this database's bulk statement wants its rows (see row-encoding.ts). */
  readonly encoding: RowEncoding
  /**
   * Tunes the connection for a bulk load, before the seeding transaction begins; the function it
   * returns undoes what must not outlast the load, whether the load committed or not.
   */
  prepareConnection(db: Kysely<Database>): Promise<() => Promise<void>>
  /** Tunes the seeding transaction, as its first statement. */
  beginLoad(trx: Kysely<Database>): Promise<void>
  /** Inserts one batch of rows of `spec`'s table on `trx`, encoded as `encoding` says. */
  insert<T extends keyof Database>(
    trx: Kysely<Database>,
    spec: BulkTable<T>,
    batch: EncodedBatch,
  ): Promise<void>
  /** The indexes of `table` other than its primary key's, as the database would recreate them. */
  secondaryIndexes(trx: Kysely<Database>, table: keyof Database): Promise<IndexDefinition[]>
  /**
   * Makes the deferred indexes again on `trx`, one after the other, telling `built` after each.
   * The connection is tuned for sorting while it runs and put back after.
   */
  rebuildIndexes(
    trx: Kysely<Database>,
    indexes: readonly IndexDefinition[],
    built: (count: number) => void,
  ): Promise<void>
  /** Folds the write-ahead log into the database file (SQLite), or refreshes statistics. */
  finish(db: Kysely<Database>, tables: readonly (keyof Database)[]): Promise<void>
  /** The database's size in bytes (SQLite: the file and its WAL), or undefined when unknown. */
  size(db: Kysely<Database>, url: string): Promise<number | undefined>
}

/** The seeder's side of `dialect`. */
export function seedDialect(dialect: StorageDialect): SeedDialect {
  return dialect.name === 'postgres' ? postgresSeedDialect : sqliteSeedDialect
}

/** SQLite's page cache during the load, in KiB (a negative `cache_size` is KiB). */
const SQLITE_CACHE_KIB = 1_048_576

/**
 * SQLite's page cache while CREATE INDEX runs, in KiB. The sorter makes its in-memory runs as
 * large as the page cache (up to 512 MiB) and sorts each as a linked list: at the load's 1 GiB a
 * run of millions of keys is sorted with a cache miss per step. Runs of 16 MiB sort inside the
 * CPU's caches and are merged after: on the 10-million-row check-ins, `(venue_id, at)` took 13.8 s
 * of CPU instead of 27–37 s (docs/benchmarks.md, "Seeding 1M people and 10M check-ins").
 */
const SQLITE_INDEX_CACHE_KIB = 16_384

const sqliteSeedDialect: SeedDialect = {
  name: 'sqlite',
  encoding: 'sqlite',
  async prepareConnection(db) {
    // The connection is this process's own (one per store); the settings end with it.
    await sql.raw(`pragma cache_size = -${SQLITE_CACHE_KIB}`).execute(db)
    // CREATE INDEX sorts with helper threads: the other core, once the generator is done.
    await sql.raw(`pragma threads = ${Math.max(1, availableParallelism() - 1)}`).execute(db)
    // In WAL mode every page of the load would be written twice: into the log at the commit,
    // then into the database file by the checkpoint. A rollback journal keeps only the pages that
    // existed before the transaction (a few: new tables' pages grow the file and a rollback cuts
    // them off), so the load writes the file once, and stays atomic and durable: synchronous
    // stays FULL, a crash leaves a hot journal that the next opening rolls back, a failure rolls
    // back. Leaving WAL needs the only connection to the file; when another process has it open
    // the load stays in WAL, only slower.
    const mode = await journalMode(db)
    if (mode !== 'wal' || (await journalMode(db, 'delete')) !== 'delete') return async () => {}
    return async () => {
      if ((await journalMode(db, 'wal')) !== 'wal') {
        throw new Error('expected the store back in WAL mode after the load')
      }
      // The log is new and empty: nothing for finish to fold into the file.
      walEmptied.add(db)
    }
  },
  async beginLoad() {},
  async insert(trx, spec, batch) {
    if (typeof batch !== 'string') throw new TypeError('expected rows encoded for SQLite')
    // One parameter whatever the row count: a JSON array of rows, taken apart by json_each. A
    // multi-row VALUES list would be prepared anew for every statement (Kysely's driver keeps no
    // statements), at a cost that grows with its 32,766 parameters; one statement per row costs
    // as much in SQLite and more in JavaScript (docs/benchmarks.md, "Seeding a city").
    const text =
      `insert into ${quote(spec.table)} (${columnList(spec)}) ` +
      `select ${spec.columns.map((_, i) => `value ->> ${i}`).join(', ')} from json_each(?) ` +
      // "WHERE true": an upsert after INSERT … SELECT needs it (sqlite.org/lang_upsert.html, 2.2).
      `where true${conflictClause(spec)}`
    await trx.executeQuery(CompiledQuery.raw(text, [batch]))
  },
  async secondaryIndexes(trx, table) {
    // The primary key's index is automatic and has no SQL.
    const { rows } = await sql<{ name: string; definition: string }>`
      select name, sql as definition from sqlite_master
      where type = 'index' and tbl_name = ${table} and sql is not null
      order by name`.execute(trx)
    return rows
  },
  async rebuildIndexes(trx, indexes, built) {
    await sql.raw(`pragma cache_size = -${SQLITE_INDEX_CACHE_KIB}`).execute(trx)
    try {
      await createEach(trx, indexes, built)
    } finally {
      await sql.raw(`pragma cache_size = -${SQLITE_CACHE_KIB}`).execute(trx)
    }
  },
  async finish(db) {
    if (walEmptied.delete(db)) return
    await sql.raw('pragma wal_checkpoint(TRUNCATE)').execute(db)
  },
  async size(_db, url) {
    const location = parseStoreUrl(url)
    if (location.dialect !== 'sqlite' || location.path === ':memory:') return undefined
    let bytes = 0
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(location.path + suffix).size
      } catch {
        // no WAL file: nothing to add
      }
    }
    return bytes
  },
}

/** Connections whose load ran with a rollback journal, back in WAL mode since. */
const walEmptied = new WeakSet<Kysely<Database>>()

/** The connection's journal mode, after setting it to `mode` when given. */
async function journalMode(db: Kysely<Database>, mode?: 'wal' | 'delete'): Promise<string> {
  const { rows } = await sql
    .raw<{ journal_mode: string }>(`pragma journal_mode${mode ? ` = ${mode}` : ''}`)
    .execute(db)
  return rows[0]?.journal_mode ?? ''
}

const postgresSeedDialect: SeedDialect = {
  name: 'postgres',
  encoding: 'postgres',
  async prepareConnection() {
    return async () => {}
  },
  async beginLoad(trx) {
    // Sorting for CREATE INDEX in memory rather than in temporary files.
    await sql.raw(`set local maintenance_work_mem = '512MB'`).execute(trx)
    // A bulk load's statements (an index over millions of rows) rightly outlast the limit the
    // pool sets for requests (DATABASE_STATEMENT_TIMEOUT_MS); the load is one transaction anyway.
    await sql.raw(`set local statement_timeout = 0`).execute(trx)
  },
  async insert(trx, spec, batch) {
    if (typeof batch === 'string') throw new TypeError('expected rows encoded for PostgreSQL')
    // One array per column, unnested: as many parameters as columns however many rows.
    const insert =
      `insert into ${quote(spec.table)} (${columnList(spec)}) ` +
      `select * from unnest(${spec.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})` +
      conflictClause(spec)
    // Seeded ids are new UUIDs: every one goes into the ids table.
    const text = spec.idsTable
      ? `with written as (${insert} returning id) insert into ${quote(spec.idsTable)} (id) select id from written`
      : insert
    await trx.executeQuery(CompiledQuery.raw(text, batch as CellValue[][]))
  },
  async secondaryIndexes(trx, table) {
    const { rows } = await sql<{ name: string; definition: string }>`
      select i.relname as name, pg_get_indexdef(i.oid) as definition
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where t.relname = ${table} and n.nspname = current_schema()
        and not exists (select 1 from pg_constraint c where c.conindid = i.oid)
      order by i.relname`.execute(trx)
    // An index of a partitioned table reads back as `ON ONLY <table>`: made again so, it would be
    // an invalid index of the parent alone, and the partitions (check-ins) would have none.
    return rows.map((row) => ({ ...row, definition: row.definition.replace(' ON ONLY ', ' ON ') }))
  },
  async rebuildIndexes(trx, indexes, built) {
    await createEach(trx, indexes, built)
  },
  async finish(db, tables) {
    // A bulk load leaves the planner without statistics until autovacuum comes round. Analysing
    // millions of rows outlasts the pool's statement limit for requests: lifted for this alone.
    await db.transaction().execute(async (trx) => {
      await sql.raw(`set local statement_timeout = 0`).execute(trx)
      await sql.raw(`analyze ${tables.map(quote).join(', ')}`).execute(trx)
    })
  },
  async size(db) {
    const { rows } = await sql<{
      size: string
    }>`select pg_database_size(current_database())::text as size`.execute(db)
    const size = rows[0]?.size
    return size === undefined ? undefined : Number(size)
  },
}

async function createEach(
  trx: Kysely<Database>,
  indexes: readonly IndexDefinition[],
  built: (count: number) => void,
): Promise<void> {
  for (const [i, index] of indexes.entries()) {
    await sql.raw(index.definition).execute(trx)
    built(i + 1)
  }
}

function columnList<T extends keyof Database>(spec: BulkTable<T>): string {
  return spec.columns.map((c) => quote(c.name)).join(', ')
}

function conflictClause<T extends keyof Database>(spec: BulkTable<T>): string {
  if (spec.onConflict !== 'add') return ''
  const table = quote(spec.table)
  return ` on conflict (day, district, metric) do update set value = ${table}.value + excluded.value`
}

/** Table and column names are the schema's plain identifiers; quoted all the same. */
function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) {
    throw new TypeError(`expected a plain identifier, but found ${JSON.stringify(identifier)}`)
  }
  return `"${identifier}"`
}
