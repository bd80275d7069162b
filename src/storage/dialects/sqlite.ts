import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { type Kysely, SqliteDialect, sql } from 'kysely'
import type { ConstraintFailure } from '../errors.js'
import type { CheckinRow } from '../schema.js'
import { type CounterDelta, type StorageDialect, plainIdentifier } from './storage-dialect.js'

const CHECKIN_COLUMNS = [
  'id',
  'venue_id',
  'person_id',
  'subject',
  'method',
  'at',
  'colour',
  'entry_allowed',
  'recorded_at',
] as const
/** Statement sizes a batch is cut into, so that a few prepared statements serve every batch. */
const CHUNKS = [256, 64, 16, 4, 1]

/**
 * Writes check-ins through better-sqlite3 directly, with prepared statements kept across batches
 * (preparing a 256-row INSERT costs more than running it). It runs while holding Kysely's one
 * connection, so no Kysely transaction is open around it.
 */
function checkinAppender(database: BetterSqlite3.Database) {
  const inserts = new Map<number, BetterSqlite3.Statement>()
  const insert = (rows: number) => {
    let statement = inserts.get(rows)
    if (!statement) {
      const values = Array.from(
        { length: rows },
        () => `(${CHECKIN_COLUMNS.map(() => '?').join(', ')})`,
      ).join(', ')
      statement = database.prepare(
        `insert into checkins (${CHECKIN_COLUMNS.join(', ')}) values ${values} on conflict (id) do nothing returning id`,
      )
      inserts.set(rows, statement)
    }
    return statement
  }
  let counter: BetterSqlite3.Statement | undefined
  const write = database.transaction(
    (items: readonly { row: CheckinRow; counters: readonly CounterDelta[] }[]) => {
      const inserted = new Set<string>()
      let offset = 0
      for (const size of CHUNKS) {
        while (items.length - offset >= size) {
          const params: unknown[] = []
          for (let i = offset; i < offset + size; i++) {
            const row = (items[i] as { row: CheckinRow }).row
            for (const column of CHECKIN_COLUMNS) params.push(row[column])
          }
          for (const found of insert(size).all(params) as { id: string }[]) inserted.add(found.id)
          offset += size
        }
      }
      const sums = new Map<string, CounterDelta & { by: number }>()
      const answered = new Set<string>()
      for (const item of items) {
        // Count a row once, and only if this batch inserted it.
        if (!inserted.has(item.row.id) || answered.has(item.row.id)) continue
        answered.add(item.row.id)
        for (const delta of item.counters) {
          const key = `${delta.day}\u0000${delta.district}\u0000${delta.metric}`
          const sum = sums.get(key)
          if (sum) sum.by += delta.by
          else sums.set(key, { ...delta })
        }
      }
      counter ??= database.prepare(
        'insert into daily_counters (day, district, metric, value) values (?, ?, ?, ?) on conflict (day, district, metric) do update set value = value + excluded.value',
      )
      for (const sum of sums.values()) counter.run(sum.day, sum.district, sum.metric, sum.by)
      return inserted
    },
  )
  return write
}

/**
 * SQLite through better-sqlite3: one file, one connection. Creates the file's directory if it is
 * missing and sets the pragmas every connection needs.
 */
export function createSqliteDialect(path: string): StorageDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new BetterSqlite3(path)
  // busy_timeout first, so that switching to WAL waits for another process rather than failing.
  database.pragma('busy_timeout = 5000')
  database.pragma('journal_mode = WAL')
  // FULL: in WAL mode every commit is fsynced before it returns, so an acknowledged write survives
  // a power cut as well as a killed process.
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  return {
    name: 'sqlite',
    kyselyDialect: new SqliteDialect({ database }),
    // Kysely begins DEFERRED: a long read (say `healthcode audit verify` on the server's file) holds
    // no write lock, and in WAL mode never blocks the writers.
    transaction: (db, work) => db.transaction().execute(work),
    // Within this process, Kysely's SQLite driver owns a single connection behind a mutex
    // (SqliteDriver.acquireConnection): a transaction holds it from BEGIN to COMMIT, so no other
    // transaction of this process runs, let alone appends, in between. Another process writing
    // the same file cannot fork the chain either: if it committed after this transaction read the
    // last entry, SQLite refuses this transaction's write (SQLITE_BUSY_SNAPSHOT) rather than let
    // it build on a stale snapshot, and the sequence primary key backs that up.
    serialiseAuditAppend: async () => {},
    appendCheckins: (() => {
      const write = checkinAppender(database)
      return (db, items) => db.connection().execute(async () => write(items))
    })(),
    migrationTableSchema: async () => undefined,
    createAppendOnlyGuard,
    constraintFailure,
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
