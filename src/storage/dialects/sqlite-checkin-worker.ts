import { parentPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { checkinAppender } from './sqlite-checkin-appender.js'

// The check-in writer's thread: its own connection to the store's file, the same pragmas as the
// main connection, and one transaction (one fsync) per batch it is sent.
const database = new BetterSqlite3((workerData as { path: string }).path)
database.pragma('busy_timeout = 5000')
database.pragma('synchronous = FULL')
database.pragma('foreign_keys = ON')
const write = checkinAppender(database)

parentPort?.on('message', (message: { id: number; items: Parameters<typeof write>[0] }) => {
  try {
    parentPort?.postMessage({ id: message.id, ids: [...write(message.items)] })
  } catch (error) {
    const failure = error as { message?: string; code?: string }
    parentPort?.postMessage({
      id: message.id,
      error: { message: failure.message ?? String(error), code: failure.code },
    })
  }
})
