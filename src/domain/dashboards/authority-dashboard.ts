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

/** The authority's dashboard: the city by day, and by district over the period. */
export interface AuthorityDashboard {
  readonly from: string
  readonly until: string
  readonly days: readonly AuthorityDay[]
  readonly districts: readonly (Omit<AuthorityDay, 'day'> & { district: string })[]
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
 * Codes by colour are the running sum of each day's changes.
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
      return new Set([
        ...(await tx.people.districtsOf(issuers)),
        ...(await tx.venues.districtsOf(issuers)),
      ])
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
          ? [...scope]
          : scope.has(requested)
            ? [requested]
            : []
    const [events, colours] = await this.store.transaction(async (tx) => [
      await tx.counters.read({ from, until, metrics, ...(districts ? { districts } : {}) }),
      // Colour counts are running sums, so every change before `until` counts.
      await tx.counters.read({
        from: '0000-01-01',
        until,
        metrics: colourMetrics,
        ...(districts ? { districts } : {}),
      }),
    ])
    const empty = () => ({
      codes: { green: 0, yellow: 0, red: 0 },
      declarations: 0,
      scans: 0,
      checkins: 0,
      cases: 0,
      exposures: { closeContact: 0, sameVenue: 0, secondaryContact: 0 },
    })
    const dayList: string[] = []
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += DAY) {
      dayList.push(new Date(t).toISOString().slice(0, 10))
    }
    const byDay = new Map(dayList.map((day) => [day, { day, ...empty() }]))
    const byDistrict = new Map<string, ReturnType<typeof empty> & { district: string }>()
    const districtOf = (district: string) => {
      let found = byDistrict.get(district)
      if (!found) byDistrict.set(district, (found = { district, ...empty() }))
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
    for (const row of changes) {
      districtOf(row.district).codes[row.metric.slice(6) as keyof typeof running] += row.value
    }
    return {
      from,
      until,
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
