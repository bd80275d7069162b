import { randomUUID } from 'node:crypto'
import type {
  Attachment,
  AttachmentInfo,
  CommissionRequest,
  CommissionStatus,
} from '../domain/commission/commission-request.js'
import type { CommissionRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type {
  CommissionAttachmentRow,
  CommissionRequestRow,
  CommissionRequestTable,
} from './schema.js'

const parsed = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T)

/** Maps a row of `commission_requests` to a {@link CommissionRequest}. */
export function commissionRowToRequest(row: CommissionRequestRow): CommissionRequest {
  return {
    id: row.id,
    personId: row.person_id,
    issuerId: row.issuer_id,
    evidence: { kind: row.evidence_kind, data: JSON.parse(row.evidence) },
    status: row.status,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
    decision: parsed(row.decision),
    appeal: parsed(row.appeal),
    appealDecision: parsed(row.appeal_decision),
    recordId: optional(row.record_id),
    updatedAt: row.updated_at,
  } as CommissionRequest
}

function attachmentInfo(row: Omit<CommissionAttachmentRow, 'content'>): AttachmentInfo {
  return {
    id: row.id,
    requestId: row.request_id,
    fileName: row.file_name,
    mediaType: row.media_type as AttachmentInfo['mediaType'],
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at,
  }
}

const infoColumns = [
  'id',
  'request_id',
  'file_name',
  'media_type',
  'size',
  'sha256',
  'created_at',
] as const

/** Commission requests and attachments in `commission_requests` and `commission_attachments`. */
export class KyselyCommissionRepository implements CommissionRepository {
  constructor(private readonly context: RepositoryContext) {}

  async create(request: Parameters<CommissionRepository['create']>[0]): Promise<CommissionRequest> {
    const row: CommissionRequestRow = {
      id: randomUUID(),
      person_id: request.personId,
      issuer_id: request.issuerId,
      evidence_kind: request.evidence.kind,
      evidence: JSON.stringify(request.evidence.data),
      status: 'submitted',
      submitted_by: request.submittedBy,
      submitted_at: isoTimestamp(request.submittedAt),
      decision: null,
      appeal: null,
      appeal_decision: null,
      record_id: null,
      updated_at: isoTimestamp(request.updatedAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('commission_requests').values(row).execute(),
    )
    return commissionRowToRequest(row)
  }

  async find(id: string): Promise<CommissionRequest | undefined> {
    const row = await this.context.db
      .selectFrom('commission_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && commissionRowToRequest(row)
  }

  async advance(
    id: string,
    from: CommissionStatus,
    changes: Parameters<CommissionRepository['advance']>[2],
  ): Promise<boolean> {
    const set: Partial<CommissionRequestTable> = { updated_at: isoTimestamp(changes.updatedAt) }
    if (changes.status !== undefined) set.status = changes.status
    if (changes.decision !== undefined) set.decision = JSON.stringify(changes.decision)
    if (changes.appeal !== undefined) set.appeal = JSON.stringify(changes.appeal)
    if (changes.appealDecision !== undefined) {
      set.appeal_decision = JSON.stringify(changes.appealDecision)
    }
    if (changes.recordId !== undefined) set.record_id = changes.recordId
    const result = await withConstraintErrors(
      this.context,
      this.context.db
        .updateTable('commission_requests')
        .set(set)
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst(),
    )
    return Number(result.numUpdatedRows) === 1
  }

  async queue(
    issuerId: string,
    statuses: readonly CommissionStatus[],
    page: { limit: number; offset: number },
  ): Promise<CommissionRequest[]> {
    const rows = await this.context.db
      .selectFrom('commission_requests')
      .selectAll()
      .where('issuer_id', '=', issuerId)
      .where('status', 'in', [...statuses])
      .orderBy('updated_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
    return rows.map(commissionRowToRequest)
  }

  async listForPerson(personId: string): Promise<CommissionRequest[]> {
    const rows = await this.context.db
      .selectFrom('commission_requests')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('submitted_at', 'desc')
      .orderBy('id')
      .execute()
    return rows.map(commissionRowToRequest)
  }

  async addAttachment(attachment: Omit<Attachment, 'id'>): Promise<AttachmentInfo> {
    const row: CommissionAttachmentRow = {
      id: randomUUID(),
      request_id: attachment.requestId,
      file_name: attachment.fileName,
      media_type: attachment.mediaType,
      size: attachment.size,
      sha256: attachment.sha256,
      content: Buffer.from(attachment.content),
      created_at: isoTimestamp(attachment.createdAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('commission_attachments').values(row).execute(),
    )
    return attachmentInfo(row)
  }

  async listAttachments(requestId: string): Promise<AttachmentInfo[]> {
    const rows = await this.context.db
      .selectFrom('commission_attachments')
      .select(infoColumns)
      .where('request_id', '=', requestId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(attachmentInfo)
  }

  async findAttachment(id: string): Promise<Attachment | undefined> {
    const row = await this.context.db
      .selectFrom('commission_attachments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && { ...attachmentInfo(row), content: new Uint8Array(row.content) }
  }
}
