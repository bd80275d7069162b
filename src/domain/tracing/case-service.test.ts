import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  MINUTE,
  auditEntries,
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import {
  type TracingScene,
  type TracingServices,
  makeTracing,
  tracingScene,
} from '../../../test/support/tracing-services.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'

forEachDialect((dialect) => {
  describe(`CaseService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let tracing: TracingServices
    let authority: Actor
    let otherAuthority: Actor
    let clinician: Actor
    let operator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      tracing = makeTracing(store, time)
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      otherAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      operator = await makeActor(store, ['venue_operator'])
      scene = tracingScene(store, time, operator)
    })
    after(() => store.close())

    /** The venues, visits and people of these tests. */
    let scene: TracingScene

    it('shows a case’s whereabouts and exposure counts to its region’s authority only', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const shop = await scene.venue('Shop')
      const theCase = await scene.person()
      const contact = await scene.person()
      await scene.visit(theCase, shop, '2026-11-22T09:00:00.000Z')
      await scene.visit(contact, shop, '2026-11-22T09:30:00.000Z')
      const { case: confirmed } = await tracing.confirmation.confirmCase(
        authority,
        theCase,
        'authority',
      )
      const seen = await tracing.cases.whereabouts(authority, confirmed.id)
      assert.deepEqual(seen.visits, [
        {
          venueId: shop.id,
          venueName: 'Shop',
          district: 'RU-SPE-ADM',
          from: '2026-11-22T09:00:00.000Z',
          until: new Date(Date.parse('2026-11-22T09:00:00.000Z') + 120 * MINUTE).toISOString(),
        },
      ])
      assert.deepEqual(seen.exposures, { closeContacts: 1, sameVenue: 0, secondary: 0 })
      await rejectsWith(tracing.cases.whereabouts(otherAuthority, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(tracing.cases.whereabouts(clinician, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        tracing.cases.whereabouts(authority, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
    })

    it('publishes a case’s venues without the person, audits it, and drops them after 14 days', async () => {
      time.set('2026-12-10T12:00:00.000Z')
      const museum = await scene.venue('Museum')
      const theCase = await scene.person()
      await scene.visit(theCase, museum, '2026-12-09T11:00:00.000Z')
      const { case: confirmed } = await tracing.confirmation.confirmCase(
        authority,
        theCase,
        'authority',
      )
      const museumSites = async () =>
        (await tracing.exposureSites.list()).filter((site) => site.venueName === 'Museum')
      assert.deepEqual(await museumSites(), [])
      await rejectsWith(tracing.cases.publish(otherAuthority, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        tracing.cases.publish(authority, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      await tracing.cases.publish(authority, confirmed.id)
      const sites = await museumSites()
      assert.deepEqual(sites, [
        {
          venueName: 'Museum',
          address: 'Museum, 1 Nevsky Prospect',
          district: 'RU-SPE-ADM',
          from: '2026-12-09T11:00:00.000Z',
          until: '2026-12-09T13:00:00.000Z',
        },
      ])
      assert.ok(!JSON.stringify(sites).includes(theCase))
      assert.deepEqual(
        (await auditEntries(store, 'case.publish'))
          .filter((entry) => entry.entityId === confirmed.id)
          .map((entry) => entry.actorAccountId),
        [authority.accountId],
      )
      time.advance(15 * DAY)
      assert.deepEqual(await museumSites(), [])
    })
  })
})
