import type { AntibodyData, TestData } from '../register/register-record.js'

/** What a person brings to the commission: a positive PCR/antigen result, or an antibody test. */
export type Evidence =
  | { readonly kind: 'test'; readonly data: TestData }
  | { readonly kind: 'antibody'; readonly data: AntibodyData }

/**
 * The life of a request: submitted → approved | refused; a refusal (or an approval the person
 * contests) may be appealed once → appealed → appeal_approved | appeal_refused.
 */
export type CommissionStatus =
  'submitted' | 'approved' | 'refused' | 'appealed' | 'appeal_approved' | 'appeal_refused'

/** A member's decision. */
export interface CommissionDecision {
  readonly outcome: 'approved' | 'refused'
  /** Required for a refusal; optional note for an approval. */
  readonly reason: string | undefined
  readonly decidedBy: string
  readonly decidedAt: string
}

/** The person's appeal against a decision. */
export interface CommissionAppeal {
  readonly reason: string
  readonly appealedBy: string
  readonly appealedAt: string
}

/** A request to the commission of the person's issuer. */
export interface CommissionRequest {
  readonly id: string
  readonly personId: string
  readonly issuerId: string
  readonly evidence: Evidence
  readonly status: CommissionStatus
  readonly submittedBy: string
  readonly submittedAt: string
  readonly decision: CommissionDecision | undefined
  readonly appeal: CommissionAppeal | undefined
  readonly appealDecision: CommissionDecision | undefined
  /** The recovery or antibody record an approval created. */
  readonly recordId: string | undefined
  readonly updatedAt: string
}

/** A file attached to a request, without its bytes. */
export interface AttachmentInfo {
  readonly id: string
  readonly requestId: string
  readonly fileName: string
  readonly mediaType: 'application/pdf' | 'image/png' | 'image/jpeg'
  readonly size: number
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string
  readonly createdAt: string
}

/** An attachment with its bytes. */
export interface Attachment extends AttachmentInfo {
  readonly content: Uint8Array
}
