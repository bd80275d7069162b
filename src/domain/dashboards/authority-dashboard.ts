import type { Actor } from '../access/actor.js'
import { authorize } from '../policy/policy.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'

/** Who sees the city-wide dashboard: the health authority and administrators. */
export { dashboardRoles } from '../policy/role-sets.js'

/** One day of the authority's dashboard. */
export interface AuthorityDay {
  readonly day: string
  /** Codes by colour at the end of the day. */
  readonly codes: { green: number; yellow: number; red: number }
  readonly declarations: number
  readonly scans: number
  readonly checkins: number
  readonly cases: number
  readonly exposures: { closeContact: number; sameVenue: number; secondaryContact: number }
}

/**
 * The people registered now and their current codes by colour, counted in the store's tables:
 * `notComputed` are the registered people whose code was never computed (no record, declaration or
 * opening of their code has assessed them yet), so the colours and it add up to `registered`.
 */
export interface CurrentCodes {
  readonly registered: number
  readonly codes: { green: number; yellow: number; red: number; notComputed: number }
}

/** The authority's dashboard: the city now, by day, and by district over the period. */
export interface AuthorityDashboard {
  readonly from: string
  readonly until: string
  /** Now, whatever the period: the people registered in scope and their current codes. */
  readonly current: CurrentCodes
  /** By day; each day's codes are the running sum of the colour changes counted until then. */
  readonly days: readonly AuthorityDay[]
  /** By district: the period's events, and the district's people and codes now. */
  readonly districts: readonly (Omit<AuthorityDay, 'day' | 'codes'> &
    CurrentCodes & { district: string })[]
}

const DAY = 86_400_000
const metrics = [
  'declarations',
  'scans',
  'checkins',
  'cases',
  'exposures.close-contact',
  'exposures.same-venue',
  'exposures.secondary-contact',
] as const
const colourMetrics = ['codes.green', 'codes.yellow', 'codes.red'] as const

/**
 * The health authority's dashboard, read from the daily counters that every event increments in
 * its own transaction: no query scans the check-ins or the people, so it stays fast at city scale.
 * Codes by colour over the days are the running sum of each day's changes. The current figures
 * (people registered, codes by colour, codes never computed) come from per-district counters that
 * every write of a person or a code updates in its own transaction, so they match the store
 * exactly and cost a few rows to read.
 */
