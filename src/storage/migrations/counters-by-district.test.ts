import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateToLatest, openDatabase } from '../open-store.js'

forEachDialect((dialect) => {
  describe(`the counters-by-district migration (${dialect.name})`, () => {
    it('lets one district’s counters of a metric over days be read from that district’s index range', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateToLatest(db, storage)
        // Many companies' counters over the same days, as a city's dashboards hold them.
        await sql`delete from daily_counters where district like 'company:plan-%'`.execute(db)
        const rows: { day: string; district: string; metric: string; value: number }[] = []
        for (let company = 0; company < 400; company++) {
          for (let day = 10; day < 24; day++) {
            rows.push({
              day: `2026-11-${day}`,
              district: `company:plan-${company}`,
              metric: 'company.checkins',
              value: company,
            })
          }
        }
        for (let i = 0; i < rows.length; i += 500) {
          await db
            .insertInto('daily_counters')
            .values(rows.slice(i, i + 500))
            .execute()
        }
        await sql.raw(dialect.name === 'sqlite' ? 'analyze' : 'analyze daily_counters').execute(db)
        const query = `select day, value from daily_counters where day >= '2026-11-10' and day <= '2026-11-23' and metric in ('company.checkins') and district in ('company:plan-7') order by day`
        let plan: string
        if (dialect.name === 'sqlite') {
          const { rows: steps } = await sql
            .raw<{ detail: string }>(`explain query plan ${query}`)
            .execute(db)
          plan = steps.map((step) => step.detail).join('\n')
        } else {
          const { rows: steps } = await sql
            .raw<{ 'QUERY PLAN': string }>(`explain ${query}`)
            .execute(db)
          plan = steps.map((step) => step['QUERY PLAN']).join('\n')
        }
        assert.match(plan, /daily_counters_district_idx/, plan)
        const read = await sql.raw<{ day: string; value: number }>(query).execute(db)
        assert.equal(read.rows.length, 14)
        assert.ok(read.rows.every((row) => Number(row.value) === 7))
        await sql`delete from daily_counters where district like 'company:plan-%'`.execute(db)
      } finally {
        await db.destroy()
      }
    })
  })
})
