import type { Kysely, Migration } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'

/**
 * Certificates and what they need: issuer signing keys (sealed), issued certificates with their
 * status, the commission's requests and their attachments, and trust-list partners.
 */
export function certificatesMigration(dialect: StorageDialect): Migration {
  const binary = dialect.name === 'postgres' ? 'bytea' : 'blob'
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('signing_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('issuer_id', 'text', (c) => c.references('issuers.id'))
        .addColumn('kid', 'text', (c) => c.notNull().unique())
        .addColumn('certificate', 'text', (c) => c.notNull())
        .addColumn('sealed_private_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('not_before', 'text', (c) => c.notNull())
        .addColumn('not_after', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute()
      await db.schema
        .createIndex('signing_keys_issuer_idx')
        .on('signing_keys')
        .columns(['purpose', 'issuer_id', 'status'])
        .execute()

      await db.schema
        .createTable('certificates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uvci', 'text', (c) => c.notNull().unique())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('record_id', 'text', (c) => c.notNull().references('register_records.id'))
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('signing_key_id', 'text', (c) => c.notNull().references('signing_keys.id'))
        .addColumn('qr_text', 'text', (c) => c.notNull())
        .addColumn('hash_uci', 'text', (c) => c.notNull())
        .addColumn('hash_country_uci', 'text', (c) => c.notNull())
        .addColumn('hash_signature', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('status_changed_at', 'text')
        .addColumn('status_changed_by', 'text')
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('certificates_person_idx')
        .on('certificates')
        .columns(['person_id', 'issued_at'])
        .execute()
      await db.schema
        .createIndex('certificates_record_idx')
        .on('certificates')
        .column('record_id')
        .execute()
      await db.schema
        .createIndex('certificates_status_idx')
        .on('certificates')
        .columns(['status', 'issuer_id'])
        .execute()

      await db.schema
        .createTable('commission_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('evidence_kind', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('appeal', 'text')
        .addColumn('appeal_decision', 'text')
        .addColumn('record_id', 'text', (c) => c.references('register_records.id'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('commission_requests_queue_idx')
        .on('commission_requests')
        .columns(['issuer_id', 'status', 'submitted_at'])
        .execute()
      await db.schema
        .createIndex('commission_requests_person_idx')
        .on('commission_requests')
        .columns(['person_id', 'submitted_at'])
        .execute()

      await db.schema
        .createTable('commission_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('commission_requests.id'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content', binary, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('commission_attachments_request_idx')
        .on('commission_attachments')
        .column('request_id')
        .execute()

      await db.schema
        .createTable('trust_partners')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('signing_certificate', 'text', (c) => c.notNull())
        .addColumn('source_url', 'text')
        .addColumn('trust_list', 'text')
        .addColumn('imported_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
    },
  }
}
