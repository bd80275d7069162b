import type { Kysely, Migration } from 'kysely'

/**
 * Whether a case's queued background work has told the close contacts the answer recorded
 * (`tracing_work.close_contacts_told`). Their notifications moved from the answer to the background
 * work, in the transaction that sets this to 1, so each is written once. Work queued before this
 * migration was told in its answer already: the column's default says so.
 */
export function closeContactsToldMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('tracing_work')
        .addColumn('close_contacts_told', 'integer', (c) => c.notNull().defaultTo(1))
        .execute()
    },
  }
}
