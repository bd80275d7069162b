import { assessHealthCode, defaultRuleSet } from '../../domain/health-code/index.js'
import type {
  Declaration,
  HealthAssessment,
  HealthInputs,
  RiskRule,
  Symptoms,
} from '../../domain/health-code/index.js'
import type { VenueCategory } from '../../domain/venues/venue.js'
import {
  checkinHourWeights,
  chineseFamilyNames,
  chineseGivenNames,
  companyPlaces,
  companyTrades,
  districts,
  foreignNationalities,
  redRuleIds,
  seedRegion,
  shanghaiUtcOffsetHours,
  streets,
  venueNouns,
  weightedVenueCategories,
  yellowRuleIds,
} from './city-model.js'
import { IsoFormatter, iso } from './iso-time.js'
import type { CellValue } from './row-encoding.js'
import { SeededRandom, streamSeed } from './seeded-random.js'
import { WeightedPicker } from './weighted-picker.js'

const HOUR = 3_600_000
const DAY = 86_400_000
/** Check-ins cover the days before `now` that the server keeps (CHECKIN_RETENTION_DAYS). */
export const CHECKIN_DAYS = 28

/** What to build: how many people and check-ins, from which seed, as of when. */
export interface CityPlan {
  readonly people: number
  /** Companies to make; default one for every 200 people. */
  readonly companies?: number | undefined
  readonly checkins: number
  readonly seed: number
  readonly now: Date
  /**
   * The index of the first person: 0 for a new city; for an appended batch, the number in the last
   * seeded document. Documents continue from it, and every random stream is seeded with it.
   */
  readonly firstIndex: number
}

/** A chunk of people with everything that hangs off them. */
export interface PeopleChunk {
  readonly people: CellValue[][]
  readonly healthCodes: CellValue[][]
  readonly members: CellValue[][]
  readonly declarations: CellValue[][]
}

const colourNames = ['green', 'yellow', 'red'] as const
const GREEN = 0

const cleanSymptoms: Symptoms = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}

/** The records of someone the seeder wrote nothing about but declarations. */
const noRecords: HealthInputs = {
  declarations: [],
  riskAreas: [],
  tests: [],
  recoveries: [],
  exposures: [],
  confirmedCaseAt: undefined,
}

/**
 * Builds the rows of a seeded city, deterministically: the same plan gives the same rows, byte for
 * byte. Companies and venues are made whole (they are few); people and check-ins chunk by chunk,
 * so that memory holds a few arrays per person and never the check-ins.
 *
 * Companies, venues, people (with their codes, memberships and declarations) and check-ins each
 * draw from a random stream of their own, so changing how one is built leaves the others as they
 * were.
 */
export class CityGenerator {
  readonly companyCount: number
  readonly venueCount: number
  /** The account that seeded declarations name as `declared_by` (synthetic: no such account). */
  readonly seedAccountId: string

  readonly #plan: CityPlan
  readonly #nowMs: number
  readonly #todayStartMs: number
  readonly #today: string
  readonly #nowIso: string
  readonly #districtPicker = new WeightedPicker(districts.map((d) => d.weight))
  readonly #rules = new Map<string, RiskRule>(defaultRuleSet.rules.map((rule) => [rule.id, rule]))
  #noRecords: HealthAssessment | undefined

  readonly #companyIds: string[] = []
  readonly #companyCreatedMs: number[] = []
  readonly #companyAdmins: string[] = []
  #companyPicker: WeightedPicker | undefined

  readonly #venueIds: string[] = []
  readonly #venueDistrict: Uint8Array
  readonly #venueCompany: Int32Array
  #venuePicker: WeightedPicker | undefined

  readonly #personIds: string[] = []
  readonly #subjects: string[] = []
  readonly #colours: Uint8Array
  /** When each person's colour stopped being green (ms); Infinity while green. */
  readonly #colourSince: Float64Array
  readonly #activity: Float64Array
  #personPicker: WeightedPicker | undefined

  /** Counters of people and declarations: `day \0 district \0 metric` → value. */
  readonly #counters = new Map<string, number>()
  readonly #firstDayMs: number
  readonly #days: number
  /** Check-ins and scans per (day, venue district) and (day, company). */
  readonly #checkinsByDistrict: Int32Array
  readonly #scansByDistrict: Int32Array
  readonly #checkinsByCompany: Int32Array
  readonly #scansByCompany: Int32Array

