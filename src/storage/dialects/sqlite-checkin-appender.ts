import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import type { CheckinRow } from '../schema.js'
import {
  type CounterDelta,
  LIMIT_COUNT_UPSERT_SQLITE,
  type LimitCountAddition,
  countersOfInserted,
} from './storage-dialect.js'

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

/**
 * Adds to limit counters through better-sqlite3 directly, in one transaction, with one prepared
 * statement kept across calls; answers the new values in the order given.
 */
export function limitCountAdder(database: BetterSqlite3.Database) {
  let upsert: BetterSqlite3.Statement | undefined
  return database.transaction((additions: readonly LimitCountAddition[], now: string) => {
    upsert ??= database.prepare(LIMIT_COUNT_UPSERT_SQLITE)
    const statement = upsert
    return additions.map((addition) => {
      const row = statement.get(
        addition.bucket,
        addition.key,
        addition.window_start,
        addition.by,
        addition.expires_at,
        now,
      ) as { count: number }
      return Number(row.count)
    })
  })
}

/** Writes API tokens' last use in one transaction, with one prepared statement kept. */
export function apiTokenToucher(database: BetterSqlite3.Database) {
  let update: BetterSqlite3.Statement | undefined
  return database.transaction((touches: readonly { id: string; at: string }[]) => {
    update ??= database.prepare('update api_tokens set last_used_at = ? where id = ?')
    for (const touch of touches) update.run(touch.at, touch.id)
  })
}

/** A batch for the worker, and its answer. */
type Item = { row: CheckinRow; counters: readonly CounterDelta[] }
type Answer = {
  id: number
  ids?: string[]
  counts?: number[]
  error?: { message: string; code?: string }
}
/** What the worker is sent: check-ins to append, or limit counters to add to. */
export type WriterMessage =
  | { id: number; items: readonly Item[] }
  | { id: number; limits: readonly LimitCountAddition[]; now: string }
  | { id: number; touches: readonly { id: string; at: string }[] }

/**
 * A worker thread that writes check-ins to the SQLite file at `path` with its own connection
 * (WAL lets it write while the main connection reads). Undefined when the worker's compiled file
 * is not there (running from TypeScript sources).
 */
export function appendCheckinsInWorker(path: string):
  | {
      append(items: readonly Item[]): Promise<Set<string>>
      addLimitCounts(limits: readonly LimitCountAddition[], now: string): Promise<number[]>
      touchApiTokens(touches: readonly { id: string; at: string }[]): Promise<void>
      close(): Promise<void>
    }
  | undefined {
  const file = fileURLToPath(new URL('./sqlite-checkin-worker.js', import.meta.url))
  if (!existsSync(file)) return undefined
  let worker: Worker | undefined
  let next = 0
  const pending = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (e: Error) => void }
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
        waiting.resolve(answer)
      }
      if (pending.size === 0) started.unref()
    })
    started.on('error', (error) => failAll(error))
    started.on('exit', (code) => failAll(new Error(`the check-in writer stopped (exit ${code})`)))
    return started
  }
  const send = (message: WriterMessage) => {
    worker ??= start()
    const current = worker
    return new Promise<Answer>((resolve, reject) => {
      pending.set(message.id, { resolve, reject })
      // Keep the process alive while a batch is in flight, not afterwards.
      current.ref()
      current.postMessage(message)
    })
  }
  return {
    async append(items) {
      return new Set((await send({ id: next++, items })).ids)
    },
    async addLimitCounts(limits, now) {
      return (await send({ id: next++, limits, now })).counts ?? []
    },
    async touchApiTokens(touches) {
      await send({ id: next++, touches })
    },
    async close() {
      const current = worker
      worker = undefined
      if (current) await current.terminate()
    },
  }
}
