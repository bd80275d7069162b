import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A database dialect a suite runs against. */
export interface TestDialect {
  readonly name: 'sqlite' | 'postgres'
  /**
   * A fresh, empty database for one suite: every call makes a new one (call it once in `before`
   * and keep the URL if the suite reopens the same database). Each is removed when the test
   * process exits.
   */
  url(): string
}

/**
 * Runs `fn` once per dialect, so that a suite written once runs against every database Healthcode
 * supports (no mocks: real SQLite, real PostgreSQL). SQLite always: a new file in a new temporary
 * directory per `url()`. PostgreSQL only when `TEST_DATABASE_URL` names a server database.
 *
 * PostgreSQL isolation: each `url()` creates a new schema (`hc_test_<pid>_<n>_<random>`) in the
 * `TEST_DATABASE_URL` database and returns that URL with
 * `options=-c search_path=<schema>`, so the store's tables, triggers and migration bookkeeping all
 * land in the schema. A schema is cheaper than a database (no copy of a template, no extra
 * connection slot to the server), needs no CREATE DATABASE right, and everything a run leaves
 * behind (say, after the process was killed) goes when the run's database is dropped, as `.ci/run`
 * does. The one thing schemas share is the database: advisory locks (the audit append lock) are
 * per database, so suites running at once wait for each other's appends; they never see each
 * other's rows.
 *
 * `url()` is synchronous, so the schema is created by a short child process (a `pg` client).
 *
 * @example
 * ```ts
 * forEachDialect((dialect) => {
 *   describe(`people (${dialect.name})`, () => {
 *     let store: Store
 *     before(async () => (store = await openStore(dialect.url())))
 *     after(() => store.close())
 *     it('finds a person by identity document', async () => { … })
 *   })
 * })
 * ```
 */
export function forEachDialect(fn: (dialect: TestDialect) => void): void {
  fn({ name: 'sqlite', url: sqliteUrl })
  const server = process.env['TEST_DATABASE_URL']
  if (server) fn({ name: 'postgres', url: () => postgresUrl(server) })
}

const temporaryDirectories: string[] = []
const schemas: { server: string; name: string }[] = []
let cleanupRegistered = false

function sqliteUrl(): string {
  registerCleanup()
  const directory = mkdtempSync(join(tmpdir(), 'healthcode-test-'))
  temporaryDirectories.push(directory)
  return join(directory, 'store.sqlite')
}

function postgresUrl(server: string): string {
  registerCleanup()
  const name = `hc_test_${process.pid}_${schemas.length + 1}_${randomBytes(4).toString('hex')}`
  runPg(server, 'create', [name])
  schemas.push({ server, name })
  const url = new URL(server)
  const option = `options=${encodeURIComponent(`-c search_path=${name}`)}`
  url.search = url.search ? `${url.search}&${option}` : `?${option}`
  return url.toString()
}

/** Creates or drops schemas through a `pg` client in a child process (`url()` cannot await). */
function runPg(server: string, action: 'create' | 'drop', names: string[]): void {
  const pgModule = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href
  const script = `
    const [pgModule, server, action, ...names] = process.argv.slice(1)
    const { default: pg } = await import(pgModule)
    const client = new pg.Client({ connectionString: server })
    await client.connect()
    try {
      await client.query("set lock_timeout = '10s'")
      for (const name of names) {
        await client.query(action === 'create' ? 'create schema "' + name + '"' : 'drop schema if exists "' + name + '" cascade')
      }
    } finally {
      await client.end()
    }`
  execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, pgModule, server, action, ...names],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
  )
}

function registerCleanup(): void {
  if (cleanupRegistered) return
  cleanupRegistered = true
  process.on('exit', () => {
    for (const directory of temporaryDirectories)
      rmSync(directory, { recursive: true, force: true })
    for (const server of new Set(schemas.map((schema) => schema.server))) {
      const names = schemas
        .filter((schema) => schema.server === server)
        .map((schema) => schema.name)
      try {
        runPg(server, 'drop', names)
      } catch (error) {
        process.stderr.write(`could not drop test schemas ${names.join(', ')}: ${String(error)}\n`)
      }
    }
  })
}
