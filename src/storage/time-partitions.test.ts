import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../test/support/dialects.js'
import { posterCheckin as checkin } from '../../test/support/domain-factories.js'
import { migrateUpTo } from '../../test/support/migrations.js'
import { checkAuditChainStream } from '../domain/audit/audit-chain.js'
import type { Checkin } from '../domain/venues/venue.js'
import { KyselyAuditLog } from './audit-log.repository.js'
import { KyselyCheckinRepository, checkinRow } from './checkin.repository.js'
import { KyselyStore } from './kysely-store.js'
import { migrateToLatest, openDatabase } from './open-store.js'
import { KyselyTracingRepository } from './tracing.repository.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-12-06T12:00:00.000Z')

async function migratedTo(url: string, name: string) {
  const opened = await openDatabase(url)
  await migrateUpTo(opened.db, opened.dialect, name)
  return opened
}

forEachDialect((dialect) => {
  describe(`time-partitioned tables (${dialect.name})`, () => {
    it('moves every row of a seeded store into the partitioned tables and keeps the audit chain', async () => {
      const { db, dialect: storage } = await migratedTo(
        dialect.url(),
        '20261206110000-limits-and-claim-codes',
      )
      try {
        const clock = () => new Date(NOW - 40 * DAY)
        const context = { db, dialect: storage, clock }
        await sql`insert into issuers (id, name, level, country, parent_id)
          values ('ru', 'Russian Federation', 'federal', 'RU', null)`.execute(db)
        await sql`insert into people (id, issuer_id, family_name, given_name, family_name_icao,
            given_name_icao, birth_date, residency, document_type, document_number, document_country,
            phone, email, language, account_id, created_at, updated_at, district)
          values ('person-1', 'ru', 'Ivanova', 'Anna', 'IVANOVA', 'ANNA', '1990-01-01', 'resident',
            'passport', '4500 123456', 'RU', null, null, 'ru', null, '2026-10-01T00:00:00.000Z',
            '2026-10-01T00:00:00.000Z', 'RU-MOW')`.execute(db)
        // 45 days of check-ins, three a day, written the way the store wrote them before.
        const seeded: Checkin[] = []
        for (let day = 0; day < 45; day++) {
          for (let n = 0; n < 3; n++) {
            seeded.push(checkin(`c-${day}-${n}`, NOW - day * DAY - n * 3_600_000))
          }
        }
        for (const row of seeded) {
          await sql`insert into checkins (id, venue_id, person_id, subject, method, at, colour,
              entry_allowed, recorded_at)
            values (${row.id}, ${row.venueId}, ${row.personId}, null, 'poster', ${row.at}, 'green',
              1, ${row.recordedAt})`.execute(db)
        }
        const tracing = new KyselyTracingRepository(context)
        for (let month = 0; month < 3; month++) {
          await tracing.notify({
            personId: 'person-1',
            kind: 'exposure',
            data: { month },
            createdAt: new Date(NOW - month * 31 * DAY).toISOString(),
          })
        }
        const log = new KyselyAuditLog(context)
        for (let month = 0; month < 3; month++) {
          await log.append(
            {
              actorAccountId: undefined,
              action: `entry-${month}`,
              entityType: 'test',
              entityId: String(month),
              reason: undefined,
              data: { month },
            },
            new Date(NOW - (2 - month) * 31 * DAY).toISOString(),
          )
        }
        const count = async (table: 'checkins' | 'notifications' | 'audit_log') =>
          Number(
            (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db))
              .rows[0]?.n,
          )
        const before = {
          checkins: await count('checkins'),
          notifications: await count('notifications'),
          audit_log: await count('audit_log'),
        }
        assert.deepEqual(before, { checkins: 135, notifications: 3, audit_log: 3 })

        await migrateToLatest(db, storage)

        assert.deepEqual(
          {
            checkins: await count('checkins'),
            notifications: await count('notifications'),
            audit_log: await count('audit_log'),
          },
          before,
        )
        const repository = new KyselyCheckinRepository(context)
        for (const row of seeded) assert.deepEqual(await repository.find(row.id), row)
        // The ids stored before are still refused when sent again at another time.
        const store = new KyselyStore(db, storage, () => new Date(NOW))
        const resent = await store.transaction((tx) =>
          tx.checkins.insertNew([checkin('c-3-1', NOW), checkin('c-new', NOW)]),
        )
        assert.deepEqual([...resent], ['c-new'])
        assert.equal((await tracing.feed('person-1', 10)).length, 3)
        await log.append(
          {
            actorAccountId: undefined,
            action: 'after',
            entityType: 'test',
            entityId: 'after',
            reason: undefined,
            data: {},
          },
          new Date(NOW).toISOString(),
        )
        assert.deepEqual(await checkAuditChainStream(log.all()), { intact: true, entries: 4 })
        if (storage.name === 'postgres') {
          const partitioned = await sql<{ name: string }>`
            select c.relname as name from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
            where c.relnamespace = current_schema()::regnamespace order by 1`.execute(db)
          assert.deepEqual(
            partitioned.rows.map((row) => row.name),
            ['audit_log', 'checkins', 'notifications'],
          )
          // Every seeded row is in a partition of its own day or month, none in the default one.
          const inDefault = await sql<{ n: number }>`
            select (select count(*) from checkins_default) + (select count(*) from notifications_default)
              + (select count(*) from audit_log_default) as n`.execute(db)
          assert.equal(Number(inDefault.rows[0]?.n), 0)
          const days = await sql<{ n: number }>`
            select count(*) as n from pg_inherits where inhparent = 'checkins'::regclass`.execute(
            db,
          )
          assert.ok(Number(days.rows[0]?.n) >= 46, 'a partition a day, and the default one')
        }
      } finally {
        await db.destroy()
      }
    })

    it('drops whole days past retention, deletes the rest, and keeps the days within it', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateToLatest(db, storage)
        const store = new KyselyStore(db, storage, () => new Date(NOW))
        // The job has run every day of the last six weeks.
        for (let day = 42; day >= 0; day -= 7)
          await store.preparePartitions(new Date(NOW - day * DAY))
        const rows: Checkin[] = []
        for (let day = 0; day < 40; day++) rows.push(checkin(`c-${day}`, NOW - day * DAY))
        // Past the limit, but on the day it falls in: a row delete on every store.
        rows.push(checkin('c-28-early', NOW - 28 * DAY - 6 * 3_600_000))
        const inserted = await store.transaction((tx) => tx.checkins.insertNew(rows))
        assert.equal(inserted.size, 41)
        const before = new Date(NOW - 28 * DAY).toISOString()
        const dropped = await store.transaction((tx) => tx.checkins.dropPartitionsBefore(before))
        const deleted = await store.transaction((tx) => tx.checkins.deleteBefore(before, 1000))
        // Days 29 to 39 wholly past the limit (11 rows); day 28 sits exactly at it and stays, and
        // the row six hours before it on that day goes.
        assert.equal(dropped + deleted, 12)
        assert.equal(dropped, storage.name === 'postgres' ? 11 : 0)
        for (const row of rows) {
          const kept = await store.transaction((tx) => tx.checkins.find(row.id))
          assert.equal(kept?.id, row.at >= before ? row.id : undefined, row.at)
        }
        if (storage.name === 'postgres') {
          const old = await sql<{ n: number }>`
            select count(*) as n from pg_class
            where relname = 'checkins_p20261105' and relnamespace = current_schema()::regnamespace`.execute(
            db,
          )
          assert.equal(Number(old.rows[0]?.n), 0)
          // The ids of the dropped and deleted check-ins went with them.
          const ids = await sql<{ id: string }>`select id from checkin_ids order by id`.execute(db)
          assert.deepEqual(
            ids.rows.map((row) => row.id),
            rows
              .filter((row) => row.at >= before)
              .map((row) => row.id)
              .sort(),
          )
        }
        // An id that retention removed is a new check-in when it comes again.
        const again = await store.transaction((tx) =>
          tx.checkins.insertNew([
            checkin('c-35', NOW),
            checkin('c-28-early', NOW),
            checkin('c-28', NOW),
            checkin('c-5', NOW),
          ]),
        )
        assert.deepEqual([...again].sort(), ['c-28-early', 'c-35'])
      } finally {
        await db.destroy()
      }
    })

    it('refuses a re-sent check-in id even when its time differs', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateToLatest(db, storage)
        const store = new KyselyStore(db, storage, () => new Date(NOW))
        await store.preparePartitions(new Date(NOW - 3 * DAY))
        const first = await store.transaction((tx) =>
          tx.checkins.insertNew([checkin('same', NOW - 2 * DAY)]),
        )
        const again = await store.transaction((tx) =>
          tx.checkins.insertNew([checkin('same', NOW), checkin('other', NOW)]),
        )
        const twice = await store.appendCheckins([
          { checkin: checkin('twice', NOW - DAY), counters: [] },
          { checkin: checkin('twice', NOW), counters: [] },
        ])
        assert.deepEqual([[...first], [...again], [...twice]], [['same'], ['other'], ['twice']])
        assert.equal(
          (await store.transaction((tx) => tx.checkins.find('twice')))?.at,
          new Date(NOW - DAY).toISOString(),
        )
        const count = await sql<{ n: number }>`select count(*) as n from checkins`.execute(db)
        assert.equal(Number(count.rows[0]?.n), 3)
      } finally {
        await db.destroy()
      }
    })

    if (dialect.name === 'postgres') {
      it('moves rows out of the default partition when their partition is created', async () => {
        const { db, dialect: storage } = await openDatabase(dialect.url())
        try {
          await migrateToLatest(db, storage)
          const store = new KyselyStore(db, storage, () => new Date(NOW))
          const later = NOW + 30 * DAY
          await store.transaction((tx) => tx.checkins.insertNew([checkin('ahead', later)]))
          const inDefault = () =>
            sql<{ n: number }>`select count(*) as n from checkins_default`.execute(db)
          assert.equal(Number((await inDefault()).rows[0]?.n), 1)
          assert.ok((await store.preparePartitions(new Date(later))) > 0)
          assert.equal(Number((await inDefault()).rows[0]?.n), 0)
          const day = await sql<{ id: string }>`select id from ${sql.table(
            `checkins_p${new Date(later).toISOString().slice(0, 10).replaceAll('-', '')}`,
          )}`.execute(db)
          assert.deepEqual(
            day.rows.map((row) => row.id),
            ['ahead'],
          )
        } finally {
          await db.destroy()
        }
      })

      it('makes each partition once when two processes prepare them at the same time', async () => {
        const url = dialect.url()
        const first = await openDatabase(url)
        const second = await openDatabase(url)
        try {
          await migrateToLatest(first.db, first.dialect)
          // A year past what the migration made (from the real clock), so that nothing exists yet.
          const later = new Date(Date.now() + 400 * DAY)
          const created = await Promise.all([
            new KyselyStore(first.db, first.dialect, () => later).preparePartitions(later),
            new KyselyStore(second.db, second.dialect, () => later).preparePartitions(later),
          ])
          // Eight days of check-ins; of feeds and of the audit log the month and two ahead.
          assert.equal(created[0] + created[1], 8 + 3 + 3)
        } finally {
          await first.db.destroy()
          await second.db.destroy()
        }
      })

      it('lets one of two racing transactions with the same check-in id insert it', async () => {
        const url = dialect.url()
        const first = await openDatabase(url)
        const second = await openDatabase(url)
        try {
          await migrateToLatest(first.db, first.dialect)
          await new KyselyStore(first.db, first.dialect, () => new Date(NOW)).preparePartitions(
            new Date(NOW - 3 * DAY),
          )
          let releaseFirst = () => {}
          const firstMayCommit = new Promise<void>((resolve) => {
            releaseFirst = resolve
          })
          let secondDone: Promise<Set<string>> | undefined
          const firstDone = first.db.transaction().execute(async (trx) => {
            const ids = await first.dialect.insertNewCheckins(trx, [
              checkinRow(checkin('race', NOW - 2 * DAY)),
            ])
            // The second copy, another day's time, starts while the first is not committed: it
            // waits on the id's key and then finds it taken.
            secondDone = second.db
              .transaction()
              .execute((other) =>
                second.dialect.insertNewCheckins(other, [checkinRow(checkin('race', NOW))]),
              )
            setTimeout(releaseFirst, 200)
            await firstMayCommit
            return ids
          })
          const won = await firstDone
          const lost = await (secondDone as Promise<Set<string>>)
          assert.deepEqual([[...won], [...lost]], [['race'], []])
          const stored = await sql<{ at: string }>`select at from checkins`.execute(first.db)
          assert.deepEqual(
            stored.rows.map((r) => r.at),
            [new Date(NOW - 2 * DAY).toISOString()],
          )
        } finally {
          await first.db.destroy()
          await second.db.destroy()
        }
      })

      it('keeps each partition of the audit log append-only', async () => {
        const { db, dialect: storage } = await openDatabase(dialect.url())
        try {
          await migrateToLatest(db, storage)
          const store = new KyselyStore(db, storage, () => new Date(NOW))
          await store.preparePartitions(new Date(NOW))
          await store.transaction((tx) =>
            tx.audit.append(
              {
                actorAccountId: undefined,
                action: 'one',
                entityType: 'test',
                entityId: 'one',
                reason: undefined,
                data: {},
              },
              new Date(NOW).toISOString(),
            ),
          )
          await assert.rejects(
            sql`delete from audit_log_p202612`.execute(db),
            /audit_log_p202612 is append-only/,
          )
          await assert.rejects(sql`update audit_log set action = 'two'`.execute(db), /append-only/)
          await assert.rejects(sql`truncate audit_log_default`.execute(db), /append-only/)
        } finally {
          await db.destroy()
        }
      })
    }
  })
})
