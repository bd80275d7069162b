import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateUpTo } from '../../../test/support/migrations.js'
import { migrateToLatest, openDatabase } from '../open-store.js'

forEachDialect((dialect) => {
  describe(`the risk-area-owners migration (${dialect.name})`, () => {
    it('gives each existing risk area to the region of its district, else its author’s, else the root', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateUpTo(db, storage, '20261207100000-district-counts')
        const at = '2026-11-01T00:00:00.000Z'
        await sql`insert into issuers (id, name, level, country, parent_id)
          values ('cn', 'China', 'federal', 'CN', null),
                 ('cn-sh', 'Shanghai', 'region', 'CN', 'cn'),
                 ('cn-js', 'Jiangsu', 'region', 'CN', 'cn')`.execute(db)
        await sql`insert into accounts (id, login, display_name, password_hash, roles, issuer_id, person_id, oidc_issuer, oidc_subject, disabled, created_at)
          values ('a-js', 'authority@js', 'Jiangsu authority', null, '["health_authority"]', 'cn-js', null, null, null, 0, ${at})`.execute(
          db,
        )
        await sql`insert into districts (issuer_id, code, name, created_by, created_at)
          values ('cn-sh', 'CN-SH-PD', 'Pudong', null, ${at}),
                 ('cn-sh', 'SHARED', 'Shared (Shanghai)', null, ${at}),
                 ('cn-js', 'SHARED', 'Shared (Jiangsu)', null, ${at})`.execute(db)
        for (const [id, code, author] of [
          // A district of one region: that region's, whoever declared it.
          ['r1', 'CN-SH-PD', 'a-js'],
          // A code two regions defined: its author's region.
          ['r2', 'SHARED', 'a-js'],
          // No district, an author of no region: the root's.
          ['r3', 'CN-HB-WH', 'nobody'],
        ]) {
          await sql`insert into risk_areas (id, area_code, name, level, valid_from, valid_until, created_by, created_at, superseded_at, superseded_by)
            values (${id}, ${code}, ${code}, 'high', '2026-10-30', null, ${author}, ${at}, null, null)`.execute(
            db,
          )
        }

        await migrateToLatest(db, storage)

        const rows = (
          await sql<{
            id: string
            issuer_id: string | null
          }>`select id, issuer_id from risk_areas order by id`.execute(db)
        ).rows
        assert.deepEqual(
          rows.map((row) => [row.id, row.issuer_id]),
          [
            ['r1', 'cn-sh'],
            ['r2', 'cn-js'],
            ['r3', 'cn'],
          ],
        )
      } finally {
        await db.destroy()
      }
    })
  })
})
