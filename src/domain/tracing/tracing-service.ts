import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { maskedName } from '../people/masked-name.js'
import type { Person } from '../people/person.js'
import { authorize, decide, issuerTree, scopeOf } from '../policy/policy.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { Checkin, Venue } from '../venues/venue.js'
import type { Case, Exposure, Notification } from './tracing.js'

/** Who confirms cases by decision and sees their whereabouts: the health authority. */
export { tracerRoles } from '../policy/role-sets.js'

/** How contacts are found. */
export interface TracingPolicy {
  /** How far back a case's visits count, default 14 days. */
  readonly lookbackDays: number
  /** How long a visit is assumed to last after its check-in, default 120 minutes. */
  readonly dwellMinutes: number
  /** Extra time either side of a visit that still counts as overlapping, default 30 minutes. */
  readonly marginMinutes: number
  /** The most contacts of contacts followed from one case, default 10,000. */
  readonly maxSecondary: number
}

export const defaultTracingPolicy: TracingPolicy = {
  lookbackDays: 14,
  dwellMinutes: 120,
  marginMinutes: 30,
  maxSecondary: 10_000,
}

/** What tracing one case found. */
export interface TraceResult {
  readonly case: Case
  /** False when the person was a case already. */
  readonly created: boolean
  /** True when the person's closed case was reopened (and traced again from now). */
  readonly reopened: boolean
  readonly exposures: readonly Exposure[]
}

/** A person as a case page shows them: in full when the policy lets the actor read them. */
export interface TracedPerson {
  readonly personId: string
  /** The full name, or the masked one (`IVAN P.`) when `masked`. */
  readonly name: string
  readonly masked: boolean
  /** Undefined when masked. */
  readonly birthDate: string | undefined
  readonly district: string | undefined
  /** The person's colour now, undefined when none was assessed. */
  readonly colour: 'green' | 'yellow' | 'red' | undefined
}

/** One line of the authority's list of cases. */
export interface CaseSummary {
  readonly case: Case
  readonly person: TracedPerson
}

/** A case page: the person, where they were, and who was exposed, with their colours now. */
export interface CaseDetail {
  readonly case: Case
  readonly person: TracedPerson
  readonly visits: readonly CaseVisit[]
  readonly contacts: readonly (TracedPerson & {
    readonly kind: Exposure['kind']
    readonly venueName: string
    readonly at: string
  })[]
  readonly exposures: { closeContacts: number; sameVenue: number; secondary: number }
}

/** A venue a case was at, and the time window counted as their stay. */
export interface CaseVisit {
  readonly venueId: string
  readonly venueName: string
  readonly district: string
  readonly from: string
  readonly until: string
}

/** What an exposed person's notification names: the venue and the time window. */
interface ExposureWindow {
  readonly venueName: string
  readonly address: string
  readonly from: string
  readonly until: string
}

/** Re-evaluates people's colours after exposures (the health-code service). */
export type Reassess = (personIds: readonly string[]) => Promise<void>

const MINUTE = 60_000
const DAY = 86_400_000

/**
 * Contact tracing: a confirmed case's check-ins over the last 14 days give the people at the same
 * venues — close contacts when their visits overlap (with a margin), same-venue visitors when on
 * the same day — and the close contacts' own visits give contacts of contacts. Exposures are
 * recorded once per person, case and kind; the exposed are told in their feed, and their colours
 * are re-evaluated.
 */
