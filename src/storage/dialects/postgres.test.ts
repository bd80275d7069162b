import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { posterCheckin } from '../../../test/support/domain-factories.js'
import { KyselyStore } from '../kysely-store.js'
import { migrateToLatest, openDatabase } from '../open-store.js'
import { DEADLOCK_ATTEMPTS, retryingAbortedTransaction } from './postgres.js'
import { sumCounterDeltas } from './storage-dialect.js'

const NOW = Date.parse('2026-12-06T12:00:00.000Z')

/** An error as pg reports one of PostgreSQL's, with its SQLSTATE. */
function postgresError(code: string): Error {
  return Object.assign(new Error(`SQLSTATE ${code}`), { code })
}

describe('adding up counter changes', () => {
  it('gives each counter once, in the same order whatever order the changes came in', () => {
    const changes = [
      { day: '2026-12-06', district: 'b', metric: 'checkins', by: 1 },
      { day: '2026-12-06', district: 'a', metric: 'checkins', by: 2 },
      { day: '2026-12-05', district: 'b', metric: 'checkins', by: 3 },
      { day: '2026-12-06', district: 'a', metric: 'checkins', by: 4 },
    ]
    const expected = [
      { day: '2026-12-05', district: 'b', metric: 'checkins', by: 3 },
      { day: '2026-12-06', district: 'a', metric: 'checkins', by: 6 },
      { day: '2026-12-06', district: 'b', metric: 'checkins', by: 1 },
    ]
    assert.deepEqual(sumCounterDeltas(changes), expected)
    assert.deepEqual(sumCounterDeltas([...changes].reverse()), expected)
  })
})

describe('a PostgreSQL transaction aborted to break a deadlock', () => {
  it('runs again after a deadlock or a serialization failure, and gives what the last run gave', async () => {
    const failures = [postgresError('40P01'), postgresError('40001')]
    let runs = 0
    const value = await retryingAbortedTransaction(async () => {
      runs++
      const failure = failures.shift()
      if (failure) throw failure
      return 'written'
    })
    assert.deepEqual({ value, runs }, { value: 'written', runs: 3 })
  })

  it(`gives up after ${DEADLOCK_ATTEMPTS} runs, with the last error`, async () => {
    let runs = 0
    await assert.rejects(
      retryingAbortedTransaction(async () => {
        runs++
        throw postgresError('40P01')
      }),
      { code: '40P01' },
    )
    assert.equal(runs, DEADLOCK_ATTEMPTS)
  })

  it('throws any other error at once', async () => {
    let runs = 0
    await assert.rejects(
      retryingAbortedTransaction(async () => {
        runs++
        throw postgresError('23505')
      }),
      { code: '23505' },
    )
    assert.equal(runs, 1)
  })
})

forEachDialect((dialect) => {
  if (dialect.name !== 'postgres') return
  describe('check-in batches on PostgreSQL', () => {
    it('writes a batch that another transaction deadlocked on its counters', async () => {
      const url = dialect.url()
      const ours = await openDatabase(url)
      const other = await openDatabase(url)
      try {
        await migrateToLatest(ours.db, ours.dialect)
        const store = new KyselyStore(ours.db, ours.dialect, () => new Date(NOW))
        await store.preparePartitions(new Date(NOW))
        const counter = (district: string) => ({
          day: '2026-12-06',
          district,
          metric: 'checkins',
          by: 1,
        })
        const add = (trx: typeof other.db, district: string) =>
          sql`insert into daily_counters (day, district, metric, value)
            values ('2026-12-06', ${district}, 'checkins', 1)
            on conflict (day, district, metric)
            do update set value = daily_counters.value + 1`.execute(trx)
        const waiting = async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`.execute(ours.db)
            ).rows[0]?.n,
          )

        // The other writer holds counter b; the batch takes a, then waits for b; the other then
        // asks for a. PostgreSQL aborts the batch, which waited first, and the other commits.
        let batch: Promise<Set<string>> | undefined
        await other.db.transaction().execute(async (trx) => {
          await add(trx, 'b')
          batch = store.appendCheckins([
            { checkin: posterCheckin('deadlocked', NOW), counters: [counter('a'), counter('b')] },
          ])
          while ((await waiting()) === 0) await sleep(20)
          await add(trx, 'a')
        })
        assert.deepEqual([...(await (batch as Promise<Set<string>>))], ['deadlocked'])
        const counters = await sql<{ district: string; value: number }>`
          select district, value from daily_counters order by district`.execute(ours.db)
        assert.deepEqual(
          counters.rows.map((row) => [row.district, Number(row.value)]),
          [
            ['a', 2],
            ['b', 2],
          ],
        )
      } finally {
        await ours.db.destroy()
        await other.db.destroy()
      }
    })
  })
})
