import type { Actor } from '../access/actor.js'
import { TEST_DETECTED, recoveryFromTest } from '../certificates/certificate-policy.js'
import type { CertificatePolicy } from '../certificates/certificate-policy.js'
import type {
  CertificateEffects,
  CertificateIssuingService,
} from '../certificates/certificate-issuing-service.js'
import { requireHolderOrStaff } from '../certificates/holder-or-staff.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { type RecordEvents, recordAdded } from '../events/record-events.js'
import { authorize } from '../policy/policy.js'
import type { Person } from '../people/person.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type { Notification } from '../tracing/tracing.js'
import { validateRecord } from '../register/register-validation.js'
import type { FixedWindowLimit, WindowUse } from '../limits/fixed-window-limit.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import { type AttachmentLimits, type UploadedFile, checkAttachments } from './attachment-check.js'
import type {
  Attachment,
  AttachmentInfo,
  CommissionDecision,
  CommissionRequest,
  CommissionStatus,
  Evidence,
} from './commission-request.js'

/** Staff who file evidence for a person without an account, and the commission. */
export { filerRoles, memberRoles } from '../policy/role-sets.js'

/** Statuses that wait for a member. */
export const openStatuses: readonly CommissionStatus[] = ['submitted', 'appealed']

/** How long the commission has to decide. */
export interface CommissionPolicy {
  /** Days a request (or an appeal) may wait before it is overdue, default 5. */
  readonly decisionDays: number
}

/** A request with its files and how long it has waited. */
export interface CommissionRequestView extends CommissionRequest {
  readonly attachments: readonly AttachmentInfo[]
  /** When the current wait began (submission or appeal); undefined once decided. */
  readonly waitingSince: string | undefined
  readonly waitingHours: number | undefined
  readonly dueBy: string | undefined
  readonly overdue: boolean
}

/** What a decision did. */
export interface DecisionResult {
  readonly request: CommissionRequestView
  readonly record: RegisterRecord | undefined
  readonly effects: CertificateEffects | undefined
}

const HOUR = 3_600_000

/**
 * The medical commission: a person (or a clinician for them) submits evidence of an illness they
 * had; a member of the commission of the person's issuer approves it, which enters the recovery
 * (or antibody) record and issues its certificate in the same transaction, or refuses it with a
 * reason; the person may appeal once, and a different member decides the appeal.
 */
