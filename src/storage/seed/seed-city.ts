import { type Kysely, sql } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import { fillDistrictCounters } from '../district-counters.js'
import type { Database } from '../schema.js'
import { type CityChunk, cityShape } from './city-chunks.js'
import { CHECKIN_DAYS } from './city-generator.js'
import { seedIssuers, seedRegion } from './city-model.js'
import { cityStream } from './city-stream.js'
import { cityTables } from './city-tables.js'
import type { EncodedRows } from './row-encoding.js'
import {
  type BulkTable,
  type IndexDefinition,
  type SeedDialect,
  seedDialect,
} from './seed-dialect.js'
import { SeedError } from './seed-errors.js'

/** The steps of a seed run, in order. */
export const seedPhases = [
  'companies',
  'venues',
  'people',
  'checkins',
  'indexes',
  'counters',
  'commit',
  'finish',
] as const
export type SeedPhase = (typeof seedPhases)[number]

/** How far a phase has come: `done` of `total` units (companies, people, check-ins, …). */
export interface SeedProgress {
  readonly phase: SeedPhase
  readonly done: number
  readonly total: number
}

/** What to seed. */
export interface SeedCityOptions {
  /** People of Shanghai (issuer `cn-sh`) to make, each with a health code. */
  readonly people: number
  /** Companies to make, 1 to 10,000,000; default one for every 200 people. */
  readonly companies?: number | undefined
  /** Check-ins to make over the 28 days before `now`. */
  readonly checkins: number
  /** The seed of every random choice: the same options give the same rows. */
  readonly seed: number
  /** The moment the city is seeded at: codes are assessed then, check-ins end then. */
  readonly now: Date
  /** Add to a store that already holds a seeded city instead of refusing. */
  readonly append: boolean
  /** Told about progress after every chunk, and at the start and end of every phase. */
  readonly onProgress?: (progress: SeedProgress) => void
  /**
   * Whether the rows are made on a worker thread while this one writes them (the default, where
   * the worker's file is there); false makes them here. The rows are the same either way.
   */
  readonly threaded?: boolean
}

/** What a seed run wrote, and how long it took. */
export interface SeedSummary {
  readonly seed: number
  readonly now: string
  /** The document number of the first person of this run (`S000000001` for a new city). */
  readonly firstDocument: string
  readonly appended: boolean
  readonly counts: {
    readonly people: number
    readonly healthCodes: number
    readonly companies: number
    readonly companyMembers: number
    readonly venues: number
    readonly checkins: number
    readonly declarations: number
    readonly dailyCounters: number
  }
  /** Rows written, every table together. */
  readonly rows: number
  readonly seconds: number
  readonly rowsPerSecond: number
  readonly phases: readonly {
    readonly phase: SeedPhase
    readonly rows: number
    readonly seconds: number
  }[]
  /** Indexes dropped for the load and built again after it, by name. */
  readonly rebuiltIndexes: readonly string[]
}

/** Document numbers are `S` and nine digits. */
const MAX_DOCUMENT_INDEX = 999_999_999
const MAX_CHECKINS = 2_000_000_000
const MAX_COMPANIES = 10_000_000
const DAY = 86_400_000

/**
 * Seeds a city: issuers `cn` and `cn-sh`, `people` people of Shanghai with their health codes,
 * companies with employees, venues, `checkins` check-ins over the 28 days before `now`, a few
 * declarations, and the daily counters the dashboards read, all consistent with each other.
 * Rows are written straight into the tables, in bulk, without services or audit entries; each
 * code is the rules engine's assessment of the declarations seeded for the person, as the health
 * status service would compute it. A worker thread makes the rows (city-stream.ts) while this one
 * writes them.
 *
 * Everything happens in one transaction: a run that fails leaves the store as it was. Where the
 * rows to come outnumber those a table holds, its secondary indexes (all but the primary key's
 * and constraints') are dropped for the load and built again before the commit, in the same
 * transaction: sorting once is much faster than inserting ten million random keys one by one.
 *
 * @example
 * ```ts
 * const { db, dialect } = await openDatabase(url)
 * await migrateToLatest(db, dialect)
 * const summary = await seedCity(db, dialect, {
 *   people: 2_000, checkins: 20_000, seed: 1, now: new Date(), append: false,
 * })
 * await db.destroy()
 * await dialect.close?.()
 * ```
 * @throws {SeedError} `ERR_SEED_OPTIONS` for counts, a seed or a time out of range;
 *   `ERR_SEED_ALREADY_SEEDED` when the store holds people of `cn-sh` and `append` is false.
 */
