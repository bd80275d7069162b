import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { StoreTransaction } from '../ports.js'
import type { AttachmentInfo, CommissionRequest, CommissionStatus } from './commission-request.js'

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

const HOUR = 3_600_000

/**
 * How a request is shown: with its files' descriptions and how long it has waited against the
 * commission's time to decide. Shared by the request and decision services.
 */
export class CommissionRequestViews {
  constructor(
    private readonly clock: Clock,
    private readonly policy: CommissionPolicy,
  ) {}

  /** The request as shown, read now. */
  async view(tx: StoreTransaction, request: CommissionRequest): Promise<CommissionRequestView> {
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

/**
 * A request the actor may read (the person, staff who may file for them, or the commission of its
 * issuer), with its person.
 *
 * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
 */
export async function readableRequest(
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
