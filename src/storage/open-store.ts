import { fileURLToPath } from 'node:url'
import { type KyselyConfig, Kysely, type LogEvent, Migrator, sql } from 'kysely'
import { type Clock, systemClock } from '../domain/clock.js'
import type { Store } from '../domain/ports.js'
import { type PostgresTimeouts, defaultPostgresTimeouts } from './dialects/postgres-timeouts.js'
import type { StorageDialect } from './dialects/storage-dialect.js'
import { StorageError } from './errors.js'
import { KyselyStore } from './kysely-store.js'
import { migrationProvider } from './migrations/migration-provider.js'
import type { Database } from './schema.js'

/** How to open a store. */
export interface OpenStoreOptions {
  /** Writes every query, with its duration, to standard error. */
  readonly logQueries?: boolean
  /** Where `createdAt`/`updatedAt` of new people and accounts come from; the system clock by default. */
  readonly clock?: Clock
  /** PostgreSQL only: told about idle connections that dropped (the pool replaces them). */
  readonly onConnectionError?: (error: Error) => void
  /** PostgreSQL only: statement, connection and idle-in-transaction limits (4 s, 3 s, 10 s). */
  readonly timeouts?: PostgresTimeouts
}

/** Where a store lives: a PostgreSQL URL or a SQLite file. */
export type StoreLocation =
  | { readonly dialect: 'postgres'; readonly url: string }
  | { readonly dialect: 'sqlite'; readonly path: string }

/**
 * Reads a database URL: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH`,
 * `file:PATH` (or `file:///PATH`) and a bare path are SQLite files.
 *
 * @throws {StorageError} `ERR_STORAGE_URL` for an empty text or another scheme (`mysql://…`).
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url }
  if (/^file:\/\//i.test(url)) return { dialect: 'sqlite', path: fileURLToPath(url) }
  const sqlite = /^(sqlite|file):(.*)$/i.exec(url)
  // `sqlite:///abs/path` and `sqlite://rel/path` as well as `sqlite:rel/path`.
  const path = sqlite ? (sqlite[2] ?? '').replace(/^\/\//, '') : url
  if (!sqlite && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StorageError(
      'ERR_STORAGE_URL',
      `expected a postgres:// URL, a sqlite: URL or a file path, but found ${url.split('://')[0]}://…`,
    )
  }
  if (path === '') {
    throw new StorageError(
      'ERR_STORAGE_URL',
      'expected a database URL or a file path, but found none',
    )
  }
  return { dialect: 'sqlite', path }
}

/**
 * Opens the database at `url` without migrating it: the Kysely instance and the dialect it speaks.
 * Most callers want {@link openStore}; this is for tools and tests that need SQL.
 *
 * @throws {StorageError} `ERR_STORAGE_URL` when the URL names no supported database.
 */
export async function openDatabase(
  url: string,
  options: OpenStoreOptions = {},
): Promise<{ db: Kysely<Database>; dialect: StorageDialect }> {
  const location = parseStoreUrl(url)
  // Imported on demand, so that a PostgreSQL deployment never loads the native SQLite module.
  const dialect =
    location.dialect === 'postgres'
      ? (await import('./dialects/postgres.js')).createPostgresDialect(location.url, options)
      : (await import('./dialects/sqlite.js')).createSqliteDialect(location.path)
  const config: KyselyConfig = {
    dialect: dialect.kyselyDialect,
    ...(options.logQueries ? { log: logQuery } : {}),
  }
  return { db: new Kysely<Database>(config), dialect }
}

function logQuery(event: LogEvent): void {
  const ms = event.queryDurationMillis.toFixed(1)
  const failure = event.level === 'error' ? ` FAILED: ${String(event.error)}` : ''
  process.stderr.write(`[sql ${ms} ms] ${event.query.sql}${failure}\n`)
}

