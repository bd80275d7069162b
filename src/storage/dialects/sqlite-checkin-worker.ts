import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import {
  type WriterMessage,
  apiTokenToucher,
  checkinAppender,
  limitCountAdder,
} from './sqlite-checkin-appender.js'

// The check-in writer's thread: its own connection to the store's file, the same pragmas as the
// main connection. It also writes what would otherwise make the main thread wait for this one's
// write lock or fsync: the check-in quota's counts and API tokens' last use. Every message waiting
// when it wakes is written in one transaction (one fsync), each in a savepoint of its own, so
// that one that fails answers its error and the others commit.
const database = new BetterSqlite3((workerData as { path: string }).path)
database.pragma('busy_timeout = 5000')
database.pragma('synchronous = FULL')
database.pragma('foreign_keys = ON')
// A batch's multi-row INSERTs, and each message's savepoint, keep the original of every page they
// change in a statement journal, which SQLite writes to a temporary file past 64 KiB: a write()
// per page per batch. In memory it costs a copy (measured: 131–148 → 98–105 µs of CPU per row).
database.pragma('temp_store = MEMORY')
const write = checkinAppender(database)
const addLimitCounts = limitCountAdder(database)
const touchApiTokens = apiTokenToucher(database)

type Answer = {
  id: number
  ids?: string[]
  counts?: number[]
  error?: { message: string; code?: string }
}

function failed(id: number, error: unknown): Answer {
  const failure = error as { message?: string; code?: string }
  return { id, error: { message: failure.message ?? String(error), code: failure.code } }
}

// Each call is a transaction of its own, or a savepoint inside `writeAll`'s.
function answer(message: WriterMessage): Answer {
  try {
    if ('limits' in message)
      return { id: message.id, counts: addLimitCounts(message.limits, message.now) }
    if ('touches' in message) {
      touchApiTokens(message.touches)
      return { id: message.id }
    }
    return { id: message.id, ids: [...write(message.items)] }
  } catch (error) {
    return failed(message.id, error)
  }
}

const writeAll = database.transaction((messages: readonly WriterMessage[]) => messages.map(answer))

parentPort?.on('message', (first: WriterMessage) => {
  const messages = [first]
  for (;;) {
    const more = parentPort && receiveMessageOnPort(parentPort)
    if (!more) break
    messages.push(more.message as WriterMessage)
  }
  let answers: Answer[]
  try {
    answers = messages.length === 1 ? [answer(first)] : writeAll(messages)
  } catch (error) {
    // The commit itself failed: nothing of it is durable.
    answers = messages.map((message) => failed(message.id, error))
  }
  for (const reply of answers) parentPort?.postMessage(reply)
})
