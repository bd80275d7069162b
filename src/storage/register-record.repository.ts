import { randomUUID } from 'node:crypto'
import type { RegisterRecordRepository } from '../domain/ports.js'
import type { NewRegisterRecord, RegisterRecord } from '../domain/register/register-record.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, withConstraintErrors } from './repository-context.js'
import type { RegisterRecordRow } from './schema.js'

/** Maps a row of `register_records` to a {@link RegisterRecord}. */
export function registerRecordRowToRecord(row: RegisterRecordRow): RegisterRecord {
  return {
    id: row.id,
    personId: row.person_id,
    issuerId: row.issuer_id,
    kind: row.kind,
    data: JSON.parse(row.data),
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  } as RegisterRecord
}

/** Register records in the `register_records` table. */
export class KyselyRegisterRecordRepository implements RegisterRecordRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** @throws {StorageError} `ERR_STORAGE_FOREIGN_KEY` for an unknown person or issuer. */
  async create(record: NewRegisterRecord): Promise<RegisterRecord> {
    const row: RegisterRecordRow = {
      id: randomUUID(),
      person_id: record.personId,
      issuer_id: record.issuerId,
      kind: record.kind,
      data: JSON.stringify(record.data),
      recorded_by: record.recordedBy,
      recorded_at: isoTimestamp(record.recordedAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('register_records').values(row).execute(),
    )
    return registerRecordRowToRecord(row)
  }

  async find(id: string): Promise<RegisterRecord | undefined> {
    const row = await this.context.db
      .selectFrom('register_records')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && registerRecordRowToRecord(row)
  }

  async listForPerson(personId: string): Promise<RegisterRecord[]> {
    const rows = await this.context.db
      .selectFrom('register_records')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
    return rows.map(registerRecordRowToRecord)
  }
}
