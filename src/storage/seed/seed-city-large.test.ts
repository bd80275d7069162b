import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateToLatest, openDatabase } from '../open-store.js'
import { seedCity } from './index.js'

// The city of issue 18 at a size CI can afford: 100,000 people, companies chosen, a month of
// check-ins, on PostgreSQL with its day partitions. The 15-million version is run by hand (see
// docs/benchmarks.md).
forEachDialect((dialect) => {
  if (dialect.name !== 'postgres') return
  describe('seedCity with 100,000 people (postgres)', () => {
    it('seeds the people, the companies asked for and the check-ins into their day partitions', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url(), {
        timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs: 30_000 },
      })
      try {
        await migrateToLatest(db, storage)
        const now = new Date('2026-11-30T10:00:00.000Z')
        const summary = await seedCity(db, storage, {
          people: 100_000,
          companies: 400,
          checkins: 200_000,
          seed: 18,
          now,
          append: false,
        })
        assert.equal(summary.counts.people, 100_000)
        assert.equal(summary.counts.healthCodes, 100_000)
        assert.equal(summary.counts.companies, 400)
        assert.equal(summary.counts.checkins, 200_000)
        const counted = await sql<{ people: string; companies: string; checkins: string }>`
          select (select count(*) from people) as people,
                 (select count(*) from companies) as companies,
                 (select count(*) from checkins) as checkins`.execute(db)
        assert.deepEqual(counted.rows[0], {
          people: '100000',
          companies: '400',
          checkins: '200000',
        })
        const stray = await sql<{ n: string }>`select count(*) as n from checkins_default`.execute(
          db,
        )
        assert.equal(stray.rows[0]?.n, '0')
        const days = await sql<{ day: string }>`
          select distinct substr(at, 1, 10) as day from checkins order by 1`.execute(db)
        assert.ok(days.rows.length >= 28, `check-ins on ${days.rows.length} days`)
        // Each day's check-ins are in that day's partition.
        for (const { day } of days.rows) {
          const partition = `checkins_p${day.replaceAll('-', '')}`
          const inIt = await sql<{ n: string }>`
            select count(*) as n from ${sql.table(partition)}`.execute(db)
          const onDay = await sql<{ n: string }>`
            select count(*) as n from checkins where at >= ${`${day}T00:00:00.000Z`}
              and at < ${new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString()}`.execute(
            db,
          )
          assert.equal(inIt.rows[0]?.n, onDay.rows[0]?.n, partition)
        }
      } finally {
        await db.destroy()
      }
    })
  })
})
