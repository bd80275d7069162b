import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { buildColourServices } from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import { TEST_KEK } from '../../../test/support/domain-factories.js'
import { KeyVault } from '../../domain/keys/key-vault.js'
import { SigningKeyService } from '../../domain/keys/signing-key-service.js'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import { migrateToLatest, openDatabase, openStore } from '../open-store.js'
import type { Database } from '../schema.js'
import { type SeedCityOptions, SeedError, type SeedSummary, seedCity } from './index.js'
import { seedDialect } from './seed-dialect.js'

const now = new Date('2026-11-30T10:00:00.000Z')
const city: SeedCityOptions = { people: 2_000, checkins: 20_000, seed: 7, now, append: false }

interface Opened {
  readonly db: Kysely<Database>
  readonly dialect: StorageDialect
}

async function open(url: string): Promise<Opened> {
  const opened = await openDatabase(url)
  await migrateToLatest(opened.db, opened.dialect)
  return opened
}

async function close(opened: Opened | undefined): Promise<void> {
  await opened?.db.destroy()
  await opened?.dialect.close?.()
}

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const { rows } = await sql<{
    n: number | string
  }>`select count(*) as n from ${sql.table(table)}`.execute(db)
  return Number(rows[0]?.n)
}

/** The seeded tables, every row in key order, hashed: equal hashes, equal data. */
async function fingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const keys: Record<string, string> = {
    people: 'id',
    health_codes: 'person_id',
    companies: 'id',
    company_members: 'id',
    venues: 'id',
    checkins: 'id',
    declarations: 'id',
    daily_counters: 'day, district, metric',
  }
  const out: Record<string, string> = {}
  for (const [table, key] of Object.entries(keys)) {
    const { rows } = await sql`select * from ${sql.table(table)} order by ${sql.raw(key)}`.execute(
      db,
    )
    out[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex')
  }
  return out
}

async function journalMode(db: Kysely<Database>): Promise<string | undefined> {
  const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)
  return rows[0]?.journal_mode
}

/** The secondary indexes of the tables the seeder loads, as the database would recreate them. */
async function seededIndexes(opened: Opened): Promise<string[]> {
  const out: string[] = []
  for (const table of [
    'people',
    'health_codes',
    'company_members',
    'declarations',
    'checkins',
  ] as const) {
    const found = await seedDialect(opened.dialect).secondaryIndexes(opened.db, table)
    out.push(...found.map((index) => `${index.name}: ${index.definition}`))
  }
  return out
}

async function counterSum(
  db: Kysely<Database>,
  metric: string,
  scope: 'districts' | 'companies',
): Promise<number> {
  const { rows } = await sql<{ total: number | string | null }>`
    select sum(value) as total from daily_counters
    where metric = ${metric} and district ${sql.raw(scope === 'companies' ? 'like' : 'not like')} 'company:%'`.execute(
    db,
  )
  return Number(rows[0]?.total ?? 0)
}