export class TracingService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly reassess: Reassess,
    private readonly policy: TracingPolicy = defaultTracingPolicy,
  ) {}

  /**
   * Confirms a case (a positive test, or the authority's decision) and traces it.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN` (for a decision).
   */
  async confirmCase(
    actor: Actor,
    personId: string,
    source: Case['source'],
    recordId?: string,
  ): Promise<TraceResult> {
    const result = await this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      if (source === 'authority') {
        await authorize(tx, actor, 'create', { kind: 'case', issuerId: person.issuerId })
      }
      const existing = await tx.tracing.caseOf(personId)
      if (existing && existing.closedAt === undefined) {
        return { case: existing, created: false, reopened: false, exposures: [] }
      }
      const now = this.clock()
      const at = now.toISOString()
      if (existing) await tx.tracing.setCaseClosed(existing.id, undefined)
      const confirmed: Case = existing
        ? { ...existing, closedAt: undefined }
        : await tx.tracing.createCase({
            personId,
            confirmedAt: at,
            source,
            recordId,
            createdBy: actor.accountId,
            district: person.district,
          })
      const { exposures, windows } = await this.#trace(tx, confirmed, now)
      await tx.counters.add([
        { day: at.slice(0, 10), district: person.district ?? 'unknown', metric: 'cases', by: 1 },
        ...exposures.map((exposure) => ({
          day: at.slice(0, 10),
          district: exposure.district ?? 'unknown',
          metric: `exposures.${exposure.kind}`,
          by: 1,
        })),
      ])
      await tx.tracing.notifyMany(
        exposures.map((exposure) => ({
          personId: exposure.personId,
          kind: 'exposure' as const,
          data: {
            kind: exposure.kind,
            at: exposure.at,
            venueId: exposure.venueId ?? null,
            ...windows.get(`${exposure.personId} ${exposure.kind}`),
          },
          createdAt: at,
        })),
      )
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: existing ? 'case.reopen' : 'case.confirm',
          entityType: 'case',
          entityId: confirmed.id,
          reason: source === 'test' ? 'positive test' : 'decision of the health authority',
          data: { personId, recordId: recordId ?? null, exposures: exposures.length },
        },
        at,
      )
      return { case: confirmed, created: !existing, reopened: !!existing, exposures }
    })
    const exposed = [...new Set(result.exposures.map((exposure) => exposure.personId))]
    await this.reassess([personId, ...exposed])
    return result
  }

  /**
   * Finds and stores the exposures of a new (or reopened) case; returns the new ones, and for each
   * person and kind the venue and time window their notification names.
   */
  async #trace(
    tx: StoreTransaction,
    confirmed: Case,
    now: Date,
  ): Promise<{ exposures: Exposure[]; windows: Map<string, ExposureWindow> }> {
    const since = new Date(now.getTime() - this.policy.lookbackDays * DAY).toISOString()
    const { visits, venues } = await visitsWithVenues(tx, confirmed.personId, since)
    const created = now.toISOString()
    const close = new Map<string, Omit<Exposure, 'id'>>()
    const sameVenue = new Map<string, Omit<Exposure, 'id'>>()
    const windows = new Map<string, ExposureWindow>()
    const windowOf = (visit: Checkin): ExposureWindow => ({
      venueName: venues.get(visit.venueId)?.name ?? '',
      address: venues.get(visit.venueId)?.address ?? '',
      from: visit.at,
      until: new Date(Date.parse(visit.at) + this.policy.dwellMinutes * MINUTE).toISOString(),
    })
    for (const visit of visits) {
      const district = venues.get(visit.venueId)?.district
      const dayStart = `${visit.at.slice(0, 10)}T00:00:00.000Z`
      const dayEnd = `${visit.at.slice(0, 10)}T23:59:59.999Z`
      for (const other of await tx.checkins.atVenue(visit.venueId, dayStart, dayEnd)) {
        if (other.personId === undefined || other.personId === confirmed.personId) continue
        const exposure = {
          personId: other.personId,
          caseId: confirmed.id,
          venueId: visit.venueId,
          at: other.at,
          createdAt: created,
          district,
        }
        if (this.#overlaps(visit, other)) {
          close.set(other.personId, { ...exposure, kind: 'close-contact' })
          windows.set(`${other.personId} close-contact`, windowOf(visit))
        } else {
          sameVenue.set(other.personId, { ...exposure, kind: 'same-venue' })
          windows.set(`${other.personId} same-venue`, windowOf(visit))
        }
      }
    }
    for (const personId of close.keys()) sameVenue.delete(personId)
    // Contacts of contacts: people whose visits overlapped a close contact's after the exposure.
    const secondary = new Map<string, Omit<Exposure, 'id'>>()
    for (const contact of close.values()) {
      if (secondary.size >= this.policy.maxSecondary) break
      const contactVisits = await tx.checkins.listForPerson(contact.personId, contact.at)
      for (const found of await tx.venues.findMany(
        [...new Set(contactVisits.map((visit) => visit.venueId))].filter((id) => !venues.has(id)),
      )) {
        venues.set(found.id, found)
      }
      for (const visit of contactVisits) {
        const window = this.#window(visit)
        for (const other of await tx.checkins.atVenue(visit.venueId, window.from, window.until)) {
          const id = other.personId
          if (id === undefined || id === confirmed.personId || close.has(id)) continue
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
          windows.set(`${id} secondary-contact`, windowOf(visit))
        }
      }
    }
    const exposures = await tx.tracing.addExposures([
      ...close.values(),
      ...sameVenue.values(),
      ...secondary.values(),
    ])
    return { exposures, windows }
  }

  #window(visit: Checkin): { from: string; until: string } {
    const start = Date.parse(visit.at)
    const reach = (this.policy.dwellMinutes + this.policy.marginMinutes) * MINUTE
    return {
      from: new Date(start - reach).toISOString(),
      until: new Date(start + reach).toISOString(),
    }
  }

  /** Two visits overlap when their assumed stays, widened by the margin, meet. */
  #overlaps(a: Checkin, b: Checkin): boolean {
    const reach = (this.policy.dwellMinutes + this.policy.marginMinutes) * MINUTE
    return Math.abs(Date.parse(a.at) - Date.parse(b.at)) <= reach
  }

  /** Where a case was: each venue and time window (the authority). */
  async whereabouts(
    actor: Actor,
    caseId: string,
  ): Promise<{
    case: Case
    visits: { venueId: string; venueName: string; district: string; from: string; until: string }[]
    exposures: { closeContacts: number; sameVenue: number; secondary: number }
  }> {
    return this.store.transaction(async (tx) => {
      const found = await tx.tracing.findCase(caseId)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no case ${caseId}`)
      const person = await tx.people.find(found.personId)
      await authorize(tx, actor, 'read', { kind: 'case', id: caseId, issuerId: person?.issuerId })
      const since = new Date(
        Date.parse(found.confirmedAt) - this.policy.lookbackDays * DAY,
      ).toISOString()
      const { visits, venues } = await visitsWithVenues(tx, found.personId, since)
      const exposures = await tx.tracing.exposuresOfCase(caseId)
      return {
        case: found,
        visits: visits.map((visit) => ({
          venueId: visit.venueId,
          venueName: venues.get(visit.venueId)?.name ?? '',
          district: venues.get(visit.venueId)?.district ?? '',
          from: visit.at,
          until: new Date(Date.parse(visit.at) + this.policy.dwellMinutes * MINUTE).toISOString(),
        })),
        exposures: {
          closeContacts: exposures.filter((e) => e.kind === 'close-contact').length,
          sameVenue: exposures.filter((e) => e.kind === 'same-venue').length,
          secondary: exposures.filter((e) => e.kind === 'secondary-contact').length,
        },
      }
    })
  }

  /**
   * The cases of people of the actor's region and the regions under it, newest first: open,
   * closed, or all. Each names the person as far as the policy lets the actor read them.
   */
  async listCases(
    actor: Actor,
    filter: { status: 'open' | 'closed' | 'all'; limit: number; offset: number },
  ): Promise<CaseSummary[]> {
    return this.store.transaction(async (tx) => {
      const issuerIds = await scopeOf(tx, actor)
      const cases = await tx.tracing.listCases({ issuerIds, ...filter })
      const tree = await issuerTree(tx)
      const summaries: CaseSummary[] = []
      for (const found of cases) {
        summaries.push({ case: found, person: await traced(tx, actor, tree, found.personId) })
      }
      return summaries
    })
  }

  /**
   * A case page: the person, their visits of the 14 days before, and everyone exposed with the
   * venue, the time and their colour now. A person the actor may not read (one of another region,
   * say) is shown masked.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async caseDetail(actor: Actor, caseId: string): Promise<CaseDetail> {
    const { case: found, visits, exposures } = await this.whereabouts(actor, caseId)
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const all = await tx.tracing.exposuresOfCase(caseId)
      const venueIds = [...new Set(all.flatMap((exposure) => exposure.venueId ?? []))]
      const names = new Map(
        (await tx.venues.findMany(venueIds)).map((venue) => [venue.id, venue.name]),
      )
      const people = new Map<string, TracedPerson>()
      const contacts: CaseDetail['contacts'][number][] = []
      for (const exposure of all) {
        const person =
          people.get(exposure.personId) ?? (await traced(tx, actor, tree, exposure.personId))
        people.set(exposure.personId, person)
        contacts.push({
          ...person,
          kind: exposure.kind,
          venueName: (exposure.venueId && names.get(exposure.venueId)) || '',
          at: exposure.at,
        })
      }
      return {
        case: found,
        person: await traced(tx, actor, tree, found.personId),
        visits,
        contacts,
        exposures,
      }
    })
  }

  /**
   * Closes an open case, or reopens a closed one (traced again from now: new visitors are told).
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_CASE_OPEN`, `ERR_CASE_CLOSED` (409)
   * when the case is in that state already.
   */
  async setClosed(actor: Actor, caseId: string, closed: boolean): Promise<Case> {
    if (!closed) {
      const found = await this.store.transaction(async (tx) => {
        const existing = await tx.tracing.findCase(caseId)
        if (!existing) throw new DomainError('ERR_NOT_FOUND', `no case ${caseId}`)
        const person = await tx.people.find(existing.personId)
        await authorize(tx, actor, 'update', {
          kind: 'case',
          id: caseId,
          issuerId: person?.issuerId,
        })
        return existing
      })
      if (found.closedAt === undefined) {
        throw new DomainError('ERR_CASE_OPEN', `case ${caseId} is open`)
      }
      return (await this.confirmCase(actor, found.personId, 'authority')).case
    }
    return this.store.transaction(async (tx) => {
      const existing = await tx.tracing.findCase(caseId)
      if (!existing) throw new DomainError('ERR_NOT_FOUND', `no case ${caseId}`)
      const person = await tx.people.find(existing.personId)
      await authorize(tx, actor, 'update', { kind: 'case', id: caseId, issuerId: person?.issuerId })
      if (existing.closedAt !== undefined) {
        throw new DomainError('ERR_CASE_CLOSED', `case ${caseId} was closed already`)
      }
      const at = this.clock().toISOString()
      await tx.tracing.setCaseClosed(caseId, at)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'case.close',
          entityType: 'case',
          entityId: caseId,
          reason: undefined,
          data: {},
        },
        at,
      )
      return { ...existing, closedAt: at }
    })
  }

  /** Publishes a case's venues and times, without anything that names the person. */
  async publish(actor: Actor, caseId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const found = await tx.tracing.findCase(caseId)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no case ${caseId}`)
      const person = await tx.people.find(found.personId)
      await authorize(tx, actor, 'update', { kind: 'case', id: caseId, issuerId: person?.issuerId })
      const at = this.clock().toISOString()
      await tx.tracing.publishCase(caseId, at)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'case.publish',
          entityType: 'case',
          entityId: caseId,
          reason: undefined,
          data: {},
        },
        at,
      )
    })
  }

  /** The published exposure sites of the last 14 days: venue, district and time window only. */
  async exposureSites(): Promise<
    { venueName: string; address: string; district: string; from: string; until: string }[]
  > {
    return this.store.transaction(async (tx) => {
      const now = this.clock().getTime()
      const since = new Date(now - this.policy.lookbackDays * DAY).toISOString()
      const sites: {
        venueName: string
        address: string
        district: string
        from: string
        until: string
      }[] = []
      for (const published of await tx.tracing.publishedCases(since)) {
        const visitsSince = new Date(
          Date.parse(published.confirmedAt) - this.policy.lookbackDays * DAY,
        ).toISOString()
        const { visits, venues } = await visitsWithVenues(tx, published.personId, visitsSince)
        for (const visit of visits) {
          const venue = venues.get(visit.venueId)
          if (!venue) continue
          sites.push({
            venueName: venue.name,
            address: venue.address,
            district: venue.district,
            from: visit.at,
            until: new Date(Date.parse(visit.at) + this.policy.dwellMinutes * MINUTE).toISOString(),
          })
        }
      }
      return sites.sort((a, b) => b.from.localeCompare(a.from))
    })
  }

  /** The person's feed, newest first; each item says when it was read (`readAt`), if it was. */
  async feed(actor: Actor): Promise<Notification[]> {
    if (actor.personId === undefined) return []
    const personId = actor.personId
    return this.store.transaction((tx) => tx.tracing.feed(personId, 100))
  }

  /** How many notifications of the actor's feed are unread (the app's badge). */
  async unreadCount(actor: Actor): Promise<number> {
    if (actor.personId === undefined) return 0
    const personId = actor.personId
    return this.store.transaction((tx) => tx.tracing.unreadCount(personId))
  }

  /**
   * Marks notifications of the actor's own feed read, now; ids of someone else's feed, unknown
   * ids and items read before are left as they are (a second call changes nothing).
   *
   * @returns how many remain unread.
   */
  async markRead(actor: Actor, ids: readonly string[]): Promise<number> {
    if (actor.personId === undefined) return 0
    const personId = actor.personId
    const at = this.clock().toISOString()
    return this.store.transaction(async (tx) => {
      await tx.tracing.markRead(personId, ids, at)
      return tx.tracing.unreadCount(personId)
    })
  }
}

/**
 * A person as the actor may see them: in full when the person policy lets the actor read the
 * person, else masked (the given name and the family initial), without the birth date.
 */
async function traced(
  tx: StoreTransaction,
  actor: Actor,
  tree: IssuerTree,
  personId: string,
): Promise<TracedPerson> {
  const person: Person | undefined = await tx.people.find(personId)
  const colour = (await tx.health.healthCode(personId))?.assessment.colour
  if (!person) {
    return { personId, name: '', masked: true, birthDate: undefined, district: undefined, colour }
  }
  const readable =
    decide(
      actor,
      'read',
      { kind: 'person', id: personId, issuerId: person.issuerId, holders: [person.accountId] },
      tree,
    ) === true
  return {
    personId,
    name: readable ? `${person.familyName} ${person.givenName}` : maskedName(person),
    masked: !readable,
    birthDate: readable ? person.birthDate : undefined,
    district: person.district,
    colour,
  }
}

/** A person's check-ins since an instant, with the venues they were at, by id. */
async function visitsWithVenues(
  tx: StoreTransaction,
  personId: string,
  since: string,
): Promise<{ visits: Checkin[]; venues: Map<string, Venue> }> {
  const visits = await tx.checkins.listForPerson(personId, since)
  const found = await tx.venues.findMany([...new Set(visits.map((visit) => visit.venueId))])
  return { visits, venues: new Map(found.map((venue) => [venue.id, venue])) }
}
