import type { Store, StoreTransaction } from '../ports.js'
import type { Checkin, Venue } from '../venues/venue.js'
import { visitsWithVenues } from './case-visits.js'
import type { ExposureWindow, FoundExposures } from './exposure-recording.js'
import { type TracingPolicy, lookbackStart, overlapReach, stayUntil } from './tracing-policy.js'
import type { Case, Exposure } from './tracing.js'

/** The close contacts of a case, with the visits and venues they were found from. */
export interface CloseContacts extends FoundExposures {
  readonly visits: readonly Checkin[]
  readonly venues: Map<string, Venue>
}

/**
 * Finds who was where a case was: a confirmed case's check-ins over the look-back give the people
 * at the same venues — close contacts when their visits overlap (with a margin), same-venue
 * visitors when on the same day — and the close contacts' own visits give contacts of contacts.
 * It reads only; recording what it finds is the callers' work.
 */
export class ContactSearch {
  constructor(
    private readonly store: Store,
    private readonly policy: TracingPolicy,
  ) {}

  /**
   * The close contacts of a new (or reopened) case traced at `now`: the people whose visits of the
   * same day overlap the case's (each read is the visit's window, not the venue's day), and for
   * each the venue and time window their notification names.
   */
  async closeContacts(tx: StoreTransaction, confirmed: Case, now: Date): Promise<CloseContacts> {
    const since = lookbackStart(now, this.policy)
    const { visits, venues } = await visitsWithVenues(tx, confirmed.personId, since)
    const exposures = new Map<string, Omit<Exposure, 'id'>>()
    const windows = new Map<string, ExposureWindow>()
    for (const visit of visits) {
      const { dayStart, dayEnd } = dayOf(visit)
      const window = this.#window(visit)
      const from = window.from > dayStart ? window.from : dayStart
      const until = window.until < dayEnd ? window.until : dayEnd
      for (const other of await tx.checkins.atVenue(visit.venueId, from, until)) {
        if (other.personId === undefined || other.personId === confirmed.personId) continue
        if (!this.#overlaps(visit, other)) continue
        exposures.set(other.personId, {
          personId: other.personId,
          caseId: confirmed.id,
          kind: 'close-contact',
          venueId: visit.venueId,
          at: other.at,
          createdAt: now.toISOString(),
          district: venues.get(visit.venueId)?.district,
        })
        windows.set(`${other.personId} close-contact`, this.#windowOf(visit, venues))
      }
    }
    return { exposures, windows, visits, venues }
  }

  /**
   * The background part of a case traced at `now`: the same-venue visitors (the same day, not
   * close contacts) and the contacts of contacts (people whose visits overlapped a close
   * contact's after the exposure), in that order, as tracing found them all at once before. Each
   * venue's day and each close contact is read in a transaction of its own, so that no long
   * transaction holds the store. `found` is the case's close contacts when the caller has found
   * them already at `now`.
   */
  async backgroundExposures(
    confirmed: Case,
    now: Date,
    found?: CloseContacts,
  ): Promise<FoundExposures> {
    const created = now.toISOString()
    const close =
      found ?? (await this.store.transaction((tx) => this.closeContacts(tx, confirmed, now)))
    const { visits, venues } = close
    const windows = new Map(close.windows)
    const sameVenue = new Map<string, Omit<Exposure, 'id'>>()
    for (const visit of visits) {
      const { dayStart, dayEnd } = dayOf(visit)
      const others = await this.store.transaction((tx) =>
        tx.checkins.atVenue(visit.venueId, dayStart, dayEnd),
      )
      for (const other of others) {
        if (other.personId === undefined || other.personId === confirmed.personId) continue
        if (close.exposures.has(other.personId) || this.#overlaps(visit, other)) continue
        sameVenue.set(other.personId, {
          personId: other.personId,
          caseId: confirmed.id,
          kind: 'same-venue',
          venueId: visit.venueId,
          at: other.at,
          createdAt: created,
          district: venues.get(visit.venueId)?.district,
        })
        windows.set(`${other.personId} same-venue`, this.#windowOf(visit, venues))
      }
    }
    const secondary = new Map<string, Omit<Exposure, 'id'>>()
    for (const contact of close.exposures.values()) {
      if (secondary.size >= this.policy.maxSecondary) break
      const reached = await this.store.transaction(async (tx) => {
        const contactVisits = await tx.checkins.listForPerson(contact.personId, contact.at)
        for (const found of await tx.venues.findMany(
          [...new Set(contactVisits.map((visit) => visit.venueId))].filter((id) => !venues.has(id)),
        )) {
          venues.set(found.id, found)
        }
        const met: { visit: Checkin; others: Checkin[] }[] = []
        for (const visit of contactVisits) {
          const window = this.#window(visit)
          met.push({
            visit,
            others: await tx.checkins.atVenue(visit.venueId, window.from, window.until),
          })
        }
        return met
      })
      for (const { visit, others } of reached) {
        for (const other of others) {
          const id = other.personId
          if (id === undefined || id === confirmed.personId || close.exposures.has(id)) continue
          if (!this.#overlaps(visit, other)) continue
          secondary.set(id, {
            personId: id,
            caseId: confirmed.id,
            kind: 'secondary-contact',
            venueId: other.venueId,
            at: other.at,
            createdAt: created,
            district: venues.get(other.venueId)?.district,
          })
          windows.set(`${id} secondary-contact`, this.#windowOf(visit, venues))
        }
      }
    }
    const exposures = new Map<string, Omit<Exposure, 'id'>>()
    for (const exposure of [...sameVenue.values(), ...secondary.values()]) {
      exposures.set(`${exposure.personId} ${exposure.kind}`, exposure)
    }
    return { exposures, windows }
  }

  /** The venue and time window a notification about `visit` names. */
  #windowOf(visit: Checkin, venues: Map<string, Venue>): ExposureWindow {
    return {
      venueName: venues.get(visit.venueId)?.name ?? '',
      address: venues.get(visit.venueId)?.address ?? '',
      from: visit.at,
      until: stayUntil(visit.at, this.policy),
    }
  }

  #window(visit: Checkin): { from: string; until: string } {
    const start = Date.parse(visit.at)
    const reach = overlapReach(this.policy)
    return {
      from: new Date(start - reach).toISOString(),
      until: new Date(start + reach).toISOString(),
    }
  }

  /** Two visits overlap when their assumed stays, widened by the margin, meet. */
  #overlaps(a: Checkin, b: Checkin): boolean {
    return Math.abs(Date.parse(a.at) - Date.parse(b.at)) <= overlapReach(this.policy)
  }
}

/** The first and last instant of a visit's day (UTC), as the check-ins' times are written. */
function dayOf(visit: Checkin): { dayStart: string; dayEnd: string } {
  return {
    dayStart: `${visit.at.slice(0, 10)}T00:00:00.000Z`,
    dayEnd: `${visit.at.slice(0, 10)}T23:59:59.999Z`,
  }
}
