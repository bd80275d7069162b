import type {
  Attachment,
  AttachmentInfo,
  CommissionRequest,
  CommissionStatus,
} from './commission-request.js'

/** The commission's requests and their attachments. */
export interface CommissionRepository {
  create(
    request: Omit<
      CommissionRequest,
      'id' | 'decision' | 'appeal' | 'appealDecision' | 'recordId' | 'status'
    >,
  ): Promise<CommissionRequest>
  find(id: string): Promise<CommissionRequest | undefined>
  /**
   * Moves a request on if it is still in `from`; tells whether it did (a concurrent decision on
   * the same request loses).
   */
  advance(
    id: string,
    from: CommissionStatus,
    changes: Partial<
      Pick<CommissionRequest, 'status' | 'decision' | 'appeal' | 'appealDecision' | 'recordId'>
    > & { updatedAt: string },
  ): Promise<boolean>
  /** An issuer's requests in the given statuses, oldest first (the queue). */
  queue(
    issuerId: string,
    statuses: readonly CommissionStatus[],
    page: { limit: number; offset: number },
  ): Promise<CommissionRequest[]>
  /** A person's requests, newest first. */
  listForPerson(personId: string): Promise<CommissionRequest[]>
  addAttachment(attachment: Omit<Attachment, 'id'>): Promise<AttachmentInfo>
  listAttachments(requestId: string): Promise<AttachmentInfo[]>
  findAttachment(id: string): Promise<Attachment | undefined>
}
