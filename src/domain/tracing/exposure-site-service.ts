import type { Clock } from '../clock.js'
import type { Store } from '../ports.js'
import { visitsWithVenues } from './case-visits.js'
import { type TracingPolicy, lookbackStart, stayUntil } from './tracing-policy.js'

/** A published case's venue and time window, without anything that names the person. */
export interface ExposureSite {
  readonly venueName: string
  readonly address: string
  readonly district: string
  readonly from: string
  readonly until: string
}

/**
 * The public list of exposure sites: the venues and times of the cases the authority published.
 * It only reads, so a read replica may serve it.
 */
export class ExposureSiteService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: TracingPolicy,
  ) {}

  /** The published exposure sites of the last 14 days: venue, district and time window only. */
  async list(): Promise<ExposureSite[]> {
    return this.store.transaction(async (tx) => {
      const since = lookbackStart(this.clock(), this.policy)
      const sites: ExposureSite[] = []
      for (const published of await tx.tracing.publishedCases(since)) {
        const visitsSince = lookbackStart(published.confirmedAt, this.policy)
        const { visits, venues } = await visitsWithVenues(tx, published.personId, visitsSince)
        for (const visit of visits) {
          const venue = venues.get(visit.venueId)
          if (!venue) continue
          sites.push({
            venueName: venue.name,
            address: venue.address,
            district: venue.district,
            from: visit.at,
            until: stayUntil(visit.at, this.policy),
          })
        }
      }
      return sites.sort((a, b) => b.from.localeCompare(a.from))
    })
  }
}
