import type { NewRegisterRecord, RegisterRecord } from './register-record.js'

/** The medical register's records: vaccinations, tests, recoveries, antibody tests. */
export interface RegisterRecordRepository {
  create(record: NewRegisterRecord): Promise<RegisterRecord>
  find(id: string): Promise<RegisterRecord | undefined>
  /** A person's records, oldest first. */
  listForPerson(personId: string): Promise<RegisterRecord[]>
}