export async function seedCity(
  db: Kysely<Database>,
  dialect: StorageDialect,
  options: SeedCityOptions,
): Promise<SeedSummary> {
  checkOptions(options)
  const load = seedDialect(dialect)
  const report = options.onProgress ?? (() => undefined)
  const started = performance.now()
  const phases: { phase: SeedPhase; rows: number; seconds: number }[] = []
  let phaseStarted = started
  const endPhase = (phase: SeedPhase, rows: number) => {
    const now = performance.now()
    phases.push({ phase, rows, seconds: (now - phaseStarted) / 1000 })
    phaseStarted = now
  }

  // Where check-ins are partitioned by day (PostgreSQL), the 28 days they span get their
  // partitions first, as the hourly job would have made them: none lands in the default one.
  await dialect.preparePartitions?.(
    db,
    options.now,
    new Date(options.now.getTime() - CHECKIN_DAYS * DAY),
  )
  const endLoad = await load.prepareConnection(db)
  let written: Written
  try {
    written = await dialect.transaction(db, async (trx) => {
      await load.beginLoad(trx)
      const firstIndex = await firstPersonIndex(trx, options.append)
      if (firstIndex + options.people > MAX_DOCUMENT_INDEX) {
        throw new SeedError(
          'ERR_SEED_OPTIONS',
          `expected at most ${MAX_DOCUMENT_INDEX} seeded people in all, but the store holds ${firstIndex} and ${options.people} more were asked for`,
        )
      }
      await trx
        .insertInto('issuers')
        .values(seedIssuers.map((issuer) => ({ ...issuer })))
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute()
      const deferred = await deferIndexes(trx, load, options)
      phaseStarted = performance.now()
      const loaded = await loadCity(trx, load, options, firstIndex, report, endPhase)

      report({ phase: 'indexes', done: 0, total: deferred.length })
      await load.rebuildIndexes(trx, deferred, (done) =>
        report({ phase: 'indexes', done, total: deferred.length }),
      )
      endPhase('indexes', 0)

      report({ phase: 'counters', done: 0, total: loaded.counters.rows })
      await write(trx, load, cityTables.dailyCounters, loaded.counters)
      // The per-district counters of people and codes, counted again over the whole store.
      await fillDistrictCounters(trx)
      report({ phase: 'counters', done: loaded.counters.rows, total: loaded.counters.rows })
      endPhase('counters', loaded.counters.rows)
      report({ phase: 'commit', done: 0, total: 1 })
      return {
        firstIndex,
        rebuiltIndexes: deferred.map((index) => index.name),
        counts: { ...loaded.counts, dailyCounters: loaded.counters.rows },
      }
    })
  } finally {
    await endLoad()
  }
  report({ phase: 'commit', done: 1, total: 1 })
  endPhase('commit', 0)

  report({ phase: 'finish', done: 0, total: 1 })
  await load.finish(
    db,
    Object.values(cityTables).map((spec) => spec.table),
  )
  report({ phase: 'finish', done: 1, total: 1 })
  endPhase('finish', 0)

  const seconds = (performance.now() - started) / 1000
  const rows = Object.values(written.counts).reduce((sum, count) => sum + count, 0)
  return {
    seed: options.seed,
    now: options.now.toISOString(),
    firstDocument: documentNumber(written.firstIndex),
    appended: written.firstIndex > 0,
    counts: written.counts,
    rows,
    seconds,
    rowsPerSecond: seconds > 0 ? rows / seconds : rows,
    phases,
    rebuiltIndexes: written.rebuiltIndexes,
  }
}

/** The document number of the person at `index` (0-based) among the seeded ones. */
export function documentNumber(index: number): string {
  return `S${String(index + 1).padStart(9, '0')}`
}