  readonly #peopleRandom: SeededRandom
  readonly #checkinRandom: SeededRandom
  #schedule: CheckinSchedule | undefined
  readonly #atFormatter = new IsoFormatter()
  readonly #recordedFormatter = new IsoFormatter()

  constructor(plan: CityPlan) {
    this.#plan = plan
    this.companyCount = plan.companies ?? Math.max(1, Math.round(plan.people / 200))
    this.venueCount = Math.max(1, Math.round(plan.people / 100))
    this.#nowMs = plan.now.getTime()
    this.#nowIso = plan.now.toISOString()
    this.#todayStartMs = Math.floor(this.#nowMs / DAY) * DAY
    this.#today = this.#nowIso.slice(0, 10)
    this.seedAccountId = new SeededRandom(this.#stream('accounts')).uuidAt(this.#nowMs)
    this.#venueDistrict = new Uint8Array(this.venueCount)
    this.#venueCompany = new Int32Array(this.venueCount)
    this.#colours = new Uint8Array(plan.people)
    this.#colourSince = new Float64Array(plan.people)
    this.#activity = new Float64Array(plan.people)
    this.#peopleRandom = new SeededRandom(this.#stream('people'))
    this.#checkinRandom = new SeededRandom(this.#stream('checkins'))
    this.#firstDayMs = Math.floor((this.#nowMs - CHECKIN_DAYS * DAY) / DAY) * DAY
    this.#days = Math.round((this.#todayStartMs - this.#firstDayMs) / DAY) + 1
    this.#checkinsByDistrict = new Int32Array(this.#days * districts.length)
    this.#scansByDistrict = new Int32Array(this.#days * districts.length)
    this.#checkinsByCompany = new Int32Array(this.#days * this.companyCount)
    this.#scansByCompany = new Int32Array(this.#days * this.companyCount)
  }

  /** The companies, and one admin member each (a synthetic account, as a company admin's). */
  companies(): { companies: CellValue[][]; members: CellValue[][] } {
    const random = new SeededRandom(this.#stream('companies'))
    const companies: CellValue[][] = []
    const members: CellValue[][] = []
    const sizes: number[] = []
    for (let c = 0; c < this.companyCount; c++) {
      const createdMs = this.#nowMs - 29 * DAY - random.int(365 * DAY)
      const created = iso(createdMs)
      const id = random.uuidAt(createdMs)
      const admin = random.uuidAt(createdMs)
      const name = `${random.pick(companyPlaces)} ${random.pick(companyTrades)} Co., Ltd.`
      companies.push([id, name, admin, created])
      members.push([
        random.uuidAt(createdMs),
        id,
        'admin',
        admin,
        null,
        'active',
        null,
        0,
        created,
        created,
      ])
      this.#companyIds.push(id)
      this.#companyCreatedMs.push(createdMs)
      this.#companyAdmins.push(admin)
      // A few large employers, many small ones.
      sizes.push(1 / (c + 5))
    }
    this.#companyPicker = new WeightedPicker(sizes)
    return { companies, members }
  }

  /** The venues: about half a company's (run by its admin), each in a district. */
  venues(): CellValue[][] {
    if (this.#companyIds.length === 0) throw new Error('expected companies() before venues()')
    const random = new SeededRandom(this.#stream('venues'))
    const categoryPicker = new WeightedPicker(weightedVenueCategories.map((c) => c.weight))
    const rows: CellValue[][] = []
    const popularity: number[] = []
    for (let v = 0; v < this.venueCount; v++) {
      const createdMs = this.#nowMs - 29 * DAY - random.int(365 * DAY)
      const category = element(weightedVenueCategories, categoryPicker.pick(random.next())).category
      const district = this.#districtPicker.pick(random.next())
      const owned = category === 'office' || category === 'factory' || random.chance(0.37)
      const company = owned ? random.int(this.#companyIds.length) : -1
      const street = random.pick(streets)
      const id = random.uuidAt(createdMs)
      rows.push([
        id,
        `${street} Road ${random.pick(venueNouns[category])}`,
        category,
        `${1 + random.int(1800)} ${street} Road, ${districtName(district)}, Shanghai`,
        districtCode(district),
        company < 0 ? null : (this.#companyIds[company] as string),
        company < 0 ? random.uuidAt(createdMs) : (this.#companyAdmins[company] as string),
        random.token16(),
        iso(createdMs),
      ])
      this.#venueIds.push(id)
      this.#venueDistrict[v] = district
      this.#venueCompany[v] = company
      // Zipf-like: a few busy venues (stations most of all), a long tail of quiet ones.
      popularity.push(busyness(category) / (v + 10))
    }
    this.#venuePicker = new WeightedPicker(popularity)
    return rows
  }

  /**
   * People `from` to `to` (indexes within this plan, in order), with their health codes, their
   * memberships of companies and their declarations.
   */
  people(from: number, to: number): PeopleChunk {
    if (!this.#companyPicker) throw new Error('expected companies() before people()')
    const random = this.#peopleRandom
    const chunk: PeopleChunk = { people: [], healthCodes: [], members: [], declarations: [] }
    // Registered over the two years before the check-ins, in index order, so ids ascend.
    const registeredFrom = this.#nowMs - 730 * DAY
    const registeredSpan = 700 * DAY
    for (let i = from; i < to; i++) {
      const index = this.#plan.firstIndex + i
      const createdMs =
        registeredFrom + Math.floor(((i + random.next()) * registeredSpan) / this.#plan.people)
      const created = iso(createdMs)
      const id = random.uuidAt(createdMs)
      const district = this.#districtPicker.pick(random.next())
      const resident = random.chance(0.95)
      const document = `S${String(index + 1).padStart(9, '0')}`
      let family: readonly [string, string]
      let given: readonly [string, string]
      let country = 'CN'
      let language: 'en' | 'ru' | 'zh'
      if (resident) {
        family = random.pick(chineseFamilyNames)
        given = random.pick(chineseGivenNames)
        language = random.chance(0.95) ? 'zh' : 'en'
      } else {
        const nationality = random.pick(foreignNationalities)
        family = random.pick(nationality.family)
        given = random.pick(nationality.given)
        country = nationality.country
        language = nationality.language
      }
      const birthMs = BIRTH_FROM_MS + random.int((BIRTH_UNTIL_MS - BIRTH_FROM_MS) / DAY + 1) * DAY
      const phone = random.chance(0.85)
        ? `+86 1${3 + random.int(7)}${String(random.int(100_000_000)).padStart(8, '0')}`
        : null
      const email = random.chance(0.1)
        ? `${given[1]}.${family[1]}.${index + 1}@example.com`.toLowerCase().replace(/ /g, '-')
        : null
      chunk.people.push([
        id,
        seedRegion,
        family[0],
        given[0],
        family[1],
        given[1],
        iso(birthMs).slice(0, 10),
        resident ? 'resident' : 'foreigner',
        resident ? 'national-id' : 'passport',
        document,
        country,
        phone,
        email,
        language,
        districtCode(district),
        null,
        created,
        created,
      ])
      this.#personIds.push(id)
      this.#healthCode(random, i, id, district, chunk)
      if (random.chance(0.3)) {
        const company = this.#companyPicker.pick(random.next())
        const invitedMs = (this.#companyCreatedMs[company] as number) + random.int(20 * DAY)
        const acceptedMs = invitedMs + random.int(2 * DAY)
        chunk.members.push([
          random.uuidAt(invitedMs),
          this.#companyIds[company] as string,
          'employee',
          null,
          id,
          'active',
          null,
          random.chance(0.8) ? 1 : 0,
          iso(invitedMs),
          iso(acceptedMs),
        ])
      }
      // How often they go out: exponential, so most check in now and then and a few every day.
      this.#activity[i] = -Math.log(1 - random.next())
    }
    return chunk
  }

  /** The next `count` check-ins, in time order; call after every person has been made. */
  checkins(count: number): CellValue[][] {
    const rows: CellValue[][] = []
    this.#checkins(count, rows, undefined)
    return rows
  }

  /**
   * The same check-ins as {@link checkins} would make, as the JSON text of their rows (what
   * SQLite's bulk insert binds), written without an array per row: ten million of those, then
   * `JSON.stringify` over them, cost the generator's thread more than the writer's inserts.
   */
  checkinsJson(count: number): string {
    const rows: string[] = []
    this.#checkins(count, undefined, rows)
    return `[${rows.join(',')}]`
  }

  #checkins(count: number, rows: CellValue[][] | undefined, json: string[] | undefined): void {
    if (!this.#venuePicker) throw new Error('expected venues() before checkins()')
    if (this.#personIds.length !== this.#plan.people) {
      throw new Error('expected every person made before checkins()')
    }
    this.#personPicker ??= new WeightedPicker(this.#activity)
    this.#schedule ??= new CheckinSchedule(this.#nowMs, this.#plan.checkins)
    const random = this.#checkinRandom
    const people = this.#personPicker
    const venues = this.#venuePicker
    const schedule = this.#schedule
    const districtCount = districts.length
    for (let k = 0; k < count; k++) {
      const ms = schedule.next(random)
      const venue = venues.pick(random.next())
      const person = people.pick(random.next())
      const scan = random.chance(0.85)
      // The colour they had then: green until their current colour began.
      const colour =
        ms >= (this.#colourSince[person] as number) ? (this.#colours[person] as number) : GREEN
      const at = this.#atFormatter.format(ms)
      const recordedMs = Math.min(ms + random.int(2_000), this.#nowMs)
      const id = random.uuidAt(ms)
      const venueId = this.#venueIds[venue] as string
      const personId = this.#personIds[person] as string
      const subject = scan ? (this.#subjects[person] as string) : null
      const recorded = recordedMs === ms ? at : this.#recordedFormatter.format(recordedMs)
      if (json) {
        // Every value is a UUID, base64url, an ISO time or a fixed word: nothing to escape.
        json.push(
          `["${id}","${venueId}","${personId}",${subject === null ? 'null' : `"${subject}"`},"${scan ? 'scan' : 'poster'}","${at}","${colourNames[colour] as string}",1,"${recorded}"]`,
        )
      } else {
        rows?.push([
          id,
          venueId,
          personId,
          subject,
          scan ? 'scan' : 'poster',
          at,
          colourNames[colour] as string,
          1,
          recorded,
        ])
      }
      const day = Math.floor((ms - this.#firstDayMs) / DAY)
      const districtSlot = day * districtCount + (this.#venueDistrict[venue] as number)
      increment(this.#checkinsByDistrict, districtSlot)
      if (scan) increment(this.#scansByDistrict, districtSlot)
      const company = this.#venueCompany[venue] as number
      if (company >= 0) {
        const companySlot = day * this.companyCount + company
        increment(this.#checkinsByCompany, companySlot)
        if (scan) increment(this.#scansByCompany, companySlot)
      }
    }
  }

  /**
   * The daily counters of everything made so far: codes by colour on the seed day, declarations,
   * and check-ins and scans by venue district and by company, as the services count them.
   */
  counters(): CellValue[][] {
    const rows: CellValue[][] = []
    for (const [key, value] of this.#counters) {
      const [day, district, metric] = key.split('\u0000')
      rows.push([day as string, district as string, metric as string, value])
    }
    for (let day = 0; day < this.#days; day++) {
      const dayText = iso(this.#firstDayMs + day * DAY).slice(0, 10)
      for (let d = 0; d < districts.length; d++) {
        const slot = day * districts.length + d
        const checkins = this.#checkinsByDistrict[slot] as number
        const scans = this.#scansByDistrict[slot] as number
        if (checkins > 0) rows.push([dayText, districtCode(d), 'checkins', checkins])
        if (scans > 0) rows.push([dayText, districtCode(d), 'scans', scans])
      }
      for (let c = 0; c < this.companyCount; c++) {
        const slot = day * this.companyCount + c
        const checkins = this.#checkinsByCompany[slot] as number
        const scans = this.#scansByCompany[slot] as number
        const scope = `company:${this.#companyIds[c] as string}`
        if (checkins > 0) rows.push([dayText, scope, 'company.checkins', checkins])
        if (scans > 0) rows.push([dayText, scope, 'company.scans', scans])
      }
    }
    return rows
  }

  /**
   * A person's records and the code the rules engine computes from them: about 97% green (5% of
   * them declared clean today), 2% yellow (a fever or symptoms declared in the last week), 1% red
   * (contact with a case declared in the last two weeks), each non-green one declared clean
   * every day since where its rule asks for daily declarations. Only records the seeder stores
   * are the engine's inputs, so the service, reassessing the person, finds the same code.
   */
  #healthCode(
    random: SeededRandom,
    i: number,
    personId: string,
    district: number,
    chunk: PeopleChunk,
  ): void {
    const subject = random.token16()
    this.#subjects.push(subject)
    const draw = random.next()
    const story = draw < 0.97 ? undefined : random.pick(draw < 0.99 ? yellowRuleIds : redRuleIds)
    const declarations: Declaration[] = []
    if (story !== undefined) {
      const rule = this.#rules.get(story)
      const trigger = declarationTriggers[story]
      if (!rule || !trigger) throw new Error(`expected rule ${story} in the default rule set`)
      // It began on one of the last periodDays - 1 days (so it still fires today), before now.
      const earliestMs = this.#todayStartMs - (rule.periodDays - 1) * DAY
      const sinceMs = earliestMs + random.int(this.#nowMs - earliestMs)
      declarations.push(
        this.#declare(
          random,
          personId,
          district,
          sinceMs,
          trigger.symptoms(random),
          trigger.contact,
          chunk,
        ),
      )
      if (rule.dailyDeclarations) {
        // Declared clean every day since (else the green day would move), today perhaps not yet.
        for (
          let dayMs = Math.floor(sinceMs / DAY) * DAY + DAY;
          dayMs < this.#todayStartMs;
          dayMs += DAY
        ) {
          declarations.push(
            this.#declare(
              random,
              personId,
              district,
              dayMs + random.int(DAY),
              { ...cleanSymptoms, ...temperature(random, false) },
              false,
              chunk,
            ),
          )
        }
      }
    }
    if (random.chance(0.05)) {
      const declaredMs = this.#todayStartMs + random.int(this.#nowMs - this.#todayStartMs + 1)
      declarations.push(
        this.#declare(
          random,
          personId,
          district,
          declaredMs,
          { ...cleanSymptoms, ...temperature(random, false) },
          false,
          chunk,
        ),
      )
    }
    const assessment = this.#assess(declarations)
    const colour = colourNames.indexOf(assessment.colour)
    this.#colours[i] = colour
    // Green until the earliest reason began.
    this.#colourSince[i] = assessment.reasons.reduce(
      (earliest, reason) => Math.min(earliest, Date.parse(reason.since)),
      Infinity,
    )
    this.#count(this.#today, district, `codes.${assessment.colour}`)
    chunk.healthCodes.push([
      personId,
      assessment.colour,
      // As HealthRepository.saveHealthCode stores an assessment.
      assessment.reasons.length === 0 ? '[]' : JSON.stringify(assessment.reasons),
      assessment.greenOn ?? null,
      assessment.reassessAt ?? null,
      assessment.rulesetVersion,
      assessment.evaluatedAt,
      districtCode(district),
      subject,
    ])
  }

  /**
   * The rules engine's assessment of someone with these declarations and no other records, as of
   * `now`. Everyone without records has the same inputs, so the same assessment: computed once.
   */
  #assess(declarations: readonly Declaration[]): HealthAssessment {
    if (declarations.length === 0) {
      this.#noRecords ??= assessHealthCode(
        { ...noRecords, declarations: [] },
        defaultRuleSet,
        this.#plan.now,
      )
      return this.#noRecords
    }
    return assessHealthCode({ ...noRecords, declarations }, defaultRuleSet, this.#plan.now)
  }

  #declare(
    random: SeededRandom,
    personId: string,
    district: number,
    declaredMs: number,
    symptoms: Symptoms,
    confirmedCaseContact: boolean,
    chunk: PeopleChunk,
  ): Declaration {
    const declaredAt = iso(declaredMs)
    chunk.declarations.push([
      random.uuidAt(declaredMs),
      personId,
      declaredAt,
      JSON.stringify(symptoms),
      '[]',
      confirmedCaseContact ? 1 : 0,
      this.seedAccountId,
    ])
    this.#count(declaredAt.slice(0, 10), district, 'declarations')
    return { declaredAt, symptoms, visits: [], confirmedCaseContact }
  }

  #count(day: string, district: number, metric: string): void {
    const key = `${day}\u0000${districtCode(district)}\u0000${metric}`
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1)
  }

  #stream(label: string): number {
    return streamSeed(this.#plan.seed, label, this.#plan.firstIndex)
  }
}

/** The declarations that set off a rule of their own: what was declared. */
const declarationTriggers: Readonly<
  Record<string, { symptoms: (random: SeededRandom) => Symptoms; contact: boolean }>
> = {
  fever: {
    symptoms: (random) => ({ ...cleanSymptoms, fever: true, ...temperature(random, true) }),
    contact: false,
  },
  symptoms: {
    symptoms: (random) => ({
      ...cleanSymptoms,
      [random.pick(['cough', 'soreThroat', 'fatigue'] as const)]: true,
    }),
    contact: false,
  },
  'declared-case-contact': { symptoms: () => cleanSymptoms, contact: true },
}

/** A measured temperature half of the time: 36.0–36.9 °C, or 37.5–39.4 °C with a fever. */
function temperature(random: SeededRandom, fever: boolean): { temperatureC?: number } {
  if (!fever && random.chance(0.5)) return {}
  return { temperatureC: (fever ? 375 : 360) + random.int(fever ? 20 : 10) / 10 }
}

const BIRTH_FROM_MS = Date.UTC(1940, 0, 1)
const BIRTH_UNTIL_MS = Date.UTC(2010, 11, 31)

function busyness(category: VenueCategory): number {
  switch (category) {
    case 'transport':
      return 4
    case 'shop':
    case 'restaurant':
      return 1.5
    case 'park':
      return 1.2
    default:
      return 1
  }
}

function increment(counts: Int32Array, slot: number): void {
  counts[slot] = (counts[slot] ?? 0) + 1
}

/** The element at `index`, which the caller knows to be in range. */
function element<T>(items: readonly T[], index: number): T {
  if (index < 0 || index >= items.length) throw new RangeError(`no element ${index}`)
  return items[index] as T
}

function districtCode(index: number): string {
  return (districts[index] as { code: string }).code
}

function districtName(index: number): string {
  return (districts[index] as { name: string }).name
}

/**
 * When the check-ins happen: the window's hours weighted by Shanghai's daily rhythm, each hour's
 * share of the total fixed up front, then handed out in time order (so ids, which begin with the
 * time, ascend as well).
 */
class CheckinSchedule {
  readonly #startMs: number
  readonly #counts: Int32Array
  #hour = 0
  #inHour = 0

  constructor(nowMs: number, total: number) {
    const hours = CHECKIN_DAYS * 24
    this.#startMs = nowMs - hours * HOUR
    const weights = new Float64Array(hours)
    let sum = 0
    for (let h = 0; h < hours; h++) {
      const localHour = new Date(
        this.#startMs + h * HOUR + shanghaiUtcOffsetHours * HOUR,
      ).getUTCHours()
      weights[h] = checkinHourWeights[localHour] as number
      sum += weights[h] as number
    }
    // Rounding the running total, so the hours' counts add up to exactly `total`.
    this.#counts = new Int32Array(hours)
    let cumulative = 0
    let assigned = 0
    for (let h = 0; h < hours; h++) {
      cumulative += weights[h] as number
      const upTo = Math.round((cumulative / sum) * total)
      this.#counts[h] = upTo - assigned
      assigned = upTo
    }
  }

  /** The time of the next check-in (ms), spread evenly within its hour. */
  next(random: SeededRandom): number {
    while (this.#inHour >= (this.#counts[this.#hour] ?? Infinity)) {
      this.#hour++
      this.#inHour = 0
    }
    if (this.#hour >= this.#counts.length) throw new RangeError('every scheduled check-in is used')
    const count = this.#counts[this.#hour] as number
    const offset = Math.floor(((this.#inHour + random.next()) * HOUR) / count)
    this.#inHour++
    return this.#startMs + this.#hour * HOUR + offset
  }
}
