import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  makeActor,
  makeVenue,
  makeCitizen,
  makeIssuers,
  makePerson,
  recordVisit,
  testClock,
} from '../../../test/support/domain-factories.js'
import { type TracingServices, makeTracing } from '../../../test/support/tracing-services.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import type { Venue } from '../venues/venue.js'

forEachDialect((dialect) => {
  describe(`NotificationFeedService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let tracing: TracingServices
    let clinician: Actor
    let operator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      tracing = makeTracing(store, time)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      operator = await makeActor(store, ['venue_operator'])
    })
    after(() => store.close())

    const venue = (name: string, district?: string): Promise<Venue> =>
      makeVenue(store, operator, time().toISOString(), {
        name,
        ...(district === undefined ? {} : { district }),
      })
    const visit = (personId: string, at: Venue, when: string) =>
      recordVisit(store, personId, at, when)

    const person = async (issuerId = 'ru-spb') => (await makePerson(store, issuerId, time)).id

    it('gives a citizen their own feed and an account without a person an empty one', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const cinema = await venue('Cinema')
      const theCase = await person()
      const { person: holder, actor } = await makeCitizen(store, 'ru-spb', time)
      await visit(theCase, cinema, '2026-11-22T20:00:00.000Z')
      await visit(holder.id, cinema, '2026-11-22T20:15:00.000Z')
      await tracing.confirmation.confirmCase(clinician, theCase, 'test')
      assert.deepEqual(
        (await tracing.notifications.feed(actor)).map((item) => [
          item.personId,
          item.kind,
          item.data['kind'],
        ]),
        [[holder.id, 'exposure', 'close-contact']],
      )
      assert.deepEqual(await tracing.notifications.feed(operator), [])
    })
  })
})
