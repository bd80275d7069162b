import type { HealthInputs, RiskArea, Visit } from './health-inputs.js'
import { HealthInputError } from './health-code-errors.js'
import { readDay, readInstant, utcDay } from './utc-day.js'

/**
 * A declaration as the rules see it. Rules read declarations with CertLogic's `reduce`
 * (`current` is one of these), so the thresholds stay in the rules.
 */
export interface DeclarationFact {
  /** When it was made: ISO date-time in UTC (`…Z`). */
  readonly declaredAt: string
  /** Its UTC day, `YYYY-MM-DD`. */
  readonly day: string
  readonly fever: boolean
  /**
   * The measured temperature in tenths of a degree Celsius (37.3 °C is `373`), or `null` when not
   * measured: CertLogic compares integers only (specification section "Comparison operators").
   */
  readonly temperatureDeciC: number | null
  readonly cough: boolean
  readonly soreThroat: boolean
  readonly shortnessOfBreath: boolean
  readonly lossOfTasteOrSmell: boolean
  readonly fatigue: boolean
  /** They said they were in contact with a confirmed case. */
  readonly confirmedCaseContact: boolean
}

/** A declared stay, with the highest risk level its area had at any time during the stay. */
export interface VisitFact {
  readonly areaCode: string
  /** `YYYY-MM-DD`, first day there. */
  readonly from: string
  /** `YYYY-MM-DD`, the day they left and arrived here. */
  readonly until: string
  /** `high` or `medium` when a risk-area period of that level overlaps the stay; else `null`. */
  readonly riskLevel: 'high' | 'medium' | null
}

/** A test as the rules see it. */
export interface TestFact {
  /** ISO date-time in UTC of the sample. */
  readonly sampledAt: string
  /** Its UTC day, `YYYY-MM-DD`. */
  readonly day: string
  readonly result: 'positive' | 'negative'
  readonly method: 'pcr' | 'antigen'
}

/** A contact-tracing finding as the rules see it. */
export interface ExposureFact {
  readonly kind: 'close-contact' | 'same-venue' | 'secondary-contact'
  /** ISO date-time in UTC of the contact. */
  readonly at: string
}

/** A recovery as recorded. */
export interface RecoveryFact {
  readonly firstPositive: string
  readonly validUntil: string
}

/**
 * The data a rule's CertLogic trigger sees, as of `now`. Only JSON values: ISO strings, integers,
 * booleans, `null` for "none", and arrays of objects ordered oldest first (so a `reduce` that
 * keeps the last match finds the latest). Records dated after `now` are left out: the facts are
 * what was known at `now`. Date-times are UTC (`…Z`); days are UTC calendar days.
 *
 * Read a date with `{"plusTime": [{"var": "latestHighRiskArrival"}, 0, "day"]}` to compare it
 * with `after`/`before`; guard a `null` with `if` first, since `plusTime` of `null` throws.
 */
