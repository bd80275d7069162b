import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import type { CheckinRow } from '../schema.js'
import { type CounterDelta, countersOfInserted } from './storage-dialect.js'

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
export function checkinAppender(database: BetterSqlite3.Database) {
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
      counter ??= database.prepare(
        'insert into daily_counters (day, district, metric, value) values (?, ?, ?, ?) on conflict (day, district, metric) do update set value = value + excluded.value',
      )
      for (const sum of countersOfInserted(items, inserted)) {
        counter.run(sum.day, sum.district, sum.metric, sum.by)
      }
      return inserted
    },
  )
  return write
}

/** A batch for the worker, and its answer. */
type Item = { row: CheckinRow; counters: readonly CounterDelta[] }
type Answer = { id: number; ids?: string[]; error?: { message: string; code?: string } }

/**
 * A worker thread that writes check-ins to the SQLite file at `path` with its own connection
 * (WAL lets it write while the main connection reads). Undefined when the worker's compiled file
 * is not there (running from TypeScript sources).
 */
export function appendCheckinsInWorker(
  path: string,
): { append(items: readonly Item[]): Promise<Set<string>>; close(): Promise<void> } | undefined {
  const file = fileURLToPath(new URL('./sqlite-checkin-worker.js', import.meta.url))
  if (!existsSync(file)) return undefined
  let worker: Worker | undefined
  let next = 0
  const pending = new Map<
    number,
    { resolve: (ids: Set<string>) => void; reject: (e: Error) => void }
  >()
  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error)
    pending.clear()
    worker = undefined
  }
  const start = () => {
    const started = new Worker(file, { workerData: { path } })
    started.unref()
    started.on('message', (answer: Answer) => {
      const waiting = pending.get(answer.id)
      if (!waiting) return
      pending.delete(answer.id)
      if (answer.error) {
        waiting.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }))
      } else {
        waiting.resolve(new Set(answer.ids))
      }
      if (pending.size === 0) started.unref()
    })
    started.on('error', (error) => failAll(error))
    started.on('exit', (code) => failAll(new Error(`the check-in writer stopped (exit ${code})`)))
    return started
  }
  return {
    append(items) {
      worker ??= start()
      const id = next++
      const current = worker
      return new Promise<Set<string>>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        // Keep the process alive while a batch is in flight, not afterwards.
        current.ref()
        current.postMessage({ id, items })
      })
    },
    async close() {
      const current = worker
      worker = undefined
      if (current) await current.terminate()
    },
  }
}