forEachDialect((dialect) => {
  describe(`seedCity (${dialect.name})`, () => {
    let store: Opened | undefined
    let storeUrl: string
    let twin: Opened | undefined
    let summary: SeedSummary
    let indexesBefore: string[]

    before(async () => {
      storeUrl = dialect.url()
      store = await open(storeUrl)
      indexesBefore = await seededIndexes(store)
      summary = await seedCity(store.db, store.dialect, city)
    })
    after(async () => {
      await close(store)
      await close(twin)
    })

    it('writes as many rows of each table as it reports', async () => {
      const db = (store as Opened).db
      assert.deepEqual(
        {
          people: await count(db, 'people'),
          healthCodes: await count(db, 'health_codes'),
          companies: await count(db, 'companies'),
          companyMembers: await count(db, 'company_members'),
          venues: await count(db, 'venues'),
          checkins: await count(db, 'checkins'),
          declarations: await count(db, 'declarations'),
          dailyCounters: await count(db, 'daily_counters'),
        },
        summary.counts,
      )
      assert.equal(summary.counts.people, 2_000)
      assert.equal(summary.counts.checkins, 20_000)
      assert.equal(summary.counts.companies, 10)
      assert.equal(summary.counts.venues, 20)
      assert.equal(summary.firstDocument, 'S000000001')
      assert.equal(summary.appended, false)
      assert.equal(await count(db, 'issuers'), 2)
    })

    it('gives everyone a code, mostly green, each with a subject of its own', async () => {
      const db = (store as Opened).db
      const colours = await db
        .selectFrom('health_codes')
        .select(['colour', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('colour')
        .execute()
      const byColour = Object.fromEntries(colours.map((row) => [row.colour, Number(row.n)]))
      assert.ok((byColour['green'] ?? 0) > 1_880, `green: ${byColour['green']}`)
      assert.ok(
        (byColour['yellow'] ?? 0) > 10 && (byColour['red'] ?? 0) > 3,
        JSON.stringify(byColour),
      )
      const subjects = await db
        .selectFrom('health_codes')
        .select((eb) => eb.fn.count<number | string>('subject').distinct().as('n'))
        .executeTakeFirstOrThrow()
      assert.equal(Number(subjects.n), 2_000)
      const red = await db
        .selectFrom('health_codes')
        .selectAll()
        .where('colour', '=', 'red')
        .executeTakeFirstOrThrow()
      const [reason] = JSON.parse(red.reasons) as {
        ruleId: string
        colour: string
        text: { en: string; ru: string; zh: string }
        since: string
        greenOn: string
      }[]
      assert.equal(reason?.colour, 'red')
      assert.ok(reason.text.zh.length > 0 && reason.since < now.toISOString())
      assert.equal(red.green_on, reason.greenOn)
      assert.ok(red.reassess_at !== null && red.reassess_at > now.toISOString())
      const greenWithReasons = await db
        .selectFrom('health_codes')
        .select('person_id')
        .where('colour', '=', 'green')
        .where((eb) => eb.or([eb('reasons', '!=', '[]'), eb('reassess_at', 'is not', null)]))
        .execute()
      assert.deepEqual(greenWithReasons, [])
    })

    it('puts every check-in at a venue that exists, by a person who exists, in the 28 days before now', async () => {
      const db = (store as Opened).db
      const orphans = await db
        .selectFrom('checkins')
        .leftJoin('venues', 'venues.id', 'checkins.venue_id')
        .leftJoin('people', 'people.id', 'checkins.person_id')
        .select('checkins.id')
        .where((eb) => eb.or([eb('venues.id', 'is', null), eb('people.id', 'is', null)]))
        .limit(5)
        .execute()
      assert.deepEqual(orphans, [])
      const range = await db
        .selectFrom('checkins')
        .select((eb) => [eb.fn.min('at').as('first'), eb.fn.max('at').as('last')])
        .executeTakeFirstOrThrow()
      const since = new Date(now.getTime() - 28 * 86_400_000).toISOString()
      assert.ok(range.first >= since && range.last < now.toISOString(), JSON.stringify(range))
    })

    it('refuses a re-send of a seeded check-in whatever its time, as the server would', async () => {
      const { db, dialect: storageDialect } = store as Opened
      const seeded = await db
        .selectFrom('checkins')
        .selectAll()
        .orderBy('at')
        .limit(1)
        .executeTakeFirstOrThrow()
      // A day later: on PostgreSQL another day's partition, where the (id, at) key cannot see it.
      const resent = {
        ...seeded,
        at: new Date(Date.parse(seeded.at) + 86_400_000).toISOString(),
      }
      const fresh = { ...seeded, id: '0192f000-0000-7000-8000-000000000001' }
      let inserted: Set<string> | undefined
      // Rolled back, so that the store stays as the seed left it for the other tests.
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          inserted = await storageDialect.insertNewCheckins(trx, [resent, fresh])
          throw new Error('roll back')
        }),
        /roll back/,
      )
      assert.deepEqual([...(inserted ?? [])], [fresh.id])
    })

    it('keeps the daily check-in counters equal to the check-ins, by district and by company', async () => {
      const db = (store as Opened).db
      assert.equal(await counterSum(db, 'checkins', 'districts'), 20_000)
      const atCompanies = await db
        .selectFrom('checkins')
        .innerJoin('venues', 'venues.id', 'checkins.venue_id')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('venues.company_id', 'is not', null)
        .executeTakeFirstOrThrow()
      assert.equal(await counterSum(db, 'company.checkins', 'companies'), Number(atCompanies.n))
      const scans = await db
        .selectFrom('checkins')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('method', '=', 'scan')
        .executeTakeFirstOrThrow()
      assert.equal(await counterSum(db, 'scans', 'districts'), Number(scans.n))
      const oneDay = await db
        .selectFrom('checkins')
        .innerJoin('venues', 'venues.id', 'checkins.venue_id')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('venues.district', '=', 'SH-PD')
        .where('checkins.at', '>=', '2026-11-20T00:00:00.000Z')
        .where('checkins.at', '<', '2026-11-21T00:00:00.000Z')
        .executeTakeFirstOrThrow()
      const counter = await db
        .selectFrom('daily_counters')
        .select('value')
        .where('day', '=', '2026-11-20')
        .where('district', '=', 'SH-PD')
        .where('metric', '=', 'checkins')
        .executeTakeFirst()
      assert.equal(Number(counter?.value ?? 0), Number(oneDay.n))
    })

    it('counts every code on the seed day and every declaration on its day', async () => {
      const db = (store as Opened).db
      const codes = await db
        .selectFrom('daily_counters')
        .select((eb) => eb.fn.sum<number | string>('value').as('n'))
        .where('metric', 'like', 'codes.%')
        .where('day', '=', '2026-11-30')
        .executeTakeFirstOrThrow()
      assert.equal(Number(codes.n), 2_000)
      assert.equal(await counterSum(db, 'declarations', 'districts'), summary.counts.declarations)
      const today = await db
        .selectFrom('declarations')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('declared_at', '>=', '2026-11-30T00:00:00.000Z')
        .executeTakeFirstOrThrow()
      assert.ok(Number(today.n) > 50, `declared today: ${today.n}`)
    })

    it('makes about 30% of the people employees, and gives every company an admin', async () => {
      const db = (store as Opened).db
      const members = await db
        .selectFrom('company_members')
        .select(['role', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('role')
        .orderBy('role')
        .execute()
      const byRole = Object.fromEntries(members.map((row) => [row.role, Number(row.n)]))
      assert.equal(byRole['admin'], 10)
      assert.ok(
        (byRole['employee'] ?? 0) > 500 && (byRole['employee'] ?? 0) < 700,
        JSON.stringify(byRole),
      )
    })

    it('leaves a SQLite store in WAL mode, as it found it', async (t) => {
      if (dialect.name !== 'sqlite') return t.skip('SQLite only')
      assert.equal(await journalMode((store as Opened).db), 'wal')
    })

    it('leaves the indexes it dropped for the load as the migrations made them', async () => {
      assert.equal(summary.rebuiltIndexes.length, indexesBefore.length)
      assert.ok(summary.rebuiltIndexes.includes('checkins_person_idx'))
      assert.ok(summary.rebuiltIndexes.includes('health_codes_subject_idx'))
      assert.deepEqual(await seededIndexes(store as Opened), indexesBefore)
    })

    it('leaves the check-ins indexed for tracing: the look-ups by venue and by person read an index', async () => {
      const db = (store as Opened).db
      const plan = async (query: string): Promise<string> => {
        if (dialect.name === 'sqlite') {
          const { rows } = await sql
            .raw<{ detail: string }>(`explain query plan ${query}`)
            .execute(db)
          return rows.map((row) => row.detail).join('\n')
        }
        // Forbidding sequential scans shows whether an index can serve (an invalid one cannot).
        return db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx)
          const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(trx)
          return rows.map((row) => row['QUERY PLAN']).join('\n')
        })
      }
      const byVenue = await plan(
        `select * from checkins where venue_id = 'v' and at >= '2026-11-20' and at <= '2026-11-21' order by at`,
      )
      const byPerson = await plan(
        `select * from checkins where person_id = 'p' and at >= '2026-11-20' order by at`,
      )
      assert.match(byVenue, /checkins_.*venue_idx|checkins_p\d+_venue_id_at_idx/, byVenue)
      assert.doesNotMatch(byVenue, /Seq Scan|SCAN checkins(?! USING)/, byVenue)
      assert.match(byPerson, /person/, byPerson)
      assert.doesNotMatch(byPerson, /Seq Scan|SCAN checkins(?! USING)/, byPerson)
    })

    it('writes the same rows into another store for the same seed and time, made on this thread as on a worker', async () => {
      twin = await open(dialect.url())
      await seedCity(twin.db, twin.dialect, { ...city, threaded: false })
      assert.deepEqual(await fingerprint(twin.db), await fingerprint((store as Opened).db))
    })

    it('stores the code the rules engine computes from the records it stores, as the service finds on reassessing', async () => {
      const db = (store as Opened).db
      const codeRows = (ids: readonly string[]) =>
        db
          .selectFrom('health_codes')
          .selectAll()
          .where('person_id', 'in', ids)
          .orderBy('person_id')
          .execute()
      // Every code that is not green, and green ones with and without a declaration.
      const chosen = await sql<{ person_id: string }>`
        select person_id from health_codes where colour != 'green'
        union all select * from (select h.person_id from health_codes h
          where h.colour = 'green' and exists (select 1 from declarations d where d.person_id = h.person_id)
          order by h.person_id limit 10) as declared
        union all select * from (select h.person_id from health_codes h
          where h.colour = 'green' and not exists (select 1 from declarations d where d.person_id = h.person_id)
          order by h.person_id limit 10) as silent`.execute(db)
      const ids = chosen.rows.map((row) => row.person_id)
      const seeded = await codeRows(ids)
      assert.ok(seeded.filter((row) => row.colour === 'red').length > 3, 'red codes')
      assert.ok(seeded.filter((row) => row.colour === 'yellow').length > 10, 'yellow codes')
      assert.equal(seeded.filter((row) => row.colour === 'green').length, 20)

      const services = await openStore(storeUrl)
      try {
        const clock = () => new Date(now)
        const keys = new SigningKeyService(services, clock, KeyVault.fromText(TEST_KEK))
        await buildColourServices(services, clock, keys, 15).colours.reassess(ids)
      } finally {
        await services.close()
      }
      assert.deepEqual(await codeRows(ids), seeded)
    })

    it('refuses a store that already holds a seeded city, and writes nothing', async () => {
      const db = (store as Opened).db
      await assert.rejects(
        seedCity(db, (store as Opened).dialect, { ...city, people: 10, checkins: 10 }),
        (error: unknown) => error instanceof SeedError && error.code === 'ERR_SEED_ALREADY_SEEDED',
      )
      assert.equal(await count(db, 'people'), 2_000)
      assert.equal(await count(db, 'checkins'), 20_000)
    })

    it('appends a batch with documents and ids of its own when asked', async () => {
      const { db, dialect: storageDialect } = store as Opened
      const more = await seedCity(db, storageDialect, {
        ...city,
        people: 500,
        checkins: 1_000,
        append: true,
      })
      assert.equal(more.firstDocument, 'S000002001')
      assert.equal(more.appended, true)
      // Few rows into many: the indexes stay and take the rows one by one.
      assert.deepEqual(more.rebuiltIndexes, [])
      assert.equal(await count(db, 'people'), 2_500)
      assert.equal(await count(db, 'checkins'), 21_000)
      assert.equal(await counterSum(db, 'checkins', 'districts'), 21_000)
      const codes = await db
        .selectFrom('daily_counters')
        .select((eb) => eb.fn.sum<number | string>('value').as('n'))
        .where('metric', 'like', 'codes.%')
        .executeTakeFirstOrThrow()
      assert.equal(Number(codes.n), 2_500)
    })

    it('leaves the store as it was when a run fails half-way', async () => {
      const empty = await open(dialect.url())
      try {
        const before = await seededIndexes(empty)
        await assert.rejects(
          seedCity(empty.db, empty.dialect, {
            ...city,
            onProgress: ({ phase, done }) => {
              if (phase === 'checkins' && done > 0) throw new Error('stopped half-way')
            },
          }),
          /stopped half-way/,
        )
        assert.equal(await count(empty.db, 'people'), 0)
        assert.equal(await count(empty.db, 'checkins'), 0)
        assert.equal(await count(empty.db, 'issuers'), 0)
        assert.deepEqual(await seededIndexes(empty), before)
        if (dialect.name === 'sqlite') assert.equal(await journalMode(empty.db), 'wal')
      } finally {
        await close(empty)
      }
    })

    it('refuses counts out of range before touching the store', async () => {
      const { db, dialect: storageDialect } = store as Opened
      for (const wrong of [
        { people: 0 },
        { people: 1.5 },
        { checkins: -1 },
        { seed: 2 ** 32 },
        { companies: 0 },
        { companies: 10_000_001 },
      ]) {
        await assert.rejects(
          seedCity(db, storageDialect, { ...city, ...wrong }),
          (error: unknown) => error instanceof SeedError && error.code === 'ERR_SEED_OPTIONS',
        )
      }
    })
  })
})
