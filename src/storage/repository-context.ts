import { type Kysely, type Selectable, sql } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { StorageDialect } from './dialects/storage-dialect.js'
import { storageErrorFrom } from './errors.js'
import type { Database } from './schema.js'

/** What every repository works with: one transaction, its dialect, and the clock. */
export interface RepositoryContext {
  /** The transaction the repository is bound to. */
  readonly db: Kysely<Database>
  readonly dialect: StorageDialect
  /** Where `createdAt` and `updatedAt` come from when the caller does not give them. */
  readonly clock: Clock
}

/**
 * The row of `table` whose `column` (a primary or unique key) equals `value`: the hot reads of
 * every request (a token, its account, a person, their colour). On SQLite, inside the caller's
 * transaction (which holds the one connection), through a statement prepared once; elsewhere
 * through the query builder.
 */
export async function findRowBy<T extends keyof Database & string>(
  context: RepositoryContext,
  table: T,
  column: keyof Database[T] & string,
  value: string,
): Promise<Selectable<Database[T]> | undefined> {
  if (context.dialect.findRowBy && context.db.isTransaction) {
    return context.dialect.findRowBy(table, column, value) as Selectable<Database[T]> | undefined
  }
  // The table and column are the caller's constants, typed against the schema above.
  const db = context.db as unknown as Kysely<Record<string, Record<string, string>>>
  return (await db
    .selectFrom(table)
    .selectAll()
    .where(sql.ref(column), '=', value)
    .executeTakeFirst()) as Selectable<Database[T]> | undefined
}

/**
 * Awaits a query, turning the driver's constraint failures into a `StorageError`. On PostgreSQL a
 * failed statement aborts its transaction: catching the error does not make the transaction usable
 * again.
 *
 * @throws {StorageError} `ERR_STORAGE_UNIQUE`, `ERR_STORAGE_FOREIGN_KEY` or
 *   `ERR_STORAGE_APPEND_ONLY` (with the driver's error as `cause`); other errors pass unchanged.
 */
export async function withConstraintErrors<T>(
  context: RepositoryContext,
  query: Promise<T>,
): Promise<T> {
  try {
    return await query
  } catch (error) {
    const failure = context.dialect.constraintFailure(error)
    throw failure ? storageErrorFrom(failure, error) : error
  }
}

/** `undefined` for SQL NULL. */
export function optional<T>(value: T | null): T | undefined {
  return value ?? undefined
}
