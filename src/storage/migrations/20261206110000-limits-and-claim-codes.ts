import type { Kysely, Migration } from 'kysely'

/**
 * Abuse limits and claim codes: `limit_counters` holds the counters of every limit (sign-in
 * back-off, claim lockout, quotas), one row per (bucket, key, window), so that every server process
 * on one database counts together; `claim_codes` holds the one-time code that lets a citizen claim
 * the record a clinic made, as a hash (and, to print it again, sealed under the key-encryption key).
 */
export function limitsAndClaimCodesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('limit_counters')
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('limit_counters_pk', ['bucket', 'key', 'window_start'])
        .execute()
      await db.schema
        .createIndex('limit_counters_expires_idx')
        .on('limit_counters')
        .column('expires_at')
        .execute()
      await db.schema
        .createTable('claim_codes')
        .addColumn('person_id', 'text', (c) =>
          c.primaryKey().references('people.id').onDelete('cascade'),
        )
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('sealed_code', 'text')
        .addColumn('issued_by', 'text')
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .execute()
    },
  }
}
