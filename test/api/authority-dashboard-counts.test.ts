import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import type { StorageDialect } from '../../src/storage/dialects/storage-dialect.js'
import { openDatabase } from '../../src/storage/open-store.js'
import type { Database } from '../../src/storage/schema.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, type TestUser, personBody, testApp } from './test-app.js'

interface Current {
  registered: number
  codes: { green: number; yellow: number; red: number; notComputed: number }
}

interface Board {
  current: Current
  districts: ({ district: string } & Current)[]
}

/**
 * The authority's dashboard counts what the store holds: every number it shows now is compared with
 * a count taken directly from the `people` and `health_codes` tables, after people were registered
 * and assessed through the API (some never assessed, some moved to another district).
 */
forEachDialect((dialect) => {
  describe(`GET /api/v1/dashboards/authority: current figures (${dialect.name})`, () => {
    let t: TestApp
    let opened: { db: Kysely<Database>; dialect: StorageDialect }

    before(async () => {
      const url = dialect.url()
      t = await testApp(url)
      opened = await openDatabase(url)
    })
    after(async () => {
      await opened.db.destroy()
      await opened.dialect.close?.()
      await t.close()
    })

    let serial = 0
    async function register(clinician: TestUser, district?: string): Promise<string> {
      serial += 1
      const created = await t.request(
        clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: {
            type: 'passport',
            number: `DASH${String(serial).padStart(5, '0')}`,
            country: 'RU',
          },
          ...(district === undefined ? {} : { district }),
        }),
      )
      assert.equal(created.statusCode, 201, created.body)
      return created.json().id as string
    }

    async function codeOf(clinician: TestUser, personId: string): Promise<string> {
      const code = await t.request(clinician, 'GET', `/api/v1/people/${personId}/health-code`)
      assert.equal(code.statusCode, 200, code.body)
      return code.json().colour as string
    }

    /**
     * Counted in the tables: people in the districts (or everywhere), plus the people of `issuers`
     * who have no district; their stored codes by colour; and those of them with no code.
     */
    async function fromTables(scope: {
      districts?: readonly string[]
      /** Whose people without a district count: these issuers', or everyone's. */
      withoutDistrictOf?: readonly string[] | 'everyone'
    }): Promise<Current> {
      const { districts, withoutDistrictOf = [] } = scope
      const inDistricts =
        districts === undefined
          ? sql<boolean>`1 = 1`
          : districts.length === 0
            ? sql<boolean>`1 = 0`
            : sql<boolean>`people.district in (${sql.join(districts)})`
      const unplaced =
        withoutDistrictOf === 'everyone'
          ? sql<boolean>`people.district is null`
          : withoutDistrictOf.length === 0
            ? sql<boolean>`1 = 0`
            : sql<boolean>`(people.district is null and people.issuer_id in (${sql.join(withoutDistrictOf)}))`
      const inScope = sql<boolean>`(${inDistricts} or ${unplaced})`
      const registered = await opened.db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where(inScope)
        .executeTakeFirstOrThrow()
      const colours = await opened.db
        .selectFrom('health_codes')
        .innerJoin('people', 'people.id', 'health_codes.person_id')
        .select((eb) => ['health_codes.colour', eb.fn.countAll<number>().as('count')])
        .where(inScope)
        .groupBy('health_codes.colour')
        .execute()
      const uncomputed = await opened.db
        .selectFrom('people')
        .leftJoin('health_codes', 'health_codes.person_id', 'people.id')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('health_codes.person_id', 'is', null)
        .where(inScope)
        .executeTakeFirstOrThrow()
      const colour = (name: string) =>
        Number(colours.find((row) => row.colour === name)?.count ?? 0)
      return {
        registered: Number(registered.count),
        codes: {
          green: colour('green'),
          yellow: colour('yellow'),
          red: colour('red'),
          notComputed: Number(uncomputed.count),
        },
      }
    }

    async function board(user: TestUser): Promise<Board> {
      const answer = await t.request(user, 'GET', '/api/v1/dashboards/authority')
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json() as Board
    }

    /** Every current figure, in all and per district, against the tables. */
    async function assertMatchesTables(
      seen: Board,
      scope: { districts?: readonly string[]; withoutDistrictOf?: readonly string[] },
    ) {
      // The root's `unknown` is everyone without a district; a region's, its own people's.
      assert.deepEqual(seen.current, await fromTables(scope), 'the current figures')
      for (const district of seen.districts) {
        const { registered, codes } = district
        const one =
          district.district === 'unknown'
            ? scope.withoutDistrictOf
              ? { districts: [], withoutDistrictOf: scope.withoutDistrictOf }
              : { districts: [], withoutDistrictOf: 'everyone' as const }
            : { districts: [district.district] }
        assert.deepEqual(
          { registered, codes },
          await fromTables(one),
          `district ${district.district}`,
        )
      }
    }

    it('counts every person registered, by current colour, and those never computed, as the tables do', async () => {
      const spb = t.users.clinician
      const moscow = t.moscow.clinician
      const north = [
        await register(spb, 'RU-SPB-DNA'),
        await register(spb, 'RU-SPB-DNA'),
        await register(spb, 'RU-SPB-DNA'),
      ]
      const south = [
        await register(spb, 'RU-SPB-DNB'),
        await register(spb, 'RU-SPB-DNB'),
        await register(spb, 'RU-SPB-DNB'),
      ]
      const east = [await register(moscow, 'RU-MOW-DNA'), await register(moscow, 'RU-MOW-DNA')]
      // People registered without a district are their region's too (counted as `unknown`).
      const unplaced = [await register(spb), await register(spb)]
      assert.equal(await codeOf(spb, unplaced[0] as string), 'green')

      // Some codes computed (green when nothing is held against the person), one positive test
      // (red), the rest never computed.
      assert.equal(await codeOf(spb, north[0] as string), 'green')
      assert.equal(await codeOf(spb, south[0] as string), 'green')
      assert.equal(await codeOf(moscow, east[0] as string), 'green')
      const positive = await t.request(spb, 'POST', `/api/v1/people/${south[1]}/tests`, {
        testType: 'LP6464-4',
        sampledAt: new Date(t.clock().getTime() - 3_600_000).toISOString(),
        result: '260373001',
        centre: 'Central testing site',
        country: 'RU',
      })
      assert.equal(positive.statusCode, 201, positive.body)
      assert.equal(await codeOf(spb, south[1] as string), 'red')
      // A person with a computed code moves house: the code is counted where they live now.
      const moved = await t.request(spb, 'PATCH', `/api/v1/people/${north[0]}`, {
        district: 'RU-SPB-DNB',
        reason: 'moved',
      })
      assert.equal(moved.statusCode, 200, moved.body)

      const federal = await board(t.federal.health_authority)
      await assertMatchesTables(federal, {})
      assert.ok(federal.districts.some((each) => each.district === 'unknown'))
      assert.ok(federal.current.codes.notComputed > 0, 'some codes were never computed')
      assert.ok(federal.current.codes.red > 0 && federal.current.codes.green > 0)
      const { green, yellow, red, notComputed } = federal.current.codes
      assert.equal(green + yellow + red + notComputed, federal.current.registered)
      assert.deepEqual(
        federal.districts
          .filter((each) => each.district.includes('-DN'))
          .map((each) => [each.district, each.registered, each.codes]),
        [
          ['RU-MOW-DNA', 2, { green: 1, yellow: 0, red: 0, notComputed: 1 }],
          ['RU-SPB-DNA', 2, { green: 0, yellow: 0, red: 0, notComputed: 2 }],
          ['RU-SPB-DNB', 4, { green: 2, yellow: 0, red: 1, notComputed: 1 }],
        ],
      )

      // A region's authority: the districts where its people live and its venues stand.
      const region = await board(t.users.health_authority)
      const people = await opened.db
        .selectFrom('people')
        .select('district')
        .distinct()
        .where('issuer_id', '=', 'ru-spb')
        .where('district', 'is not', null)
        .execute()
      const venues = await opened.db
        .selectFrom('venues')
        .select('district')
        .distinct()
        .where('issuer_id', '=', 'ru-spb')
        .execute()
      const scope = [...new Set([...people, ...venues].map((row) => row.district as string))].sort()
      assert.ok(scope.includes('RU-SPB-DNB') && !scope.includes('RU-MOW-DNA'))
      await assertMatchesTables(region, { districts: scope, withoutDistrictOf: ['ru-spb'] })
      const unknown = region.districts.find((each) => each.district === 'unknown')
      assert.ok(unknown && unknown.registered >= 2 && unknown.codes.green >= 1, 'the unplaced')
      assert.ok(region.current.registered < federal.current.registered)
    })
  })
})
