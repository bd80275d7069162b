import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  makeActor,
  makeCitizen,
  makeIssuers,
  makePerson,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { AuthorityDashboardService } from './authority-dashboard.js'

forEachDialect((dialect) => {
  describe(`AuthorityDashboardService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let dashboards: AuthorityDashboardService
    let federal: Actor
    let spb: Actor
    let msk: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      dashboards = new AuthorityDashboardService(store, time)
      federal = await makeActor(store, ['health_authority'], 'ru')
      spb = await makeActor(store, ['administrator'], 'ru-spb')
      msk = await makeActor(store, ['health_authority'], 'ru-msk')
      // The districts a region's dashboard covers are where its people live.
      await makePerson(store, 'ru-spb', time, { district: 'SPB-ADM' })
      await makePerson(store, 'ru-msk', time, { district: 'MSK-CAO' })
      await store.transaction((tx) =>
        tx.counters.add([
          { day: '2026-11-01', district: 'SPB-ADM', metric: 'codes.green', by: 3 },
          { day: '2026-11-22', district: 'SPB-ADM', metric: 'codes.green', by: -1 },
          { day: '2026-11-22', district: 'SPB-ADM', metric: 'codes.yellow', by: 1 },
          { day: '2026-11-20', district: 'MSK-CAO', metric: 'codes.green', by: 2 },
          { day: '2026-11-22', district: 'SPB-ADM', metric: 'declarations', by: 4 },
          { day: '2026-11-23', district: 'SPB-ADM', metric: 'checkins', by: 7 },
          { day: '2026-11-23', district: 'MSK-CAO', metric: 'checkins', by: 5 },
          { day: '2026-11-23', district: 'MSK-CAO', metric: 'exposures.close-contact', by: 2 },
          { day: '2026-11-21', district: 'MSK-CAO', metric: 'cases', by: 1 },
          // Companies' own counters never reach the authority's dashboard.
          { day: '2026-11-23', district: 'company:c-1', metric: 'checkins', by: 100 },
          { day: '2026-11-23', district: 'company:c-1', metric: 'codes.red', by: 100 },
        ]),
      )
    })
    after(() => store.close())

    it('shows the root’s staff every district by day, with codes as running sums, over the 14 days ending today', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const board = await dashboards.dashboard(federal, {})
      assert.deepEqual(
        [board.from, board.until, board.days.length],
        ['2026-11-10', '2026-11-23', 14],
      )
      const day = (iso: string) => board.days.find((each) => each.day === iso)
      assert.deepEqual(day('2026-11-19')?.codes, { green: 3, yellow: 0, red: 0 })
      assert.deepEqual(day('2026-11-20')?.codes, { green: 5, yellow: 0, red: 0 })
      assert.deepEqual(day('2026-11-22')?.codes, { green: 4, yellow: 1, red: 0 })
      assert.deepEqual(
        [day('2026-11-22')?.declarations, day('2026-11-23')?.checkins, day('2026-11-21')?.cases],
        [4, 12, 1],
      )
      assert.equal(day('2026-11-23')?.exposures.closeContact, 2)
      // Now, by district and in all, the people and their stored codes (none computed here).
      const none = { green: 0, yellow: 0, red: 0, notComputed: 1 }
      assert.deepEqual(
        board.districts.map((each) => [each.district, each.checkins, each.registered, each.codes]),
        [
          ['MSK-CAO', 5, 1, none],
          ['SPB-ADM', 7, 1, none],
        ],
      )
      assert.deepEqual(board.current, {
        registered: 2,
        codes: { green: 0, yellow: 0, red: 0, notComputed: 2 },
      })
    })

    it('shows a region’s staff only the districts of their region, and nothing for a district of another', async () => {
      const board = await dashboards.dashboard(spb, { from: '2026-11-22', until: '2026-11-23' })
      assert.deepEqual(
        board.districts.map((each) => each.district),
        ['SPB-ADM'],
      )
      assert.equal(board.current.registered, 1, 'the people of its districts only')
      assert.deepEqual(
        board.days.map((each) => [each.day, each.checkins, each.codes]),
        [
          ['2026-11-22', 0, { green: 2, yellow: 1, red: 0 }],
          ['2026-11-23', 7, { green: 2, yellow: 1, red: 0 }],
        ],
      )
      const elsewhere = await dashboards.dashboard(msk, {
        from: '2026-11-22',
        until: '2026-11-23',
        district: 'SPB-ADM',
      })
      assert.deepEqual(elsewhere.districts, [])
      assert.ok(elsewhere.days.every((each) => each.checkins === 0 && each.codes.yellow === 0))
    })

    it('refuses roles that do not read it, accounts of no issuer, and a period backwards or over 366 days', async () => {
      const clinician = await makeActor(store, ['clinician'], 'ru-spb')
      const { actor: citizen } = await makeCitizen(store, 'ru-spb', time)
      await rejectsWith(dashboards.dashboard(clinician, {}), 'ERR_FORBIDDEN')
      await rejectsWith(dashboards.dashboard(citizen, {}), 'ERR_FORBIDDEN')
      await rejectsWith(
        dashboards.dashboard(federal, { from: '2026-11-24', until: '2026-11-23' }),
        'ERR_INVALID_FIELD',
        'from',
      )
      await rejectsWith(
        dashboards.dashboard(federal, { from: '2025-11-21', until: '2026-11-23' }),
        'ERR_INVALID_FIELD',
        'from',
      )
      const longest = await dashboards.dashboard(federal, {
        from: '2025-11-22',
        until: '2026-11-23',
      })
      assert.equal(longest.days.length, 367)
    })

    it('moves the default period with the clock', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      time.advance(3 * DAY)
      const board = await dashboards.dashboard(federal, {})
      assert.deepEqual([board.from, board.until], ['2026-11-13', '2026-11-26'])
      assert.deepEqual(board.days.at(-1)?.codes, { green: 4, yellow: 1, red: 0 })
    })
  })
})
