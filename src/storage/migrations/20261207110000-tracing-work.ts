import type { Kysely, Migration } from 'kysely'

/**
 * The durable queue of tracing's background work (`tracing_work`): a confirmed case's close
 * contacts are recorded before the answer, and a row here, in the same transaction, stands for
 * the same-venue visitors and contacts of contacts still to record. A job works through the rows
 * in bounded batches and removes each when done; a crash in between leaves the row, and the work
 * resumes when a server starts.
 */
export function tracingWorkMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tracing_work')
        .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
        .addColumn('traced_at', 'text', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reassess', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('tracing_work_created_idx')
        .on('tracing_work')
        .column('created_at')
        .execute()
    },
  }
}
