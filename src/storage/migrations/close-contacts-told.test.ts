import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateUpTo } from '../../../test/support/migrations.js'
import { migrateToLatest, openDatabase } from '../open-store.js'

forEachDialect((dialect) => {
  describe(`the close-contacts-told migration (${dialect.name})`, () => {
    it('marks work queued before it as told, since its answer told the close contacts', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateUpTo(db, storage, '20261207150000-exposures-by-case')
        const at = '2026-11-23T18:00:00.000Z'
        await sql`insert into issuers (id, name, level, country, parent_id)
          values ('ru', 'Russia', 'federal', 'RU', null)`.execute(db)
        await sql`insert into people (id, issuer_id, family_name, given_name, family_name_icao,
            given_name_icao, birth_date, residency, document_type, document_number,
            document_country, phone, email, language, account_id, created_at, updated_at)
          values ('p1', 'ru', 'Ivanova', 'Anna', 'IVANOVA', 'ANNA', '1990-01-01', 'resident',
            'passport', '4500 000001', 'RU', null, null, 'ru', null, ${at}, ${at})`.execute(db)
        await sql`insert into cases (id, person_id, confirmed_at, source, record_id, created_by,
            published_at, district)
          values ('c1', 'p1', ${at}, 'test', null, 'a1', null, null)`.execute(db)
        await sql`insert into tracing_work (case_id, traced_at, done, reassess, attempts, created_at)
          values ('c1', ${at}, 0, '["p1"]', 0, ${at})`.execute(db)

        await migrateToLatest(db, storage)

        const rows = (
          await sql<{
            case_id: string
            close_contacts_told: number
          }>`select case_id, close_contacts_told from tracing_work`.execute(db)
        ).rows
        assert.deepEqual(
          rows.map((row) => [row.case_id, Number(row.close_contacts_told)]),
          [['c1', 1]],
        )
      } finally {
        await db.destroy()
      }
    })
  })
})