function checkOptions(options: SeedCityOptions): void {
  const problems: string[] = []
  if (!Number.isSafeInteger(options.people) || options.people < 1) {
    problems.push(`people: expected a whole number ≥ 1, but found ${options.people}`)
  } else if (options.people > MAX_DOCUMENT_INDEX) {
    problems.push(`people: expected at most ${MAX_DOCUMENT_INDEX}, but found ${options.people}`)
  }
  if (
    options.companies !== undefined &&
    (!Number.isSafeInteger(options.companies) ||
      options.companies < 1 ||
      options.companies > MAX_COMPANIES)
  ) {
    problems.push(
      `companies: expected a whole number from 1 to ${MAX_COMPANIES}, but found ${options.companies}`,
    )
  }
  if (
    !Number.isSafeInteger(options.checkins) ||
    options.checkins < 0 ||
    options.checkins > MAX_CHECKINS
  ) {
    problems.push(
      `checkins: expected a whole number from 0 to ${MAX_CHECKINS}, but found ${options.checkins}`,
    )
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    problems.push(`seed: expected a whole number from 0 to 4294967295, but found ${options.seed}`)
  }
  const time = options.now.getTime()
  if (Number.isNaN(time) || time < Date.UTC(2000, 0, 1) || time > Date.UTC(9999, 0, 1)) {
    problems.push(`now: expected a time from 2000 to 9999, but found ${String(options.now)}`)
  }
  if (problems.length > 0) throw new SeedError('ERR_SEED_OPTIONS', problems.join('; '))
}

/**
 * Where this run's people start: 0 in a store without people of `cn-sh`; after the last seeded
 * document when appending.
 *
 * @throws {SeedError} `ERR_SEED_ALREADY_SEEDED` when there are such people and `append` is false.
 */
async function firstPersonIndex(trx: Kysely<Database>, append: boolean): Promise<number> {
  const found = await trx
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('issuer_id', '=', seedRegion)
    .executeTakeFirst()
  const existing = Number(found?.count ?? 0)
  if (existing === 0) return 0
  if (!append) {
    throw new SeedError(
      'ERR_SEED_ALREADY_SEEDED',
      `expected a store without people of issuer ${seedRegion}, but it holds ${existing} (a seeded city?); seed with append to add more people to it, or seed an empty database`,
    )
  }
  const last = await trx
    .selectFrom('people')
    .select((eb) => eb.fn.max('document_number').as('last'))
    .where('issuer_id', '=', seedRegion)
    // `S` and nine digits: zero-padded, so the greatest text is the greatest number.
    .where('document_number', 'like', 'S_________')
    .executeTakeFirst()
  const lastIndex = last?.last ? Number(last.last.slice(1)) : 0
  if (!Number.isSafeInteger(lastIndex)) {
    throw new SeedError(
      'ERR_SEED_ALREADY_SEEDED',
      `expected the last seeded document of ${seedRegion} to be S and nine digits, but found ${last?.last}`,
    )
  }
  return lastIndex
}

async function countRows(trx: Kysely<Database>, table: keyof Database): Promise<number> {
  const { rows } = await sql<{
    count: number | string
  }>`select count(*) as count from ${sql.table(table)}`.execute(trx)
  return Number(rows[0]?.count ?? 0)
}

interface Written {
  readonly firstIndex: number
  readonly rebuiltIndexes: string[]
  readonly counts: SeedSummary['counts']
}

/**
 * Drops the secondary indexes of the tables that are to receive more rows than they hold, to be
 * built again after the load (a sort, instead of millions of random inserts into a B-tree).
 */
async function deferIndexes(
  trx: Kysely<Database>,
  load: SeedDialect,
  options: SeedCityOptions,
): Promise<IndexDefinition[]> {
  const deferred: IndexDefinition[] = []
  // Memberships and declarations: about 0.3 and 0.1 per person.
  for (const [table, incoming] of [
    ['people', options.people],
    ['health_codes', options.people],
    ['company_members', Math.round(options.people * 0.3)],
    ['declarations', Math.round(options.people * 0.1)],
    ['checkins', options.checkins],
  ] as const) {
    if (incoming === 0 || (await countRows(trx, table)) > incoming) continue
    for (const index of await load.secondaryIndexes(trx, table)) {
      await sql`drop index ${sql.id(index.name)}`.execute(trx)
      deferred.push(index)
    }
  }
  return deferred
}