export interface RiskFacts {
  /** The moment of assessment, ISO date-time in UTC. */
  readonly now: string
  /** The UTC day of `now`, `YYYY-MM-DD`. */
  readonly today: string
  /** Every declaration made by `now`, oldest first. */
  readonly declarations: readonly DeclarationFact[]
  /**
   * Every distinct stay the declarations report that ended by today, by arrival (`until`) then
   * first day, each with the highest level its area had during the stay.
   */
  readonly visits: readonly VisitFact[]
  /** Arrival day (`until`) of the latest stay in an area that was high-risk during it, or `null`. */
  readonly latestHighRiskArrival: string | null
  /**
   * Arrival day of the latest stay in an area that was medium-risk but never high-risk during it,
   * or `null` (a stay that was high-risk at some point counts as high only).
   */
  readonly latestMediumRiskArrival: string | null
  /** Arrival day of the latest stay in a medium- or high-risk area (during it), or `null`. */
  readonly latestRiskAreaArrival: string | null
  /**
   * The first test (any method or result) sampled on or after the day of
   * `latestRiskAreaArrival`, or `null`: whether it came in time is for the rules to say.
   */
  readonly firstTestAfterRiskAreaArrival: TestFact | null
  /** Every test sampled by `now`, oldest first. */
  readonly tests: readonly TestFact[]
  /** The latest positive test (any method), or `null`. */
  readonly latestPositiveTest: TestFact | null
  /** The latest negative PCR test, or `null`. */
  readonly latestNegativePcr: TestFact | null
  /** Every recovery whose first positive test was by `now`, by first positive, oldest first. */
  readonly recoveries: readonly RecoveryFact[]
  /** When the authority confirmed the person as a case (ISO date-time, UTC), or `null`. */
  readonly confirmedCaseAt: string | null
  /** Every contact-tracing finding by `now`, oldest first. */
  readonly exposures: readonly ExposureFact[]
  /** The latest close contact with a case found by tracing, or `null`. */
  readonly latestCloseContactAt: string | null
  /** The latest visit to the same venue on the same day as a case, or `null`. */
  readonly latestSameVenueAt: string | null
  /** The latest contact with a close contact (a contact of a contact), or `null`. */
  readonly latestSecondaryContactAt: string | null
}

/**
 * Extracts the facts the rules see from a person's records, as of `now`. Plain extraction: no
 * thresholds or windows, which belong to the rules.
 *
 * @throws {HealthInputError} `ERR_HEALTH_INPUT` when a date in the records is not a date; its
 *   `path` names it (`tests[2].sampledAt`).
 * @example
 * const facts = riskFacts(inputs, new Date('2026-05-10T08:00:00Z'))
 * facts.latestHighRiskArrival // '2026-05-03' or null
 */
