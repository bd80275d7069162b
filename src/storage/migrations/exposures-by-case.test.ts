import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateToLatest, openDatabase } from '../open-store.js'
import type { Database } from '../schema.js'

/** The plan the database would run `query` with, as text, in a transaction of its own. */
async function planOf(db: Kysely<Database>, postgres: boolean, query: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    if (!postgres) {
      const { rows } = await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(trx)
      return rows.map((row) => row.detail).join('\n')
    }
    // An empty table is cheapest to read whole: the question is which index serves the query.
    await sql`set local enable_seqscan = off`.execute(trx)
    const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(trx)
    return rows.map((row) => row['QUERY PLAN']).join('\n')
  })
}

forEachDialect((dialect) => {
  describe(`the exposures-by-case migration (${dialect.name})`, () => {
    it("reads a case's exposures and a person's through an index each, and has no index by person and time", async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateToLatest(db, storage)
        const postgres = storage.name === 'postgres'
        const byCase = await planOf(
          db,
          postgres,
          `select * from exposures where case_id = 'case-1' order by at`,
        )
        assert.match(byCase, /exposures_case_idx/, byCase)
        const byPerson = await planOf(
          db,
          postgres,
          `select * from exposures where person_id = 'person-1' and at >= '2026-11-01' order by at`,
        )
        assert.match(byPerson, /exposures_unique/, byPerson)
        const indexes = postgres
          ? await sql<{ name: string }>`select indexname as name from pg_indexes
              where tablename = 'exposures' and schemaname = current_schema()`.execute(db)
          : await sql<{ name: string }>`select name from sqlite_master
              where type = 'index' and tbl_name = 'exposures'`.execute(db)
        assert.ok(!indexes.rows.some((row) => row.name === 'exposures_person_idx'))
      } finally {
        await db.destroy()
      }
    })
  })
})
