import type { Notification } from '../tracing/tracing.js'
import type { CommissionDecision, CommissionRequest } from './commission-request.js'

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