export function riskFacts(inputs: HealthInputs, now: Date): RiskFacts {
  if (Number.isNaN(now.getTime())) throw new HealthInputError('now', 'now: expected a valid Date')
  const nowIso = now.toISOString()
  const today = utcDay(now)
  const known = <T extends { readonly at: string }>(items: T[]): T[] =>
    items.filter((item) => item.at <= nowIso).sort((a, b) => compare(a.at, b.at))

  const declarations = known(
    inputs.declarations.map((declaration, index) => {
      const path = `declarations[${index}]`
      const at = readInstant(declaration.declaredAt, `${path}.declaredAt`).toISOString()
      const { temperatureC } = declaration.symptoms
      if (temperatureC !== undefined && !Number.isFinite(temperatureC)) {
        throw new HealthInputError(
          `${path}.symptoms.temperatureC`,
          `${path}.symptoms.temperatureC: expected a number of °C, found ${String(temperatureC)}`,
        )
      }
      return { at, declaration, path, temperatureC }
    }),
  )

  const visitsByKey = new Map<string, Visit>()
  for (const { declaration, path } of declarations) {
    declaration.visits.forEach((visit, index) => {
      const from = readDay(visit.from, `${path}.visits[${index}].from`)
      const until = readDay(visit.until, `${path}.visits[${index}].until`)
      if (from > until) {
        throw new HealthInputError(
          `${path}.visits[${index}]`,
          `${path}.visits[${index}]: the stay ends (${until}) before it starts (${from})`,
        )
      }
      if (until <= today) visitsByKey.set(`${visit.areaCode}\u0000${from}\u0000${until}`, visit)
    })
  }
  const riskAreas = inputs.riskAreas.map((area, index) => ({
    area,
    from: readDay(area.from, `riskAreas[${index}].from`),
    until: area.until === undefined ? undefined : readDay(area.until, `riskAreas[${index}].until`),
  }))
  const visits: VisitFact[] = [...visitsByKey.values()]
    .map((visit) => ({
      areaCode: visit.areaCode,
      from: visit.from,
      until: visit.until,
      riskLevel: riskLevelDuring(visit, riskAreas),
    }))
    .sort((a, b) => compare(a.until, b.until) || compare(a.from, b.from))

  const tests: TestFact[] = known(
    inputs.tests.map((test, index) => ({
      at: readInstant(test.sampledAt, `tests[${index}].sampledAt`).toISOString(),
      test,
    })),
  ).map(({ at, test }) => ({
    sampledAt: at,
    day: at.slice(0, 10),
    result: test.result,
    method: test.method,
  }))

  const exposures: ExposureFact[] = known(
    inputs.exposures.map((exposure, index) => ({
      at: readInstant(exposure.at, `exposures[${index}].at`).toISOString(),
      kind: exposure.kind,
    })),
  ).map(({ at, kind }) => ({ kind, at }))

  const recoveries: RecoveryFact[] = known(
    inputs.recoveries.map((recovery, index) => {
      readInstant(recovery.validUntil, `recoveries[${index}].validUntil`)
      return {
        at: readInstant(recovery.firstPositive, `recoveries[${index}].firstPositive`).toISOString(),
        recovery,
      }
    }),
  ).map(({ recovery }) => ({
    firstPositive: recovery.firstPositive,
    validUntil: recovery.validUntil,
  }))

  const confirmedCaseAt =
    inputs.confirmedCaseAt === undefined
      ? null
      : readInstant(inputs.confirmedCaseAt, 'confirmedCaseAt').toISOString()

  const latestRiskAreaArrival = last(visits.filter((visit) => visit.riskLevel !== null))?.until
  const latestExposure = (kind: ExposureFact['kind']): string | null =>
    last(exposures.filter((exposure) => exposure.kind === kind))?.at ?? null

  return {
    now: nowIso,
    today,
    declarations: declarations.map(({ at, declaration, temperatureC }) => ({
      declaredAt: at,
      day: at.slice(0, 10),
      fever: declaration.symptoms.fever,
      temperatureDeciC: temperatureC === undefined ? null : Math.round(temperatureC * 10),
      cough: declaration.symptoms.cough,
      soreThroat: declaration.symptoms.soreThroat,
      shortnessOfBreath: declaration.symptoms.shortnessOfBreath,
      lossOfTasteOrSmell: declaration.symptoms.lossOfTasteOrSmell,
      fatigue: declaration.symptoms.fatigue,
      confirmedCaseContact: declaration.confirmedCaseContact,
    })),
    visits,
    latestHighRiskArrival:
      last(visits.filter((visit) => visit.riskLevel === 'high'))?.until ?? null,
    latestMediumRiskArrival:
      last(visits.filter((visit) => visit.riskLevel === 'medium'))?.until ?? null,
    latestRiskAreaArrival: latestRiskAreaArrival ?? null,
    firstTestAfterRiskAreaArrival:
      latestRiskAreaArrival === undefined
        ? null
        : (tests.find((test) => test.day >= latestRiskAreaArrival) ?? null),
    tests,
    latestPositiveTest: last(tests.filter((test) => test.result === 'positive')) ?? null,
    latestNegativePcr:
      last(tests.filter((test) => test.result === 'negative' && test.method === 'pcr')) ?? null,
    recoveries,
    confirmedCaseAt: confirmedCaseAt !== null && confirmedCaseAt <= nowIso ? confirmedCaseAt : null,
    exposures,
    latestCloseContactAt: latestExposure('close-contact'),
    latestSameVenueAt: latestExposure('same-venue'),
    latestSecondaryContactAt: latestExposure('secondary-contact'),
  }
}

/** The highest level the area had on any day of the stay: a later classification does not count. */
function riskLevelDuring(
  visit: Visit,
  riskAreas: readonly { area: RiskArea; from: string; until: string | undefined }[],
): 'high' | 'medium' | null {
  let level: 'high' | 'medium' | null = null
  for (const { area, from, until } of riskAreas) {
    const overlaps = from <= visit.until && (until === undefined || until >= visit.from)
    if (area.areaCode !== visit.areaCode || !overlaps) continue
    if (area.level === 'high') return 'high'
    level = 'medium'
  }
  return level
}

function last<T>(items: readonly T[]): T | undefined {
  return items[items.length - 1]
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
