import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/config.js'
import { migrateToLatest, openDatabase, parseStoreUrl } from '../../storage/open-store.js'
import {
  type SeedPhase,
  type SeedProgress,
  type SeedSummary,
  SeedError,
  seedCity,
  storeSize,
} from '../../storage/seed/index.js'
import { defaultPostgresTimeouts } from '../../storage/dialects/postgres-timeouts.js'
import { readMoment } from '../../domain/input/strict-input.js'
import { UsageError, type CommandIo } from '../command-io.js'

/** No statement or idle limit; the usual limit on connecting. */
const BULK_LOAD_TIMEOUTS = { ...defaultPostgresTimeouts, statementMs: 0, idleInTransactionMs: 0 }

export const seedUsage = `Usage:
  healthcode seed --people N --checkins M [--companies C] [--database URL] [--seed S] [--now ISO]
                  [--append]

Fills a store with a synthetic city for benchmarks: N people of Shanghai (issuer cn-sh) with
their health codes, companies with employees, venues, M check-ins over the 28 days before --now,
some declarations, and the dashboards' daily counters. Rows go straight into the tables, in bulk
and in one transaction (no audit entries), so a run that fails or is stopped leaves the store as
it was, and other writers wait until it ends; the same --seed and --now give the same rows.
Each person's code is what the rules engine computes from the declarations seeded for them.
Rows are made on a worker thread while the main thread writes them. On SQLite the load runs with
a rollback journal and the store is put back in WAL mode after it, so that every page is written
once; the commit is as atomic and durable as any other (synchronous=FULL).
On PostgreSQL the check-ins land in the day partitions of those 28 days, created first.
  --people N       people to make, 1 to 999999999 (1_000_000 and 1,000,000 read as well)
  --checkins M     check-ins to make, 0 or more
  --companies C    companies to make, 1 to 10000000 (default: one for every 200 people)
  --database URL   the store (default: DATABASE_URL, else ./data/healthcode.sqlite)
  --seed S         the random seed, 0 to 4294967295 (default 1)
  --now ISO        when the city is seeded, an ISO 8601 date-time (default: the current time)
  --append         add to a store that already holds a seeded city (else it is refused)
Progress goes to standard error, the summary to standard output.
Exit status: 0 seeded, 1 failed or refused (nothing written), 2 usage error.`

/** `healthcode seed`. */
export async function seedCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      people: { type: 'string' },
      companies: { type: 'string' },
      checkins: { type: 'string' },
      database: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      append: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(seedUsage + '\n')
    return 0
  }
  if (positionals.length > 0) {
    throw new UsageError(`expected options only, but found ${JSON.stringify(positionals[0])}`)
  }
  const people = count('people', values.people, 1, 999_999_999)
  const companies =
    values.companies === undefined ? undefined : count('companies', values.companies, 1, 10_000_000)
  const checkins = count('checkins', values.checkins, 0, 2_000_000_000)
  const seed = values.seed === undefined ? 1 : count('seed', values.seed, 0, 0xffffffff)
  const now = values.now === undefined ? new Date() : moment(values.now)
  const url = loadConfig({
    ...process.env,
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  }).databaseUrl

  // A bulk load's statements (an index over millions of rows, ANALYZE) rightly outlast the limits
  // the pool sets for requests, on the server and in the client: none here, as for migrations.
  const { db, dialect } = await openDatabase(url, { timeouts: BULK_LOAD_TIMEOUTS })
  try {
    await migrateToLatest(db, dialect)
    const progress = new ProgressLine(io.stderr, (io.stderr as { isTTY?: unknown }).isTTY === true)
    let summary: SeedSummary
    try {
      summary = await seedCity(db, dialect, {
        people,
        companies,
        checkins,
        seed,
        now,
        append: values.append === true,
        onProgress: (update) => progress.update(update),
      })
    } catch (error) {
      progress.interrupt()
      if (error instanceof SeedError && error.code === 'ERR_SEED_ALREADY_SEEDED') {
        io.stderr.write(
          `healthcode seed: ${error.message}\n  nothing was written; add --append to seed more people into this store\n`,
        )
        return 1
      }
      if (error instanceof SeedError) throw new UsageError(error.message)
      throw error
    }
    const bytes = await storeSize(db, dialect, url)
    io.stdout.write(formatSummary(summary, describeStore(url), bytes))
    return 0
  } finally {
    await db.destroy()
    await dialect.close?.()
  }
}

/** A whole number written with optional `_` or `,` between digit groups, within bounds. */
function count(name: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) {
    throw new UsageError(
      `expected --${name} N, a whole number from ${group(min)} to ${group(max)}, but it is missing`,
    )
  }
  const plain = /^\d+(?:[_,]\d+)*$/.test(text) ? Number(text.replace(/[_,]/g, '')) : NaN
  if (!Number.isSafeInteger(plain) || plain < min || plain > max) {
    throw new UsageError(
      `expected --${name} to be a whole number from ${group(min)} to ${group(max)}, but found ${JSON.stringify(text)}`,
    )
  }
  return plain
}

function moment(text: string): Date {
  // The one strict reading of times (src/domain/input/strict-input.ts).
  const time = readMoment(text, new Date())
  if (typeof time === 'string') {
    throw new UsageError(
      `expected --now to be an ISO 8601 date-time such as 2026-11-30T12:00:00Z: ${time}, but found ${JSON.stringify(text)}`,
    )
  }
  return time
}