/**
 * Brings the schema up to date, running every migration not yet applied, in name order. Safe to
 * call on an up-to-date database, and from several processes at once (Kysely takes a lock).
 *
 * @throws {StorageError} `ERR_STORAGE_MIGRATION`, with the failing migration's error as `cause`.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StorageDialect,
): Promise<void> {
  const schema = await dialect.migrationTableSchema(db)
  if (await isMigrated(db, dialect, schema)) return
  const { error, results } = await storeMigrator(db, dialect, schema).migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    throw new StorageError(
      'ERR_STORAGE_MIGRATION',
      `expected the schema to migrate to the latest version, but ${failed ? `migration ${failed}` : 'migrating'} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
}

/**
 * Whether the store has applied exactly this version's migrations (see {@link appliedExactly}),
 * its migration table in `schema` (the dialect's `migrationTableSchema`).
 */
async function isMigrated(
  db: Kysely<Database>,
  dialect: StorageDialect,
  schema: string | undefined,
): Promise<boolean> {
  const names = Object.keys(await migrationProvider(dialect).getMigrations())
  return appliedExactly(db, schema, names)
}

/**
 * Kysely's Migrator over this project's migrations (`migration-provider.ts`) for the dialect, its
 * table in `schema` (the dialect's `migrationTableSchema`, undefined for the default).
 */
export function storeMigrator(
  db: Kysely<Database>,
  dialect: StorageDialect,
  schema: string | undefined,
): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
}

/**
 * Whether the store has applied exactly the migrations named, no more and no fewer: then there is
 * nothing to migrate, and the start skips the Migrator, whose checks read the catalogue of every
 * table and column (on PostgreSQL, every day partition's too: about 40 ms and most of the start's
 * wait for the database). Anything else (no migration table yet, a migration to run, one this
 * version does not know) goes to the Migrator, which migrates or says what is wrong.
 */
async function appliedExactly(
  db: Kysely<Database>,
  schema: string | undefined,
  names: readonly string[],
): Promise<boolean> {
  const table = sql.table(schema === undefined ? 'kysely_migration' : `${schema}.kysely_migration`)
  let applied: string[]
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db)
    applied = rows.map((row) => row.name)
  } catch {
    return false
  }
  const known = new Set(names)
  return applied.length === known.size && applied.every((name) => known.has(name))
}

/**
 * Opens the store at `url` (see {@link parseStoreUrl}) and migrates it to the latest schema.
 *
 * @example
 * ```ts
 * const store = await openStore(process.env.DATABASE_URL ?? 'data/healthcode.sqlite')
 * const issuers = await store.transaction((tx) => tx.issuers.list())
 * await store.close()
 * ```
 * @throws {StorageError} `ERR_STORAGE_URL` for an unsupported URL; `ERR_STORAGE_MIGRATION` when
 *   the schema cannot be brought up to date. A database that cannot be reached rejects with the
 *   driver's error.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const { db, dialect } = await openDatabase(url, options)
  try {
    if (dialect.name === 'postgres') {
      const now = (options.clock ?? systemClock)()
      // Usually there is nothing to do, and two looks on the store's own connection say so: that
      // connection then serves the first requests, and no second one is opened for the migrations
      // and closed again (one backend less to start per server process and per command).
      const upToDate =
        (await isMigrated(db, dialect, await dialect.migrationTableSchema(db))) &&
        (await dialect.missingPartitions?.(db, now)) === 0
      if (!upToDate) {
        // A migration may rightly run longer than a request's statement limit (an index on a big
        // table), and waits for another process's migrations: it gets connections without one.
        const connectMs = (options.timeouts ?? defaultPostgresTimeouts).connectMs
        const migrating = await openDatabase(url, {
          ...options,
          timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs },
        })
        try {
          await migrateToLatest(migrating.db, migrating.dialect)
          // The partitions of the coming days, at start; an hourly job keeps ahead after that.
          await migrating.dialect.preparePartitions?.(migrating.db, now)
        } finally {
          await migrating.db.destroy()
        }
      }
    } else {
      await migrateToLatest(db, dialect)
    }
  } catch (error) {
    await db.destroy()
    throw error
  }
  return new KyselyStore(db, dialect, options.clock ?? systemClock)
}
