import assert from 'node:assert/strict'
import type { Kysely } from 'kysely'
import type { StorageDialect } from '../../src/storage/dialects/storage-dialect.js'
import { storeMigrator } from '../../src/storage/open-store.js'
import type { Database } from '../../src/storage/schema.js'

/**
 * Migrates a fresh database up to the migration `name` and no further: a store as an older
 * version left it, for a test of what the later migrations do to its rows.
 */
export async function migrateUpTo(
  db: Kysely<Database>,
  storage: StorageDialect,
  name: string,
): Promise<void> {
  const migrator = storeMigrator(db, storage, await storage.migrationTableSchema(db))
  const { error } = await migrator.migrateTo(name)
  assert.equal(error, undefined, `migrating up to ${name}`)
}
