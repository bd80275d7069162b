import type { Kysely, Migration } from 'kysely'

/**
 * Exposures are read by person (a person's colour: their exposures since a day) and by case (the
 * case's page, closing it). The person's are all in `exposures_unique` (person, case, kind), a
 * handful a person, so `exposures_person_idx` (person, time) read nothing that index did not,
 * while each exposure written cost a page of it at a random place. The case's had no index at all:
 * a full scan of the table. So the person-and-time index goes and one by case and time comes,
 * whose entries for one case's exposures, written together, sit together.
 */
export function exposuresByCaseMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('exposures_person_idx').execute()
      await db.schema
        .createIndex('exposures_case_idx')
        .on('exposures')
        .columns(['case_id', 'at'])
        .execute()
    },
  }
}
