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
 * Everything that differs between SQLite and PostgreSQL, in one interface. `sqlite.ts` and
 * `postgres.ts` implement it; nothing else in storage knows which database it talks to.
 */
export interface StorageDialect {
  readonly name: 'sqlite' | 'postgres'
  /** The Kysely dialect, holding the connection (SQLite) or the pool (PostgreSQL). */
  readonly kyselyDialect: Dialect
  /** Runs `work` in one transaction on `db`, committing when it resolves and rolling back if not. */
  transaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T>
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
