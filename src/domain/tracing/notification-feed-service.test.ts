import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  makeActor,
  makeCitizen,
  makeIssuers,
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
      scene = tracingScene(store, time, operator)
    })
    after(() => store.close())

    /** The venues, visits and people of these tests. */
    let scene: TracingScene

    it('gives a citizen their own feed and an account without a person an empty one', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const cinema = await scene.venue('Cinema')
      const theCase = await scene.person()
      const { person: holder, actor } = await makeCitizen(store, 'ru-spb', time)
      await scene.visit(theCase, cinema, '2026-11-22T20:00:00.000Z')
      await scene.visit(holder.id, cinema, '2026-11-22T20:15:00.000Z')
      await tracing.confirmation.confirmCase(clinician, theCase, 'test')
      // The close contact is told by the background work the answer queued.
      assert.deepEqual(await tracing.notifications.feed(actor), [])
      await tracing.background.traceQueued()
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
