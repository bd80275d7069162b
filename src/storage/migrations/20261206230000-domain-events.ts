import type { Kysely, Migration } from 'kysely'

/**
 * The outbox of domain events (`domain_events`): written in the transaction of the change that
 * raises the event, removed once every reaction succeeded; `next_attempt_at` says when a failed
 * delivery is tried again.
 */
export function domainEventsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('domain_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .execute()
      await db.schema
        .createIndex('domain_events_due_idx')
        .on('domain_events')
        .column('next_attempt_at')
        .execute()
    },
  }
}
