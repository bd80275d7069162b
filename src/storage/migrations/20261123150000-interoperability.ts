import type { Kysely, Migration } from 'kysely'

/**
 * Interoperability: trusted SMART Health Card issuers (their JWKS and revocation lists), and
 * versioned validity rule sets in the EU CertLogic format.
 */
export function interoperabilityMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('shc_issuers')
        .addColumn('iss', 'text', (c) => c.primaryKey())
        .addColumn('jwks', 'text', (c) => c.notNull())
        .addColumn('crls', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('validity_rulesets')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('validity_rulesets_pk', ['id', 'version'])
        .execute()
    },
  }
}