const phaseNames: Record<SeedPhase, string> = {
  companies: 'companies',
  venues: 'venues',
  people: 'people',
  checkins: 'check-ins',
  indexes: 'indexes',
  counters: 'counters',
  commit: 'commit',
  finish: 'finish',
}

/**
 * Progress on standard error: on a terminal one line per phase, redrawn in place; elsewhere
 * (a log file, CI) a plain line every few seconds and one when each phase ends.
 */
class ProgressLine {
  #phase: SeedPhase | undefined
  #phaseStarted = 0
  #lastWrite = 0
  #open = false

  constructor(
    private readonly stderr: { write(text: string): unknown },
    private readonly tty: boolean,
  ) {}

  update({ phase, done, total }: SeedProgress): void {
    const now = performance.now()
    if (phase !== this.#phase) {
      this.interrupt()
      this.#phase = phase
      this.#phaseStarted = now
      this.#lastWrite = this.tty ? 0 : now
    }
    if (total === 0) return
    const finished = done >= total
    const interval = this.tty ? 100 : 5_000
    if (!finished && now - this.#lastWrite < interval) return
    this.#lastWrite = now
    const line = progressText(phase, done, total, (now - this.#phaseStarted) / 1000)
    if (this.tty) {
      this.stderr.write(`\r\u001b[K${line}${finished ? '\n' : ''}`)
      this.#open = !finished
    } else {
      this.stderr.write(line + '\n')
    }
  }

  /** Ends a line left open on the terminal (before an error message, say). */
  interrupt(): void {
    if (this.#open) this.stderr.write('\n')
    this.#open = false
  }
}

/** Whether a phase's units are rows (for a rate), not indexes or steps. */
function countsRows(phase: SeedPhase): boolean {
  return phase !== 'indexes' && phase !== 'commit' && phase !== 'finish'
}

function progressText(phase: SeedPhase, done: number, total: number, seconds: number): string {
  const name = phaseNames[phase].padEnd(10)
  const rate = seconds > 0 ? done / seconds : 0
  const share = Math.min(1, done / total)
  const bar = '#'.repeat(Math.round(share * 24)).padEnd(24, '-')
  const counts = `${group(done)}/${group(total)}`
  if (done >= total) {
    return `${name} [${bar}] ${counts.padStart(23)} in ${seconds.toFixed(1)} s${rate > 0 && countsRows(phase) ? `, ${group(Math.round(rate))}/s` : ''}`
  }
  const percent = `${String(Math.floor(share * 100)).padStart(3)}%`
  if (!countsRows(phase)) return `${name} [${bar}] ${counts.padStart(23)} ${percent}`
  const eta = rate > 0 ? `ETA ${duration((total - done) / rate)}` : 'ETA …'
  return `${name} [${bar}] ${counts.padStart(23)} ${percent}  ${group(Math.round(rate))}/s  ${eta}`
}

function formatSummary(summary: SeedSummary, store: string, bytes: number | undefined): string {
  const { counts } = summary
  const lines = [
    `Seeded ${summary.appended ? 'more of the' : 'a'} city in ${summary.seconds.toFixed(1)} s (seed ${summary.seed}, now ${summary.now}, first document ${summary.firstDocument}):`,
    ...(
      [
        ['people', counts.people],
        ['health codes', counts.healthCodes],
        ['companies', counts.companies],
        ['company members', counts.companyMembers],
        ['venues', counts.venues],
        ['check-ins', counts.checkins],
        ['declarations', counts.declarations],
        ['daily counters', counts.dailyCounters],
      ] as const
    ).map(([name, value]) => `  ${name.padEnd(16)} ${group(value).padStart(14)}`),
    `  ${'rows in all'.padEnd(16)} ${group(summary.rows).padStart(14)}  ${group(Math.round(summary.rowsPerSecond))} rows/s`,
    'Phases:',
    ...summary.phases.map(({ phase, rows, seconds }) => {
      const rate = rows > 0 && seconds > 0 ? `  ${group(Math.round(rows / seconds))} rows/s` : ''
      const indexes =
        phase === 'indexes' && summary.rebuiltIndexes.length > 0
          ? `  ${summary.rebuiltIndexes.length} rebuilt: ${summary.rebuiltIndexes.join(', ')}`
          : ''
      return `  ${phaseNames[phase].padEnd(16)} ${seconds.toFixed(1).padStart(8)} s${rows > 0 ? `  ${group(rows)} rows` : ''}${rate}${indexes}`
    }),
    `Database: ${store}${bytes === undefined ? '' : `, ${sizeText(bytes)}`}`,
  ]
  return lines.join('\n') + '\n'
}

/** The store for the summary: a SQLite path, or a PostgreSQL URL without its password. */
function describeStore(url: string): string {
  const location = parseStoreUrl(url)
  if (location.dialect === 'sqlite') return `${location.path} (SQLite, file and WAL)`
  try {
    const parsed = new URL(location.url)
    if (parsed.password) parsed.password = '***'
    return `${parsed.toString()} (PostgreSQL, pg_database_size)`
  } catch {
    return 'PostgreSQL'
  }
}

function sizeText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(2)} ${units[unit]} (${group(bytes)} bytes)`
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${String(Math.floor(seconds - minutes * 60)).padStart(2, '0')} s`
}

/** 1234567 → `1,234,567`. */
function group(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
