import type { Kysely, Migration } from 'kysely'

/**
 * Districts: the areas a region's authority defines (code and name), from which risk areas and
 * venues' districts are picked instead of typed. One row per (issuer, code).
 */
export function districtsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('districts')
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('districts_pk', ['issuer_id', 'code'])
        .execute()
    },
  }
}
