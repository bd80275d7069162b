import type { Actor } from '../access/actor.js'
import { requireHolderOrStaff } from '../certificates/holder-or-staff.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { FixedWindowLimit, WindowUse } from '../limits/fixed-window-limit.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import { authorize } from '../policy/policy.js'
import type { Store, StoreTransaction } from '../ports.js'
import { type AttachmentLimits, type UploadedFile, checkAttachments } from './attachment-check.js'
import type { Attachment, Evidence } from './commission-request.js'
import {
  type CommissionRequestView,
  type CommissionRequestViews,
  openStatuses,
  readableRequest,
} from './commission-request-views.js'
import { validateEvidence } from './evidence-validation.js'

/** Staff who file evidence for a person without an account. */
export { filerRoles } from '../policy/role-sets.js'

/**
 * Per-person quotas on the commission's requests: requests waiting at once, and evidence bytes
 * per day (counted in the shared limit store).
 */
export interface CommissionQuotas {
  readonly openRequests: number
  readonly evidenceBytes: FixedWindowLimit
}

/**
 * Requests to the medical commission: a person (or a clinician for them) submits evidence of an
 * illness they had, with its files; the person, staff who may file for them and the commission
 * read the requests and their files. Deciding them is the {@link CommissionDecisionService}'s.
 */
export class CommissionRequestService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly views: CommissionRequestViews,
    private readonly attachmentLimits: AttachmentLimits,
    /** Unset, nothing is limited. */
    private readonly quotas?: CommissionQuotas,
  ) {}

  /**
   * Files a request for a person: by the person themselves, or by a clinician of their issuer.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (the evidence),
   *   `ERR_ATTACHMENT` (a file); {@link LimitReachedError} `ERR_QUOTA_OPEN_REQUESTS`,
   *   `ERR_QUOTA_EVIDENCE_BYTES`.
   * @example
   * ```ts
   * const filed = await commissionRequests.submit(citizen, personId, evidence, [])
   * ```
   */
  async submit(
    actor: Actor,
    personId: string,
    evidence: Evidence,
    files: readonly UploadedFile[],
  ): Promise<CommissionRequestView> {
    const checked = checkAttachments(files, this.attachmentLimits)
    const quotas = this.quotas
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
      if (quotas) {
        const waiting = (await tx.commission.listForPerson(personId)).filter((request) =>
          openStatuses.includes(request.status),
        ).length
        if (waiting >= quotas.openRequests) {
          throw new LimitReachedError(
            'ERR_QUOTA_OPEN_REQUESTS',
            `expected at most ${quotas.openRequests} requests waiting for a decision at once, but ${waiting} are waiting`,
            undefined,
          )
        }
      }
      return { person, now }
    }
    const bytes = checked.reduce((sum, file) => sum + file.size, 0)
    let evidenceUse: WindowUse | undefined
    if (quotas && bytes > 0) {
      await this.store.transaction(admit)
      const use = await quotas.evidenceBytes.take(personId, bytes)
      if (!use.allowed) {
        throw new LimitReachedError(
          'ERR_QUOTA_EVIDENCE_BYTES',
          `expected at most ${quotas.evidenceBytes.options.max} bytes of evidence per person per day, but ${use.count} are stored today and these files have ${bytes}`,
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
      return this.views.view(tx, request)
    })
    try {
      return await submitted
    } catch (error) {
      await evidenceUse?.giveBack()
      throw error
    }
  }

  /**
   * One request: the person, staff who may file for them, or the commission of their issuer.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async find(actor: Actor, requestId: string): Promise<CommissionRequestView> {
    return this.store.transaction(async (tx) => {
      const { request } = await readableRequest(tx, actor, requestId)
      return this.views.view(tx, request)
    })
  }

  /**
   * An attachment's bytes, for whoever may read its request.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async attachment(actor: Actor, requestId: string, attachmentId: string): Promise<Attachment> {
    return this.store.transaction(async (tx) => {
      await readableRequest(tx, actor, requestId)
      const attachment = await tx.commission.findAttachment(attachmentId)
      if (!attachment || attachment.requestId !== requestId) {
        throw new DomainError('ERR_NOT_FOUND', `no attachment ${attachmentId} on ${requestId}`)
      }
      return attachment
    })
  }

  /**
   * A person's requests, newest first.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async listForPerson(actor: Actor, personId: string): Promise<CommissionRequestView[]> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await requireHolderOrStaff(tx, actor, person)
      const requests = await tx.commission.listForPerson(personId)
      return Promise.all(requests.map((request) => this.views.view(tx, request)))
    })
  }
}
