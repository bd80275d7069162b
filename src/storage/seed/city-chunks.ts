import { type CityPlan, CityGenerator } from './city-generator.js'
import { cityTables } from './city-tables.js'
import { type CellValue, type EncodedRows, type RowEncoding, encodeRows } from './row-encoding.js'

/** People per chunk, and check-ins per chunk (one statement's worth). */
const PEOPLE_PER_CHUNK = 10_000
const CHECKINS_PER_CHUNK = 20_000

/**
 * A piece of the city, ready to write: the generator makes them in this order, and the writer
 * writes them in it (parents before the rows that name them).
 */
export type CityChunk =
  | {
      readonly kind: 'companies'
      readonly companies: EncodedRows
      readonly members: EncodedRows
    }
  | { readonly kind: 'venues'; readonly venues: EncodedRows }
  | {
      readonly kind: 'people'
      /** People made so far, this chunk's included. */
      readonly done: number
      readonly people: EncodedRows
      readonly healthCodes: EncodedRows
      readonly members: EncodedRows
      readonly declarations: EncodedRows
    }
  | {
      readonly kind: 'checkins'
      /** Check-ins made so far, this chunk's included. */
      readonly done: number
      readonly checkins: EncodedRows
    }
  | { readonly kind: 'counters'; readonly counters: EncodedRows }

/** What the writer needs to know before the first chunk: how many of each to expect. */
export interface CityShape {
  readonly companyCount: number
  readonly venueCount: number
}

/** The plan, as a worker thread receives it (a time as ms). */
export interface CityJob {
  readonly plan: Omit<CityPlan, 'now'> & { readonly nowMs: number }
  readonly encoding: RowEncoding
}

/** How many companies and venues a plan makes. */
export function cityShape(plan: Pick<CityPlan, 'people' | 'companies'>): CityShape {
  return {
    companyCount: plan.companies ?? Math.max(1, Math.round(plan.people / 200)),
    venueCount: Math.max(1, Math.round(plan.people / 100)),
  }
}

/**
 * Makes the city chunk by chunk, each encoded for the database it goes to: companies, venues,
 * people in chunks of 10,000, check-ins in chunks of 20,000, then the daily counters.
 */
export function* cityChunks(job: CityJob): Generator<CityChunk> {
  const { nowMs, ...rest } = job.plan
  const plan: CityPlan = { ...rest, now: new Date(nowMs) }
  const city = new CityGenerator(plan)
  const encode = (columns: number, rows: readonly (readonly CellValue[])[]) =>
    encodeRows(job.encoding, columns, rows)
  const { companies, members } = city.companies()
  yield {
    kind: 'companies',
    companies: encode(cityTables.companies.columns.length, companies),
    members: encode(cityTables.companyMembers.columns.length, members),
  }
  yield { kind: 'venues', venues: encode(cityTables.venues.columns.length, city.venues()) }
  for (let from = 0; from < plan.people; from += PEOPLE_PER_CHUNK) {
    const to = Math.min(plan.people, from + PEOPLE_PER_CHUNK)
    const chunk = city.people(from, to)
    yield {
      kind: 'people',
      done: to,
      people: encode(cityTables.people.columns.length, chunk.people),
      healthCodes: encode(cityTables.healthCodes.columns.length, chunk.healthCodes),
      members: encode(cityTables.companyMembers.columns.length, chunk.members),
      declarations: encode(cityTables.declarations.columns.length, chunk.declarations),
    }
  }
  for (let done = 0; done < plan.checkins;) {
    const count = Math.min(CHECKINS_PER_CHUNK, plan.checkins - done)
    done += count
    // The most numerous rows: for SQLite, their JSON is written directly (one statement's worth).
    const checkins =
      job.encoding === 'sqlite'
        ? { rows: count, batches: [city.checkinsJson(count)] }
        : encode(cityTables.checkins.columns.length, city.checkins(count))
    yield { kind: 'checkins', done, checkins }
  }
  yield {
    kind: 'counters',
    counters: encode(cityTables.dailyCounters.columns.length, city.counters()),
  }
}
