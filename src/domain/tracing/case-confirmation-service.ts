import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { authorize } from '../policy/policy.js'
import type { Store } from '../ports.js'
import type { BackgroundTracingService, Reassess } from './background-tracing-service.js'
import type { ContactSearch } from './contact-search.js'
import { recordExposures } from './exposure-recording.js'
import type { Case, Exposure } from './tracing.js'

/** What tracing one case found. */
export interface TraceResult {
  readonly case: Case
  /** False when the person was a case already. */
  readonly created: boolean
  /** True when the person's closed case was reopened (and traced again from now). */
  readonly reopened: boolean
  /** The close contacts recorded before the answer; reassessed and told in the background. */
  readonly exposures: readonly Exposure[]
  /** True when same-venue visitors and contacts of contacts are being recorded in the background. */
  readonly queued: boolean
}

/**
 * A case's confirmation and its answer: the case is opened (or reopened), its close contacts are
 * recorded, and the case's own colour is reassessed before the answer. The rest is queued in the
 * same transaction for the {@link BackgroundTracingService}, which is told once the answer is
 * ready: the close contacts' reassessment first (at hundreds of close contacts it costs more than
 * the tracing), then telling them in their feeds (a row and a person-keyed index entry each, which
 * doubled the answer's writes), then the same-venue visitors and contacts of contacts. The queued
 * row commits with the case, so a crash after the answer leaves it for the next run: no close
 * contact's reassessment or notification is dropped.
 */
export class CaseConfirmationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly contacts: ContactSearch,
    private readonly reassess: Reassess,
    private readonly background: BackgroundTracingService,
  ) {}

  /**
   * Confirms a case (a positive test, or the authority's decision) and traces it.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN` (for a decision).
   * @example
   * ```ts
   * const { case: opened, exposures } = await caseConfirmation.confirmCase(actor, personId, 'authority')
   * ```
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
      const close = await this.contacts.closeContacts(tx, confirmed, now)
      await tx.counters.add([
        { day: at.slice(0, 10), district: person.district ?? 'unknown', metric: 'cases', by: 1 },
      ])
      const exposures = await recordExposures(tx, [...close.exposures.values()], at)
      // The close contacts' colours and notifications, the same-venue visitors and the contacts of
      // contacts: background work, queued here so that it commits (or not) with the case. The
      // case's own colour is in it too, in case the process stops before it reassesses it below.
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
    await this.reassess([personId])
    if (result.queued) this.background.queued()
    return result
  }
}
