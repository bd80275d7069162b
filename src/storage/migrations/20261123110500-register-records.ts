import type { Kysely, Migration } from 'kysely'

/** The medical register: one table for every kind of record, the fields as JSON text. */
export function registerRecordsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('register_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('register_records_person_idx')
        .on('register_records')
        .columns(['person_id', 'recorded_at'])
        .execute()
    },
  }
}
