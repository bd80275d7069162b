import { type Kysely, type Migration, sql } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'

/**
 * The first schema: issuers, people, accounts, sessions, API tokens and the audit log. Types are
 * the same on both dialects (see `schema.ts`). Forward only: there is no `down`.
 */
export function initialMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('issuers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text', (c) => c.references('issuers.id'))
        .execute()

      // accounts.person_id and people.account_id name each other; only people.account_id is a
      // foreign key, because PostgreSQL cannot create a cycle in one go and SQLite cannot add a
      // foreign key afterwards.
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('login', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('issuer_id', 'text', (c) => c.references('issuers.id'))
        .addColumn('person_id', 'text')
        .addColumn('oidc_issuer', 'text')
        .addColumn('oidc_subject', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('accounts_oidc_unique')
        .on('accounts')
        .columns(['oidc_issuer', 'oidc_subject'])
        .unique()
        .where(sql.ref('oidc_subject'), 'is not', null)
        .execute()
      await db.schema
        .createIndex('accounts_created_at_idx')
        .on('accounts')
        .column('created_at')
        .execute()

      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id'))
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name_icao', 'text', (c) => c.notNull())
        .addColumn('given_name_icao', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text', (c) => c.notNull())
        .addColumn('residency', 'text', (c) => c.notNull())
        .addColumn('document_type', 'text', (c) => c.notNull())
        .addColumn('document_number', 'text', (c) => c.notNull())
        .addColumn('document_country', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('people_document_unique', [
          'document_type',
          'document_number',
          'document_country',
        ])
        .execute()
      await db.schema
        .createIndex('people_issuer_created_idx')
        .on('people')
        .columns(['issuer_id', 'created_at'])
        .execute()
      await db.schema.createIndex('people_account_idx').on('people').column('account_id').execute()

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('sessions_expires_at_idx')
        .on('sessions')
        .column('expires_at')
        .execute()
      await db.schema
        .createIndex('sessions_account_idx')
        .on('sessions')
        .column('account_id')
        .execute()

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute()
      await db.schema
        .createIndex('api_tokens_account_idx')
        .on('api_tokens')
        .column('account_id')
        .execute()

      // No foreign keys: the log must outlive whatever it names.
      await db.schema
        .createTable('audit_log')
        .addColumn('sequence', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_account_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('previous_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('audit_log_entity_idx')
        .on('audit_log')
        .columns(['entity_type', 'entity_id'])
        .execute()
      await dialect.createAppendOnlyGuard(db, 'audit_log')
    },
  }
}
