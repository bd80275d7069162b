import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { maskedName } from '../people/masked-name.js'
import type { Person } from '../people/person.js'
import { authorize, decide, issuerTree, scopeOf } from '../policy/policy.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { CaseConfirmationService } from './case-confirmation-service.js'
import { visitsWithVenues } from './case-visits.js'
import { type TracingPolicy, lookbackStart, stayUntil } from './tracing-policy.js'
import type { Case, Exposure } from './tracing.js'

/** Who confirms cases by decision and sees their whereabouts: the health authority. */
export { tracerRoles } from '../policy/role-sets.js'

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

/** How many people a case exposed, by kind. */
export interface ExposureCounts {
  readonly closeContacts: number
  readonly sameVenue: number
  readonly secondary: number
}

/** A venue a case was at, and the time window counted as their stay. */
export interface CaseVisit {
  readonly venueId: string
  readonly venueName: string
  readonly district: string
  readonly from: string
  readonly until: string
}

/** Where a case was, and how many people it exposed. */
export interface CaseWhereabouts {
  readonly case: Case
  readonly visits: CaseVisit[]
  readonly exposures: ExposureCounts
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
  readonly exposures: ExposureCounts
}

/**
 * The health authority's cases: the list of its region's cases, a case's page and whereabouts,
 * closing and reopening a case (traced again through the {@link CaseConfirmationService}), and
 * publishing a case's venues.
 */
export class CaseService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: TracingPolicy,
    private readonly confirmation: CaseConfirmationService,
  ) {}

  /**
   * Where a case was: each venue and time window (the authority).
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async whereabouts(actor: Actor, caseId: string): Promise<CaseWhereabouts> {
    return this.store.transaction(async (tx) => {
      const found = await tx.tracing.findCase(caseId)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no case ${caseId}`)
      const person = await tx.people.find(found.personId)
      await authorize(tx, actor, 'read', { kind: 'case', id: caseId, issuerId: person?.issuerId })
      const since = lookbackStart(found.confirmedAt, this.policy)
      const { visits, venues } = await visitsWithVenues(tx, found.personId, since)
      const exposures = await tx.tracing.exposuresOfCase(caseId)
      return {
        case: found,
        visits: visits.map((visit) => ({
          venueId: visit.venueId,
          venueName: venues.get(visit.venueId)?.name ?? '',
          district: venues.get(visit.venueId)?.district ?? '',
          from: visit.at,
          until: stayUntil(visit.at, this.policy),
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
      return (await this.confirmation.confirmCase(actor, found.personId, 'authority')).case
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

  /**
   * Publishes a case's venues and times, without anything that names the person.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
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
