import { type Kysely, sql } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import { fillDistrictCounters } from '../district-counters.js'
import type { Database } from '../schema.js'
import { CHECKIN_DAYS, CityGenerator } from './city-generator.js'
import { seedIssuers, seedRegion } from './city-model.js'
import { cityTables } from './city-tables.js'
import {
  type BulkTable,
  type CellValue,
  type IndexDefinition,
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

const PEOPLE_PER_CHUNK = 10_000
const CHECKINS_PER_CHUNK = 20_000
/** Document numbers are `S` and nine digits. */
const MAX_DOCUMENT_INDEX = 999_999_999
const MAX_CHECKINS = 2_000_000_000
const MAX_COMPANIES = 10_000_000
const DAY = 86_400_000

/**
 * Seeds a city: issuers `cn` and `cn-sh`, `people` people of Shanghai with their health codes,
 * companies with employees, venues, `checkins` check-ins over the 28 days before `now`, a few
 * declarations, and the daily counters the dashboards read, all consistent with each other.
 * Rows are written straight into the tables, in bulk, without services or audit entries.
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
  await load.prepareConnection(db)
  const written = await dialect.transaction(db, async (trx) => {
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
    phaseStarted = performance.now()
    const city = new CityGenerator({ ...options, firstIndex })
    const pipeline = new InsertPipeline()
    const insert = <T extends keyof Database>(
      spec: BulkTable<T>,
      rows: readonly (readonly CellValue[])[],
    ) => (rows.length === 0 ? Promise.resolve() : load.insert(trx, spec, rows))

    report({ phase: 'companies', done: 0, total: city.companyCount })
    const { companies, members: admins } = city.companies()
    await insert(cityTables.companies, companies)
    await insert(cityTables.companyMembers, admins)
    report({ phase: 'companies', done: city.companyCount, total: city.companyCount })
    endPhase('companies', companies.length + admins.length)

    report({ phase: 'venues', done: 0, total: city.venueCount })
    const venues = city.venues()
    await insert(cityTables.venues, venues)
    report({ phase: 'venues', done: city.venueCount, total: city.venueCount })
    endPhase('venues', venues.length)

    const deferred: IndexDefinition[] = []
    const defer = async (table: keyof Database, incoming: number) => {
      if (incoming === 0 || (await countRows(trx, table)) > incoming) return
      for (const index of await load.secondaryIndexes(trx, table)) {
        await sql`drop index ${sql.id(index.name)}`.execute(trx)
        deferred.push(index)
      }
    }
    // Memberships and declarations: about 0.3 and 0.1 per person.
    await defer('people', options.people)
    await defer('health_codes', options.people)
    await defer('company_members', Math.round(options.people * 0.3))
    await defer('declarations', Math.round(options.people * 0.1))

    let employees = 0
    let declarations = 0
    let peopleRows = 0
    report({ phase: 'people', done: 0, total: options.people })
    for (let from = 0; from < options.people; from += PEOPLE_PER_CHUNK) {
      const to = Math.min(options.people, from + PEOPLE_PER_CHUNK)
      const chunk = city.people(from, to)
      employees += chunk.members.length
      declarations += chunk.declarations.length
      peopleRows +=
        chunk.people.length +
        chunk.healthCodes.length +
        chunk.members.length +
        chunk.declarations.length
      await pipeline.add(async () => {
        // Parents first: health codes, memberships and declarations name the people.
        await insert(cityTables.people, chunk.people)
        await insert(cityTables.healthCodes, chunk.healthCodes)
        await insert(cityTables.companyMembers, chunk.members)
        await insert(cityTables.declarations, chunk.declarations)
        report({ phase: 'people', done: to, total: options.people })
      })
    }
    await pipeline.flush()
    endPhase('people', peopleRows)

    await defer('checkins', options.checkins)
    report({ phase: 'checkins', done: 0, total: options.checkins })
    for (let done = 0; done < options.checkins;) {
      const rows = city.checkins(Math.min(CHECKINS_PER_CHUNK, options.checkins - done))
      done += rows.length
      const reached = done
      await pipeline.add(async () => {
        await insert(cityTables.checkins, rows)
        report({ phase: 'checkins', done: reached, total: options.checkins })
      })
    }
    await pipeline.flush()
    endPhase('checkins', options.checkins)

    report({ phase: 'indexes', done: 0, total: deferred.length })
    for (const [i, index] of deferred.entries()) {
      await sql.raw(index.definition).execute(trx)
      report({ phase: 'indexes', done: i + 1, total: deferred.length })
    }
    endPhase('indexes', 0)

    const counters = city.counters()
    report({ phase: 'counters', done: 0, total: counters.length })
    await insert(cityTables.dailyCounters, counters)
    // The per-district counters of people and codes, counted again over the whole store.
    await fillDistrictCounters(trx)
    report({ phase: 'counters', done: counters.length, total: counters.length })
    endPhase('counters', counters.length)
    report({ phase: 'commit', done: 0, total: 1 })
    return {
      firstIndex,
      rebuiltIndexes: deferred.map((index) => index.name),
      counts: {
        people: options.people,
        healthCodes: options.people,
        companies: companies.length,
        companyMembers: admins.length + employees,
        venues: venues.length,
        checkins: options.checkins,
        declarations,
        dailyCounters: counters.length,
      },
    }
  })
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

/**
 * Writes chunks in order, one chunk behind the generator: while the database writes one chunk,
 * the next is being made (PostgreSQL works in another process; SQLite's writes are synchronous,
 * so there it gains nothing, and loses nothing).
 */
class InsertPipeline {
  #pending: Promise<void> = Promise.resolve()

  /**
   * Waits for the write queued before, then starts `write`, without waiting for it: at most one
   * write is in flight while the caller makes the next chunk.
   */
  async add(write: () => Promise<void>): Promise<void> {
    await this.#pending
    const next = write()
    // Awaited by the next add or by flush; this keeps a failure from counting as unhandled
    // while the caller is still making the next chunk.
    next.catch(() => undefined)
    this.#pending = next
  }

  /** Waits for the last write. */
  async flush(): Promise<void> {
    await this.#pending
  }
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