export class AuthorityDashboardService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** @throws {DomainError} `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` for a bad range (at most 366 days). */
  async dashboard(
    actor: Actor,
    options: {
      from?: string | undefined
      until?: string | undefined
      district?: string | undefined
    },
  ): Promise<AuthorityDashboard> {
    // The root issuer's staff read the whole deployment; a region's staff, the districts where the
    // region's people live and its venues stand (counters are kept by district).
    const scope = await this.store.transaction(async (tx) => {
      const tree = await authorize(tx, actor, 'read', {
        kind: 'dashboard',
        issuerId: actor.issuerId,
      })
      if (actor.issuerId === undefined || tree.roots().includes(actor.issuerId)) return undefined
      const issuers = tree.subtree(actor.issuerId)
      return {
        issuers,
        districts: new Set([
          ...(await tx.people.districtsOf(issuers)),
          ...(await tx.venues.districtsOf(issuers)),
        ]),
      }
    })
    const today = this.clock().toISOString().slice(0, 10)
    const until = options.until ?? today
    const from =
      options.from ??
      new Date(Date.parse(`${until}T00:00:00Z`) - 13 * DAY).toISOString().slice(0, 10)
    const span = (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY
    if (!(span >= 0 && span <= 366)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected from ≤ until, at most 366 days apart',
        'from',
      )
    }
    const requested = options.district
    const districts =
      scope === undefined
        ? requested === undefined
          ? undefined
          : [requested]
        : requested === undefined
          ? [...scope.districts]
          : scope.districts.has(requested)
            ? [requested]
            : []
    // A region's own people without a district are its too: counted by issuer, as `unknown`.
    const unplaced = scope !== undefined && requested === undefined ? scope.issuers : []
    const [events, colours, people, codes, withoutDistrict] = await this.store.transaction(
      async (tx) =>
        [
          await tx.counters.read({ from, until, metrics, ...(districts ? { districts } : {}) }),
          // Colour counts are running sums, so every change before `until` counts.
          await tx.counters.read({
            from: '0000-01-01',
            until,
            metrics: colourMetrics,
            ...(districts ? { districts } : {}),
          }),
          await tx.people.countByDistrict(districts),
          await tx.health.colourCounts(districts),
          await tx.people.countWithoutDistrict(unplaced),
        ] as const,
    )
    const eventFigures = () => ({
      declarations: 0,
      scans: 0,
      checkins: 0,
      cases: 0,
      exposures: { closeContact: 0, sameVenue: 0, secondaryContact: 0 },
    })
    const empty = () => ({ codes: { green: 0, yellow: 0, red: 0 }, ...eventFigures() })
    const nowEmpty = () => ({
      registered: 0,
      codes: { green: 0, yellow: 0, red: 0, notComputed: 0 },
    })
    const dayList: string[] = []
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += DAY) {
      dayList.push(new Date(t).toISOString().slice(0, 10))
    }
    const byDay = new Map(dayList.map((day) => [day, { day, ...empty() }]))
    const byDistrict = new Map<
      string,
      ReturnType<typeof eventFigures> & ReturnType<typeof nowEmpty> & { district: string }
    >()
    const districtOf = (district: string) => {
      let found = byDistrict.get(district)
      if (!found) byDistrict.set(district, (found = { district, ...eventFigures(), ...nowEmpty() }))
      return found
    }
    for (const row of events) {
      if (row.district.startsWith('company:')) continue
      for (const target of [byDay.get(row.day), districtOf(row.district)]) {
        if (target) add(target, row.metric, row.value)
      }
    }
    // Running sums of colour changes: the count at the end of each day.
    const running = { green: 0, yellow: 0, red: 0 }
    const changes = colours.filter((row) => !row.district.startsWith('company:'))
    let index = 0
    const sorted = [...changes].sort((a, b) => a.day.localeCompare(b.day))
    for (; index < sorted.length && (sorted[index] as { day: string }).day < from; index++) {
      const row = sorted[index] as { metric: string; value: number }
      running[row.metric.slice(6) as keyof typeof running] += row.value
    }
    for (const day of dayList) {
      for (; index < sorted.length && (sorted[index] as { day: string }).day === day; index++) {
        const row = sorted[index] as { metric: string; value: number }
        running[row.metric.slice(6) as keyof typeof running] += row.value
      }
      const target = byDay.get(day)
      if (target) target.codes = { ...running }
    }
    // Now: the people and their stored codes; whoever has no code was never computed.
    if (withoutDistrict.registered > 0) {
      people.push({ district: 'unknown', count: withoutDistrict.registered })
      codes.push(...withoutDistrict.colours.map((row) => ({ ...row, district: 'unknown' })))
    }
    const current = nowEmpty()
    for (const row of people) {
      districtOf(row.district).registered += row.count
      current.registered += row.count
    }
    for (const row of codes) {
      if (!(row.colour === 'green' || row.colour === 'yellow' || row.colour === 'red')) continue
      districtOf(row.district).codes[row.colour] += row.count
      current.codes[row.colour] += row.count
    }
    for (const figures of [current, ...byDistrict.values()]) {
      const { green, yellow, red } = figures.codes
      figures.codes.notComputed = Math.max(0, figures.registered - green - yellow - red)
    }
    return {
      from,
      until,
      current,
      days: [...byDay.values()],
      districts: [...byDistrict.values()].sort((a, b) => a.district.localeCompare(b.district)),
    }
  }
}

function add(
  target: {
    declarations: number
    scans: number
    checkins: number
    cases: number
    exposures: { closeContact: number; sameVenue: number; secondaryContact: number }
  },
  metric: string,
  value: number,
): void {
  switch (metric) {
    case 'declarations':
    case 'scans':
    case 'checkins':
    case 'cases':
      target[metric] += value
      return
    case 'exposures.close-contact':
      target.exposures.closeContact += value
      return
    case 'exposures.same-venue':
      target.exposures.sameVenue += value
      return
    case 'exposures.secondary-contact':
      target.exposures.secondaryContact += value
      return
  }
}
