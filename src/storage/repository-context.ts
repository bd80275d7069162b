import type { Kysely } from 'kysely'
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