export class CommissionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly certificates: CertificateIssuingService,
    private readonly certificatePolicy: CertificatePolicy,
    private readonly attachmentLimits: AttachmentLimits,
    private readonly policy: CommissionPolicy,
    private readonly options: {
      /**
       * Per-person quotas: requests waiting at once, and evidence bytes per day (counted in the
       * shared limit store). Unset, nothing is limited.
       */
      readonly quotas?: { openRequests: number; evidenceBytes: FixedWindowLimit }
      /** Where an approval's record is announced (the health code recomputes). */
      readonly events?: RecordEvents
    } = {},
  ) {}

  /**
   * Files a request for a person: by the person themselves, or by a clinician of their issuer.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (the evidence),
   *   `ERR_ATTACHMENT` (a file).
   */
  async submit(
    actor: Actor,
    personId: string,
    evidence: Evidence,
    files: readonly UploadedFile[],
  ): Promise<CommissionRequestView> {
    const checked = checkAttachments(files, this.attachmentLimits)
    // Who may file, and whether the evidence holds, are checked first (so that nobody spends
    // another person's quota); then the bytes are taken from the shared counters, outside any
    // transaction, and given back if the request is not stored after all.
    const admit = async (tx: StoreTransaction) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await authorize(tx, actor, 'create', {
        kind: 'commission_request',
        issuerId: person.issuerId,
        holders: [person.accountId],
      })
      const now = this.clock()
      validateEvidence(evidence, person, now)
      if (this.options.quotas) {
        const waiting = (await tx.commission.listForPerson(personId)).filter((request) =>
          openStatuses.includes(request.status),
        ).length
        if (waiting >= this.options.quotas.openRequests) {
          throw new LimitReachedError(
            'ERR_QUOTA_OPEN_REQUESTS',
            `expected at most ${this.options.quotas.openRequests} requests waiting for a decision at once, but ${waiting} are waiting`,
            undefined,
          )
        }
      }
      return { person, now }
    }
    const bytes = checked.reduce((sum, file) => sum + file.size, 0)
    let evidenceUse: WindowUse | undefined
    if (this.options.quotas && bytes > 0) {
      await this.store.transaction(admit)
      const use = await this.options.quotas.evidenceBytes.take(personId, bytes)
      if (!use.allowed) {
        throw new LimitReachedError(
          'ERR_QUOTA_EVIDENCE_BYTES',
          `expected at most ${this.options.quotas.evidenceBytes.options.max} bytes of evidence per person per day, but ${use.count} are stored today and these files have ${bytes}`,
          secondsUntil(use.resetsAt, this.clock()),
        )
      }
      evidenceUse = use
    }
    const submitted = this.store.transaction(async (tx) => {
      const { person, now } = await admit(tx)
      const at = now.toISOString()
      const request = await tx.commission.create({
        personId,
        issuerId: person.issuerId,
        evidence,
        submittedBy: actor.accountId,
        submittedAt: at,
        updatedAt: at,
      })
      for (const file of checked) {
        await tx.commission.addAttachment({ requestId: request.id, createdAt: at, ...file })
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'commission.submit',
          entityType: 'commission_request',
          entityId: request.id,
          reason: undefined,
          data: {
            personId,
            evidence: { kind: evidence.kind, ...evidence.data },
            attachments: checked.map((file) => ({
              fileName: file.fileName,
              mediaType: file.mediaType,
              size: file.size,
              sha256: file.sha256,
            })),
          },
        },
        at,
      )
      return this.#view(tx, request)
    })
    try {
      return await submitted
    } catch (error) {
      await evidenceUse?.giveBack()
      throw error
    }
  }

  /** One request: the person, staff who may file for them, or the commission of their issuer. */
  async find(actor: Actor, requestId: string): Promise<CommissionRequestView> {
    return this.store.transaction(async (tx) => {
      const { request } = await this.#readable(tx, actor, requestId)
      return this.#view(tx, request)
    })
  }

  /** An attachment's bytes, for whoever may read its request. */
  async attachment(actor: Actor, requestId: string, attachmentId: string): Promise<Attachment> {
    return this.store.transaction(async (tx) => {
      await this.#readable(tx, actor, requestId)
      const attachment = await tx.commission.findAttachment(attachmentId)
      if (!attachment || attachment.requestId !== requestId) {
        throw new DomainError('ERR_NOT_FOUND', `no attachment ${attachmentId} on ${requestId}`)
      }
      return attachment
    })
  }

  /** A person's requests, newest first. */
  async listForPerson(actor: Actor, personId: string): Promise<CommissionRequestView[]> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await requireHolderOrStaff(tx, actor, person)
      const requests = await tx.commission.listForPerson(personId)
      return Promise.all(requests.map((request) => this.#view(tx, request)))
    })
  }

  /**
   * The commission's queue: requests of the member's issuer in the given statuses (by default
   * those waiting for a decision), longest waiting first.
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
      return Promise.all(requests.map((request) => this.#view(tx, request)))
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
      const eventId = record
        ? await this.options.events?.add(tx, recordAdded(actor, record))
        : undefined
      return { request: await this.#view(tx, updated), record, effects, eventId }
    })
    if (result.effects) this.certificates.statusChanged(result.effects)
    if (result.eventId !== undefined) await this.options.events?.deliver(result.eventId)
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
      return this.#view(tx, (await tx.commission.find(requestId)) as CommissionRequest)
    })
  }

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

  async #readable(
    tx: StoreTransaction,
    actor: Actor,
    requestId: string,
  ): Promise<{ request: CommissionRequest; person: Person }> {
    const request = await tx.commission.find(requestId)
    if (!request) throw new DomainError('ERR_NOT_FOUND', `no commission request ${requestId}`)
    const person = (await tx.people.find(request.personId)) as Person
    await authorize(tx, actor, 'read', {
      kind: 'commission_request',
      id: requestId,
      issuerId: request.issuerId,
      holders: [person.accountId],
    })
    return { request, person }
  }

  async #view(tx: StoreTransaction, request: CommissionRequest): Promise<CommissionRequestView> {
    const attachments = await tx.commission.listAttachments(request.id)
    const waiting = openStatuses.includes(request.status)
    const since = waiting ? request.updatedAt : undefined
    const now = this.clock().getTime()
    const due =
      since === undefined ? undefined : Date.parse(since) + this.policy.decisionDays * 24 * HOUR
    return {
      ...request,
      attachments,
      waitingSince: since,
      waitingHours: since === undefined ? undefined : Math.floor((now - Date.parse(since)) / HOUR),
      dueBy: due === undefined ? undefined : new Date(due).toISOString(),
      overdue: due !== undefined && now > due,
    }
  }
}

/** What a person's feed says of a decision on their request (`kind: 'commission'`). */
export interface CommissionNotificationData {
  readonly requestId: string
  /** What the request asks for: a recovery (a positive test) or an antibody record. */
  readonly request: 'recovery' | 'antibody'
  readonly decision: 'approved' | 'refused'
  /** Whether this decides an appeal. */
  readonly appeal: boolean
  /** The member's written reason (always there for a refusal). */
  readonly reason: string | null
  /** The certificate an approval issued, when the issuer can sign. */
  readonly certificateId: string | null
}

/** The feed entry that tells a person of a decision on their request. */
export function decisionNotification(
  request: CommissionRequest,
  decision: CommissionDecision,
  onAppeal: boolean,
  certificateId: string | undefined,
  at: string,
): Omit<Notification, 'id' | 'readAt'> {
  const data: CommissionNotificationData = {
    requestId: request.id,
    request: request.evidence.kind === 'test' ? 'recovery' : 'antibody',
    decision: decision.outcome,
    appeal: onAppeal,
    reason: decision.reason ?? null,
    certificateId: certificateId ?? null,
  }
  return { personId: request.personId, kind: 'commission', data: { ...data }, createdAt: at }
}

/**
 * Checks evidence like a register record (codes, dates), and that a test is positive: a
 * negative result is no evidence of an illness.
 */
function validateEvidence(evidence: Evidence, person: Person, now: Date): void {
  try {
    validateEvidenceData(evidence, person, now)
  } catch (error) {
    if (
      error instanceof DomainError &&
      error.field !== undefined &&
      !error.field.startsWith('evidence.')
    ) {
      throw new DomainError(
        error.code,
        error.message,
        `evidence.data.${error.field.replace(/^(test|antibody)\./, '')}`,
      )
    }
    throw error
  }
}

function validateEvidenceData(evidence: Evidence, person: Person, now: Date): void {
  if (evidence.kind === 'test') {
    validateRecord('test', evidence.data, person.birthDate, now)
    if (evidence.data.result !== TEST_DETECTED) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `a test submitted as evidence of an illness must be positive (result ${TEST_DETECTED})`,
        'evidence.data.result',
      )
    }
  } else {
    validateRecord('antibody', evidence.data, person.birthDate, now)
  }
}
