import type { Kysely, Migration } from 'kysely'

/**
 * The DCC Gateway's formats, imported from partners: a partner's trust list in the Gateway's form
 * (`gateway_trust_list`, as received, checked against the partner's trust anchor) and its
 * revocation batches (`trust_partner_revocation_batches`, each the CMS-signed batch as received, so
 * it is checked again whenever it is read).
 */
export function gatewayFormatsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('trust_partners').addColumn('gateway_trust_list', 'text').execute()
      await db.schema
        .alterTable('trust_partners')
        .addColumn('gateway_imported_at', 'text')
        .execute()
      await db.schema
        .createTable('trust_partner_revocation_batches')
        .addColumn('partner_id', 'text', (c) =>
          c.notNull().references('trust_partners.id').onDelete('cascade'),
        )
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('signed_batch', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('trust_partner_revocation_batches_pk', ['partner_id', 'batch_id'])
        .execute()
    },
  }
}
