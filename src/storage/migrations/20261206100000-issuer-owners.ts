import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Regions own their data: the audit log, venues, risk rule sets, validity rule sets and entry
 * policies name the issuer they belong to. Existing rules and venues belong to the root (federal)
 * issuer. Existing audit entries keep no issuer (the log is append-only and their hashes cover no
 * issuer): they belong to the root issuer, whose staff alone read them.
 */
export function issuerOwnersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const root = await sql<{ id: string }>`
        select id from issuers where parent_id is null order by id limit 1
      `.execute(db)
      const rootId = root.rows[0]?.id ?? null

      await db.schema.alterTable('audit_log').addColumn('issuer_id', 'text').execute()
      await db.schema
        .createIndex('audit_log_issuer_idx')
        .on('audit_log')
        .columns(['issuer_id', 'sequence'])
        .execute()

      for (const table of ['venues', 'risk_rulesets', 'validity_rulesets']) {
        await db.schema
          .alterTable(table)
          .addColumn('issuer_id', 'text', (c) => c.references('issuers.id'))
          .execute()
        if (rootId !== null) {
          await sql`update ${sql.table(table)} set issuer_id = ${rootId}`.execute(db)
        }
      }
      await db.schema.createIndex('venues_issuer_idx').on('venues').column('issuer_id').execute()

      // Entry policies were one per category for the whole deployment; now one per issuer and
      // category, so the table is remade with the new key.
      await db.schema
        .createTable('issuer_entry_policies')
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('issuer_entry_policies_pk', ['issuer_id', 'category'])
        .execute()
      if (rootId !== null) {
        await sql`
          insert into issuer_entry_policies (issuer_id, category, policy, updated_by, updated_at)
          select ${rootId}, category, policy, updated_by, updated_at from entry_policies
        `.execute(db)
      }
      await db.schema.dropTable('entry_policies').execute()
      await db.schema.alterTable('issuer_entry_policies').renameTo('entry_policies').execute()
    },
  }
}
