import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { maskedName } from '../people/masked-name.js'
import type { Person } from '../people/person.js'
import { authorize, decide, issuerTree, scopeOf } from '../policy/policy.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { Checkin, Venue } from '../venues/venue.js'
import type { Case, Exposure, Notification, TracingWork } from './tracing.js'

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
  /** Exposures recorded per transaction of the background work, default 500. */
  readonly backgroundBatch: number
}

export const defaultTracingPolicy: TracingPolicy = {
  lookbackDays: 14,
  dwellMinutes: 120,
  marginMinutes: 30,
  maxSecondary: 10_000,
  backgroundBatch: 500,
}

/** How the background work starts, besides the job that runs it on a schedule and on start. */
export interface TracingBackground {
  /** Start it right after each answer that queued work (a serving process), default false. */
  readonly afterAnswer: boolean
  /** Runs `work` unless another process is running it (the store's advisory lock). */
  readonly runAlone: (work: () => Promise<number>) => Promise<number>
  /** Told when a run started after an answer failed (the work stays queued for the job). */
  readonly onError: (error: unknown) => void
}

/** What tracing one case found. */
export interface TraceResult {
  readonly case: Case
  /** False when the person was a case already. */
  readonly created: boolean
  /** True when the person's closed case was reopened (and traced again from now). */
  readonly reopened: boolean
  /** The close contacts recorded before the answer. */
  readonly exposures: readonly Exposure[]
  /** True when same-venue visitors and contacts of contacts are being recorded in the background. */
  readonly queued: boolean
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

/** What tracing found for a case: exposures to record and their notifications' windows. */
interface Found {
  readonly exposures: Map<string, Omit<Exposure, 'id'>>
  readonly windows: Map<string, ExposureWindow>
}

/**
 * Contact tracing: a confirmed case's check-ins over the last 14 days give the people at the same
 * venues — close contacts when their visits overlap (with a margin), same-venue visitors when on
 * the same day — and the close contacts' own visits give contacts of contacts. Exposures are
 * recorded once per person, case and kind; the exposed are told in their feed, and their colours
 * are re-evaluated.
 *
 * The close contacts are recorded, told and reassessed before the answer. The same-venue visitors
 * and contacts of contacts — most of a busy case's exposures — are background work: queued in the
 * case's transaction (`tracing_work`), then recorded by {@link TracingService.traceInBackground}
 * in batches of `backgroundBatch` exposures, each batch in its own transaction with its
 * notifications and counters. A crash in between loses nothing: the queued work is taken up again
 * (on start, and by the job), found again the same way, and what was recorded already is skipped
 * (an exposure is unique per person, case and kind), so nobody is told twice.
 */
export class TracingService {
  #draining: Promise<number> | undefined
  #again = false

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly reassess: Reassess,
    private readonly policy: TracingPolicy = defaultTracingPolicy,
    private readonly background: TracingBackground = {
      afterAnswer: false,
      runAlone: (work) => work(),
      onError: () => {},
    },
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
        return { case: existing, created: false, reopened: false, exposures: [], queued: false }
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
      const close = await this.#closeContacts(tx, confirmed, now)
      await tx.counters.add([
        { day: at.slice(0, 10), district: person.district ?? 'unknown', metric: 'cases', by: 1 },
      ])
      const exposures = await record(tx, [...close.exposures.values()], close.windows, at)
      // The same-venue visitors and contacts of contacts: background work, queued here so that it
      // commits (or not) with the case. The close contacts' colours are in it too, in case the
      // process stops before it reassesses them below.
      const exposed = [...new Set(exposures.map((exposure) => exposure.personId))]
      await tx.tracing.queueWork({
        caseId: confirmed.id,
        tracedAt: at,
        reassess: [personId, ...exposed],
      })
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
      return {
        case: confirmed,
        created: !existing,
        reopened: !!existing,
        exposures,
        queued: true,
      }
    })
    const exposed = [...new Set(result.exposures.map((exposure) => exposure.personId))]
    await this.reassess([personId, ...exposed])
    if (result.queued && this.background.afterAnswer) {
      // After the answer: the caller's reply goes out before the same-venue work begins.
      setImmediate(() => {
        this.traceInBackground().catch((error: unknown) => this.background.onError(error))
      })
    }
    return result
  }

  /**
   * Records the queued background work of traced cases (same-venue visitors, contacts of
   * contacts), oldest first, until none is left: in batches of `backgroundBatch` exposures, each
   * with its notifications and counters in one transaction, and the batch's people reassessed
   * after it. One run at a time in a process (a call while one runs joins it, and it looks again
   * for work queued meanwhile), and in every process on the store (`background.runAlone`).
   *
   * @returns how many exposures it recorded.
   */
  traceInBackground(): Promise<number> {
    if (this.#draining) {
      this.#again = true
      return this.#draining
    }
    const draining = (async () => {
      let recorded = 0
      do {
        this.#again = false
        recorded += await this.background.runAlone(() => this.#drain())
      } while (this.#again)
      return recorded
    })()
    this.#draining = draining
    const clear = () => {
      if (this.#draining === draining) this.#draining = undefined
    }
    draining.then(clear, clear)
    return draining
  }

  /** Waits for a background run in progress, if any (before the store closes). */
  async backgroundFinished(): Promise<void> {
    await this.#draining?.catch(() => {})
  }

  async #drain(): Promise<number> {
    let recorded = 0
    for (;;) {
      const queued = await this.store.transaction((tx) => tx.tracing.queuedWork(1))
      const work = queued[0]
      if (!work) return recorded
      recorded += await this.#work(work)
    }
  }

  /** One case's background work, from the start: what was recorded before is skipped. */
  async #work(work: TracingWork): Promise<number> {
    // A run that stopped after a batch but before reassessing its people: reassess them now.
    if (work.reassess.length > 0) await this.reassess(work.reassess)
    const found = await this.store.transaction(async (tx) => {
      const current = await tx.tracing.findWork(work.caseId)
      if (!current || current.tracedAt !== work.tracedAt) return undefined
      const traced = await tx.tracing.findCase(work.caseId)
      if (!traced) await tx.tracing.finishWork(work.caseId, work.tracedAt)
      else await tx.tracing.saveWork(work.caseId, { done: 0, reassess: [], attempted: true })
      return traced
    })
    if (!found) return 0
    const planned = await this.#backgroundExposures(found, new Date(work.tracedAt))
    const all = [...planned.exposures.values()]
    let recorded = 0
    for (let start = 0; start < all.length; start += this.policy.backgroundBatch) {
      const batch = all.slice(start, start + this.policy.backgroundBatch)
      const exposed = await this.store.transaction(async (tx) => {
        // Traced again meanwhile (a reopened case): the newer work supersedes this one.
        const current = await tx.tracing.findWork(work.caseId)
        if (!current || current.tracedAt !== work.tracedAt) return undefined
        const added = await record(tx, batch, planned.windows, work.tracedAt)
        const people = [...new Set(added.map((exposure) => exposure.personId))]
        await tx.tracing.saveWork(work.caseId, {
          done: start + batch.length,
          reassess: people,
        })
        return people
      })
      if (exposed === undefined) return recorded
      recorded += exposed.length
      if (exposed.length > 0) await this.reassess(exposed)
      // Let the process serve requests between batches.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await this.store.transaction((tx) => tx.tracing.finishWork(work.caseId, work.tracedAt))
    return recorded
  }

  /**
   * The close contacts of a new (or reopened) case traced at `now`: the people whose visits of the
   * same day overlap the case's (each read is the visit's window, not the venue's day), and for
   * each the venue and time window their notification names.
   */
  async #closeContacts(
    tx: StoreTransaction,
    confirmed: Case,
    now: Date,
  ): Promise<Found & { visits: Checkin[]; venues: Map<string, Venue> }> {
    const since = new Date(now.getTime() - this.policy.lookbackDays * DAY).toISOString()
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
   * transaction holds the store.
   */
  async #backgroundExposures(confirmed: Case, now: Date): Promise<Found> {
    const created = now.toISOString()
    const close = await this.store.transaction((tx) => this.#closeContacts(tx, confirmed, now))
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
      until: new Date(Date.parse(visit.at) + this.policy.dwellMinutes * MINUTE).toISOString(),
    }
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

/** The first and last instant of a visit's day (UTC), as the check-ins' times are written. */
function dayOf(visit: Checkin): { dayStart: string; dayEnd: string } {
  return {
    dayStart: `${visit.at.slice(0, 10)}T00:00:00.000Z`,
    dayEnd: `${visit.at.slice(0, 10)}T23:59:59.999Z`,
  }
}

/**
 * Records exposures (skipping any the person has already for the case and kind), counts the new
 * ones in the day's counters and tells each person in their feed; returns the new ones.
 */
async function record(
  tx: StoreTransaction,
  exposures: readonly Omit<Exposure, 'id'>[],
  windows: ReadonlyMap<string, ExposureWindow>,
  at: string,
): Promise<Exposure[]> {
  const added = await tx.tracing.addExposures(exposures)
  await tx.counters.add(
    added.map((exposure) => ({
      day: at.slice(0, 10),
      district: exposure.district ?? 'unknown',
      metric: `exposures.${exposure.kind}`,
      by: 1,
    })),
  )
  await tx.tracing.notifyMany(
    added.map((exposure) => ({
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
  return added
}
