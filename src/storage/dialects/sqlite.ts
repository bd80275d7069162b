import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { type Kysely, SqliteDialect, sql } from 'kysely'
import type { ConstraintFailure } from '../errors.js'
import {
  appendCheckinsInWorker,
  checkinAppender,
  apiTokenToucher,
  limitCountAdder,
} from './sqlite-checkin-appender.js'
import { type StorageDialect, plainIdentifier } from './storage-dialect.js'

/** The most check-ins in one INSERT: 9 columns each, well under SQLite's 32,766 parameters. */
const CHECKIN_ROWS_PER_STATEMENT = 500

/** How long a connection waits for another's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000

/**
 * SQLite through better-sqlite3: one file, one connection. Creates the file's directory if it is
 * missing (owner-only, as the file) and sets the pragmas every connection needs.
 */
export function createSqliteDialect(path: string): StorageDialect {
  if (path !== ':memory:') ownerOnlyFiles(path)
  const database = new BetterSqlite3(path)
  // busy_timeout first, so that switching to WAL waits for another process rather than failing.
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  database.pragma('journal_mode = WAL')
  // FULL: in WAL mode every commit is fsynced before it returns, so an acknowledged write survives
  // a power cut as well as a killed process.
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  const worker = path === ':memory:' ? undefined : appendCheckinsInWorker(path)
  return {
    name: 'sqlite',
    rowLocks: false,
    kyselyDialect: new SqliteDialect({ database }),
    // Kysely begins DEFERRED: a long read (say `healthcode audit verify` on the server's file) holds
    // no write lock, and in WAL mode never blocks the writers.
    transaction: (db, work) => db.transaction().execute(work),
    read: (db, work) => db.transaction().execute(work),
    // One process serves a SQLite file (`serve --workers` refuses more), so nothing runs beside.
    runAlone: async (_db, _name, work) => ({ ran: true, value: await work() }),
    // Within this process, Kysely's SQLite driver owns a single connection behind a mutex
    // (SqliteDriver.acquireConnection): a transaction holds it from BEGIN to COMMIT, so no other
    // transaction of this process runs, let alone appends, in between. Another process writing
    // the same file cannot fork the chain either: if it committed after this transaction read the
    // last entry, SQLite refuses this transaction's write (SQLITE_BUSY_SNAPSHOT) rather than let
    // it build on a stale snapshot, and the sequence primary key backs that up.
    serialiseAuditAppend: async () => {},
    // Check-ins are written by a worker thread with its own connection when the store is a file:
    // its fsync then never stalls the event loop that serves requests. In memory (or where the
    // worker's compiled file is absent, as under tsx), they are written here, holding Kysely's
    // connection so that no Kysely transaction is open around them.
    appendCheckins: (() => {
      if (worker) return (_db, items) => worker.append(items)
      const write = checkinAppender(database)
      return (db, items) => db.connection().execute(async () => write(items))
    })(),
    // The check-in quota's counts go the same way: on the writer's connection, they neither wait
    // for its write lock nor fsync on the thread that serves requests.
    addLimitCounts: (() => {
      if (worker) return (_db, additions, now) => worker.addLimitCounts(additions, now)
      const add = limitCountAdder(database)
      return (db, additions, now) => db.connection().execute(async () => add(additions, now))
    })(),
    findRowBy: (() => {
      const statements = new Map<string, BetterSqlite3.Statement>()
      return (table: string, column: string, value: string) => {
        const text = `select * from "${plainIdentifier(table)}" where "${plainIdentifier(column)}" = ?`
        let statement = statements.get(text)
        if (!statement) {
          statement = database.prepare(text)
          statements.set(text, statement)
        }
        return statement.get(value)
      }
    })(),
    touchApiTokens: (() => {
      if (worker) return (_db, touches) => worker.touchApiTokens(touches)
      const touch = apiTokenToucher(database)
      return (db, touches) => db.connection().execute(async () => touch(touches))
    })(),
    // The primary key is the id alone: a re-sent id conflicts and is skipped.
    insertNewCheckins: async (trx, rows) => {
      const inserted = new Set<string>()
      for (let i = 0; i < rows.length; i += CHECKIN_ROWS_PER_STATEMENT) {
        const written = await trx
          .insertInto('checkins')
          .values(rows.slice(i, i + CHECKIN_ROWS_PER_STATEMENT))
          .onConflict((conflict) => conflict.column('id').doNothing())
          .returning('id')
          .execute()
        for (const row of written) inserted.add(row.id)
      }
      return inserted
    },
    // Kysely's single connection is held from BEGIN to COMMIT, so nothing else of this process
    // runs between lifting the busy wait and restoring it.
    writeUnlessBusy: async (trx, work) => {
      await sql`pragma busy_timeout = 0`.execute(trx)
      try {
        return await work()
      } finally {
        await sql.raw(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(trx)
      }
    },
    close: async () => worker?.close(),
    migrationTableSchema: async () => undefined,
    createAppendOnlyGuard,
    constraintFailure,
  }
}

/**
 * The store holds health data: its folder, when made here, is 0700 and its files 0600, whatever
 * the umask. The file is created before SQLite opens it, because SQLite gives the `-wal` and
 * `-shm` files it makes the database file's own mode. Files left looser by an older version are
 * tightened; a file owned by another user is left as it is (only its owner may change it).
 */
function ownerOnlyFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  // 'a' creates the file when missing and never truncates one that exists.
  closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600)
    } catch {
      // Missing (-wal and -shm come with the first connection), or not ours to change.
    }
  }
}

async function createAppendOnlyGuard(db: Kysely<unknown>, table: string): Promise<void> {
  const name = plainIdentifier(table)
  const refuse = sql.lit(`${name} is append-only`)
  for (const event of ['update', 'delete'] as const) {
    await sql`create trigger ${sql.id(`${name}_no_${event}`)} before ${sql.raw(event)} on ${sql.id(name)}
      begin select raise(abort, ${refuse}); end`.execute(db)
  }
}

const uniqueCodes = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'])

function constraintFailure(error: unknown): ConstraintFailure | undefined {
  if (!(error instanceof BetterSqlite3.SqliteError)) return undefined
  if (uniqueCodes.has(error.code)) {
    // "UNIQUE constraint failed: people.document_type, people.document_number, …"
    const qualified = error.message.split(': ')[1]?.split(', ') ?? []
    const table = qualified[0]?.split('.')[0]
    return {
      code: 'ERR_STORAGE_UNIQUE',
      table,
      columns: qualified.map((c) => c.split('.')[1] ?? c),
    }
  }
  if (error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    // SQLite names neither the table nor the columns of a failed foreign key.
    return { code: 'ERR_STORAGE_FOREIGN_KEY', table: undefined, columns: undefined }
  }
  const appendOnly = /^(\w+) is append-only$/.exec(error.message)
  if (error.code === 'SQLITE_CONSTRAINT_TRIGGER' && appendOnly) {
    return { code: 'ERR_STORAGE_APPEND_ONLY', table: appendOnly[1], columns: undefined }
  }
  return undefined
}