/**
 * Writes the city's chunks as the generator makes them: companies, venues, people with their
 * codes, memberships and declarations, then check-ins. Returns what it wrote and the counters,
 * which the caller writes once the indexes are back.
 */
async function loadCity(
  trx: Kysely<Database>,
  load: SeedDialect,
  options: SeedCityOptions,
  firstIndex: number,
  report: (progress: SeedProgress) => void,
  endPhase: (phase: SeedPhase, rows: number) => void,
): Promise<{ counts: Omit<SeedSummary['counts'], 'dailyCounters'>; counters: EncodedRows }> {
  const shape = cityShape(options)
  const { now, people, companies, checkins, seed } = options
  const stream = cityStream(
    {
      plan: { people, companies, checkins, seed, firstIndex, nowMs: now.getTime() },
      encoding: load.encoding,
    },
    { threaded: options.threaded },
  )
  const counts = {
    people,
    healthCodes: people,
    companies: 0,
    companyMembers: 0,
    venues: 0,
    checkins,
    declarations: 0,
  }
  let phase: SeedPhase | undefined
  let phaseRows = 0
  const enter = (next: SeedPhase, total: number) => {
    if (phase === next) return
    if (phase !== undefined) endPhase(phase, phaseRows)
    phase = next
    phaseRows = 0
    report({ phase: next, done: 0, total })
  }
  const put = async <T extends keyof Database>(spec: BulkTable<T>, rows: EncodedRows) => {
    await write(trx, load, spec, rows)
    phaseRows += rows.rows
  }
  let counters: EncodedRows | undefined
  let chunk: CityChunk
  enter('companies', shape.companyCount)
  for await (chunk of stream) {
    switch (chunk.kind) {
      case 'companies':
        await put(cityTables.companies, chunk.companies)
        await put(cityTables.companyMembers, chunk.members)
        counts.companies = chunk.companies.rows
        counts.companyMembers += chunk.members.rows
        report({ phase: 'companies', done: shape.companyCount, total: shape.companyCount })
        break
      case 'venues':
        enter('venues', shape.venueCount)
        await put(cityTables.venues, chunk.venues)
        counts.venues = chunk.venues.rows
        report({ phase: 'venues', done: shape.venueCount, total: shape.venueCount })
        break
      case 'people':
        enter('people', people)
        // Parents first: health codes, memberships and declarations name the people.
        await put(cityTables.people, chunk.people)
        await put(cityTables.healthCodes, chunk.healthCodes)
        await put(cityTables.companyMembers, chunk.members)
        await put(cityTables.declarations, chunk.declarations)
        counts.companyMembers += chunk.members.rows
        counts.declarations += chunk.declarations.rows
        report({ phase: 'people', done: chunk.done, total: people })
        break
      case 'checkins':
        enter('checkins', checkins)
        await put(cityTables.checkins, chunk.checkins)
        report({ phase: 'checkins', done: chunk.done, total: checkins })
        break
      case 'counters':
        counters = chunk.counters
        break
    }
  }
  // Phases with nothing to write (no check-ins asked for) still begin and end.
  if (checkins === 0) enter('checkins', 0)
  if (phase !== undefined) endPhase(phase, phaseRows)
  if (!counters) throw new Error('expected the daily counters after the check-ins')
  return { counts, counters }
}

async function write<T extends keyof Database>(
  trx: Kysely<Database>,
  load: SeedDialect,
  spec: BulkTable<T>,
  rows: EncodedRows,
): Promise<void> {
  for (const batch of rows.batches) await load.insert(trx, spec, batch)
}

/**
 * The size of the store in bytes: a SQLite file with its WAL, or `pg_database_size` of the
 * PostgreSQL database; undefined when it cannot tell (an in-memory SQLite store).
 */
export function storeSize(
  db: Kysely<Database>,
  dialect: StorageDialect,
  url: string,
): Promise<number | undefined> {
  return seedDialect(dialect).size(db, url)
}
