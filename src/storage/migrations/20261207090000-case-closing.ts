import type { Kysely, Migration } from 'kysely'

/**
 * Cases can be closed and reopened: `closed_at` is when the authority closed the case (null while
 * it is open). A person stays one case: a closed case is reopened, never confirmed twice.
 */
export function caseClosingMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').addColumn('closed_at', 'text').execute()
    },
  }
}
