import type { Actor } from '../access/actor.js'
import { recoveryFromTest } from '../certificates/certificate-policy.js'
import type { CertificatePolicy } from '../certificates/certificate-policy.js'
import type {
  CertificateEffects,
  CertificateIssuingService,
} from '../certificates/certificate-issuing-service.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { type RecordEvents, recordAdded } from '../events/record-events.js'
import type { Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type {
  CommissionDecision,
  CommissionRequest,
  CommissionStatus,
} from './commission-request.js'
import {
  type CommissionRequestView,
  type CommissionRequestViews,
  openStatuses,
} from './commission-request-views.js'
import { decisionNotification } from './decision-notification.js'

/** The commission's members. */
export { memberRoles } from '../policy/role-sets.js'

/** What a decision did. */
export interface DecisionResult {
  readonly request: CommissionRequestView
  readonly record: RegisterRecord | undefined
  readonly effects: CertificateEffects | undefined
}

/**
 * The medical commission's review: a member of the commission of the person's issuer works
 * through the queue and approves a request, which enters the recovery (or antibody) record and
 * issues its certificate in the same transaction, or refuses it with a reason; the person may
 * appeal once, and a different member decides the appeal.
 */
export class CommissionDecisionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly views: CommissionRequestViews,
    private readonly certificates: CertificateIssuingService,
    private readonly certificatePolicy: CertificatePolicy,
    /** Where an approval's record is announced (the health code recomputes). */
    private readonly events?: RecordEvents,
  ) {}

  /**
   * The commission's queue: requests of the member's issuer in the given statuses (by default
   * those waiting for a decision), longest waiting first.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`.
   */
  async queue(
    actor: Actor,
    options: {
      issuerId?: string | undefined
      statuses?: readonly CommissionStatus[] | undefined
      limit: number
      offset: number
    },
  ): Promise<CommissionRequestView[]> {
    return this.store.transaction(async (tx) => {
      const issuerId = options.issuerId ?? actor.issuerId
      if (issuerId === undefined) {
        throw new DomainError('ERR_FORBIDDEN', 'a commission member acts for an issuer')
      }
      await authorize(tx, actor, 'list', { kind: 'commission_request', issuerId })
      const requests = await tx.commission.queue(issuerId, options.statuses ?? openStatuses, {
        limit: options.limit,
        offset: options.offset,
      })
      return Promise.all(requests.map((request) => this.views.view(tx, request)))
    })
  }

  /**
   * A member decides a submitted request, or an appealed one (then a different member than the one
   * who decided first). Approval enters the record and issues its certificate in the same
   * transaction, and the decision reaches the person's feed in it too: a failure leaves none of
   * them behind.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_APPEAL_SAME_MEMBER`,
   *   `ERR_REQUEST_DECIDED`, `ERR_ANTIBODY_BELOW_THRESHOLD`, `ERR_INVALID_FIELD` (`reason` missing on a refusal).
   * @example
   * ```ts
   * const { request, record } = await commissionDecisions.decide(member, requestId, 'approved', undefined)
   * ```
   */
  async decide(
    actor: Actor,
    requestId: string,
    outcome: 'approved' | 'refused',
    reason: string | undefined,
  ): Promise<DecisionResult> {
    const trimmed = reason?.trim() || undefined
    if (outcome === 'refused' && (trimmed === undefined || trimmed.length < 10)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a refusal needs a written reason of at least 10 characters',
        'reason',
      )
    }
    const result = await this.store.transaction(async (tx) => {
      const request = await tx.commission.find(requestId)
      if (!request) throw new DomainError('ERR_NOT_FOUND', `no commission request ${requestId}`)
      await authorize(tx, actor, 'decide', {
        kind: 'commission_request',
        id: requestId,
        issuerId: request.issuerId,
      })
      const onAppeal = request.status === 'appealed'
      if (!onAppeal && request.status !== 'submitted') {
        throw new DomainError(
          'ERR_REQUEST_DECIDED',
          `request ${requestId} is ${request.status}: there is nothing to decide`,
        )
      }
      if (onAppeal && request.decision?.decidedBy === actor.accountId) {
        throw new DomainError(
          'ERR_APPEAL_SAME_MEMBER',
          'an appeal is decided by a different member than the one who decided first',
        )
      }
      const now = this.clock()
      const at = now.toISOString()
      const decision: CommissionDecision = {
        outcome,
        reason: trimmed,
        decidedBy: actor.accountId,
        decidedAt: at,
      }
      let record: RegisterRecord | undefined
      let effects: CertificateEffects | undefined
      if (outcome === 'approved') {
        const person = (await tx.people.find(request.personId)) as Person
        ;({ record, effects } = await this.#enterRecord(tx, actor, request, person, now))
      }
      const status: CommissionStatus = onAppeal
        ? outcome === 'approved'
          ? 'appeal_approved'
          : 'appeal_refused'
        : outcome
      const moved = await tx.commission.advance(requestId, request.status, {
        status,
        ...(onAppeal ? { appealDecision: decision } : { decision }),
        ...(record ? { recordId: record.id } : {}),
        updatedAt: at,
      })
      if (!moved) {
        throw new DomainError('ERR_REQUEST_DECIDED', `request ${requestId} was decided meanwhile`)
      }
      // In the decision's transaction: the person hears of exactly the decisions that stand.
      await tx.tracing.notify(
        decisionNotification(request, decision, onAppeal, effects?.issued?.id, at),
      )
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: onAppeal ? 'commission.appeal.decide' : 'commission.decide',
          entityType: 'commission_request',
          entityId: requestId,
          reason: trimmed,
          data: {
            outcome,
            personId: request.personId,
            recordId: record?.id ?? null,
            certificateId: effects?.issued?.id ?? null,
          },
        },
        at,
      )
      const updated = (await tx.commission.find(requestId)) as CommissionRequest
      const eventId = record ? await this.events?.add(tx, recordAdded(actor, record)) : undefined
      return { request: await this.views.view(tx, updated), record, effects, eventId }
    })
    if (result.effects) this.certificates.statusChanged(result.effects)
    if (result.eventId !== undefined) await this.events?.deliver(result.eventId)
    return { request: result.request, record: result.record, effects: result.effects }
  }

  /**
   * The person (or staff filing for them) appeals a refusal, once.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_REQUEST_NOT_APPEALABLE` (not refused,
   *   or appealed already), `ERR_INVALID_FIELD` (`reason`).
   */
  async appeal(actor: Actor, requestId: string, reason: string): Promise<CommissionRequestView> {
    const trimmed = reason.trim()
    if (trimmed.length < 10) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'an appeal needs a written reason of at least 10 characters',
        'reason',
      )
    }
    return this.store.transaction(async (tx) => {
      const request = await tx.commission.find(requestId)
      if (!request) throw new DomainError('ERR_NOT_FOUND', `no commission request ${requestId}`)
      const person = (await tx.people.find(request.personId)) as Person
      await authorize(tx, actor, 'update', {
        kind: 'commission_request',
        id: requestId,
        issuerId: person.issuerId,
        holders: [person.accountId],
      })
      if (request.status !== 'refused') {
        throw new DomainError(
          'ERR_REQUEST_NOT_APPEALABLE',
          request.appeal
            ? `request ${requestId} was appealed already: a request is appealed once`
            : `request ${requestId} is ${request.status}: only a refusal can be appealed`,
        )
      }
      const at = this.clock().toISOString()
      const moved = await tx.commission.advance(requestId, 'refused', {
        status: 'appealed',
        appeal: { reason: trimmed, appealedBy: actor.accountId, appealedAt: at },
        updatedAt: at,
      })
      if (!moved) {
        throw new DomainError(
          'ERR_REQUEST_NOT_APPEALABLE',
          `request ${requestId} was appealed meanwhile`,
        )
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'commission.appeal',
          entityType: 'commission_request',
          entityId: requestId,
          reason: trimmed,
          data: { personId: request.personId },
        },
        at,
      )
      return this.views.view(tx, (await tx.commission.find(requestId)) as CommissionRequest)
    })
  }

  /** An approval's register record, audited, and its certificate issued (when it can be). */
  async #enterRecord(
    tx: StoreTransaction,
    actor: Actor,
    request: CommissionRequest,
    person: Person,
    now: Date,
  ): Promise<{ record: RegisterRecord; effects: CertificateEffects }> {
    const evidence = request.evidence
    let kind: 'recovery' | 'antibody'
    let data
    if (evidence.kind === 'test') {
      kind = 'recovery'
      data = recoveryFromTest(evidence.data, this.certificatePolicy)
    } else {
      if (evidence.data.value < evidence.data.threshold) {
        throw new DomainError(
          'ERR_ANTIBODY_BELOW_THRESHOLD',
          `the antibody level ${evidence.data.value} ${evidence.data.unit} is below the threshold ${evidence.data.threshold}: refuse the request instead`,
        )
      }
      kind = 'antibody'
      data = evidence.data
    }
    const record = await tx.records.create({
      personId: person.id,
      issuerId: person.issuerId,
      kind,
      data,
      recordedBy: actor.accountId,
      recordedAt: now.toISOString(),
    } as Omit<RegisterRecord, 'id'>)
    await tx.audit.append(
      {
        actorAccountId: actor.accountId,
        action: 'record.create',
        entityType: kind,
        entityId: record.id,
        reason: `commission request ${request.id}`,
        data: { personId: person.id, ...data },
      },
      now.toISOString(),
    )
    const effects = await this.certificates.afterRecord(tx, actor, record, person)
    return { record, effects }
  }
}
