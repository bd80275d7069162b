import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { build } from '../../src/api/app.js'
import { loadConfig } from '../../src/config/config.js'
import type { Actor } from '../../src/domain/access/actor.js'
import type { Store } from '../../src/domain/ports.js'
import type { Venue } from '../../src/domain/venues/venue.js'
import { openStore } from '../../src/storage/open-store.js'
import { forEachDialect } from '../support/dialects.js'
import {
  TEST_KEK,
  makeActor,
  makeVenue,
  makeIssuers,
  makePerson,
  recordVisit,
  testClock,
} from '../support/domain-factories.js'
import { makeTracing } from '../support/tracing-services.js'

/**
 * Tracing's background work survives the process: a case answered by one process that stops
 * before the same-venue work is recorded by the next server on its start, and each person is told
 * once.
 */
forEachDialect((dialect) => {
  describe(`tracing's background work across a restart (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    async function venue(): Promise<Venue> {
      const operator = await makeActor(store, ['venue_operator'])
      return makeVenue(store, operator, time().toISOString(), {
        name: 'Station',
        address: 'Station, 2 Ligovsky Prospect',
      })
    }
    const visit = (personId: string, at: Venue, when: string) =>
      recordVisit(store, personId, at, when)

    it('records on start the same-venue visitors of a case whose process stopped after the answer', async () => {
      const station = await venue()
      const theCase = (await makePerson(store, 'ru-spb', time)).id
      const close = (await makePerson(store, 'ru-spb', time)).id
      const later = [] as string[]
      await visit(theCase, station, '2026-11-22T08:00:00.000Z')
      await visit(close, station, '2026-11-22T08:30:00.000Z')
      for (let i = 0; i < 4; i++) {
        const visitor = (await makePerson(store, 'ru-spb', time)).id
        later.push(visitor)
        await visit(visitor, station, `2026-11-22T${14 + i}:00:00.000Z`)
      }
      // The first process answers, then stops before its background work starts.
      const stopped = makeTracing(store, time)
      const answer = await stopped.confirmation.confirmCase(clinician, theCase, 'test')
      assert.deepEqual(
        answer.exposures.map((exposure) => [exposure.personId, exposure.kind]),
        [[close, 'close-contact']],
      )
      const queued = await store.transaction((tx) => tx.tracing.findWork(answer.case.id))
      assert.ok(queued, 'the same-venue work is queued')

      // The next server starts on the same store and takes it up.
      const app = await build({
        config: loadConfig({ LOG_LEVEL: 'silent', KEY_ENCRYPTION_KEY: TEST_KEK }),
        store,
        clock: time,
        scheduleJobs: true,
      })
      try {
        for (let waited = 0; waited < 20_000; waited += 50) {
          const left = await store.transaction((tx) => tx.tracing.findWork(answer.case.id))
          if (!left) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        assert.equal(
          await store.transaction((tx) => tx.tracing.findWork(answer.case.id)),
          undefined,
          'the work is done',
        )
      } finally {
        await app.close().catch(() => {})
      }
      const exposures = await store.transaction((tx) => tx.tracing.exposuresOfCase(answer.case.id))
      assert.deepEqual(
        exposures.map((exposure) => [exposure.personId, exposure.kind]).sort(),
        [[close, 'close-contact'], ...later.map((id) => [id, 'same-venue'])].sort(),
      )
      for (const id of [close, ...later]) {
        const feed = await store.transaction((tx) => tx.tracing.feed(id, 10))
        assert.equal(feed.filter((item) => item.kind === 'exposure').length, 1, 'told once')
      }
    })
  })
})
