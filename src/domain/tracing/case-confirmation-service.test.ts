import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
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
  describe(`CaseConfirmationService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let tracing: TracingServices
    const reassessed: string[][] = []
    let authority: Actor
    let otherAuthority: Actor
    let clinician: Actor
    let operator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      tracing = makeTracing(store, time, async (ids) => {
        reassessed.push([...ids])
      })
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      otherAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      operator = await makeActor(store, ['venue_operator'])
      scene = tracingScene(store, time, operator)
    })
    after(() => store.close())

    /** The venues, visits and people of these tests. */
    let scene: TracingScene

    it('finds close contacts, same-venue visitors and contacts of contacts, tells them, audits the case and reassesses everyone', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const cafe = await scene.venue('Cafe')
      const gym = await scene.venue('Gym', 'RU-SPE-VAS')
      const theCase = await scene.person()
      const close = await scene.person()
      const sameDay = await scene.person()
      const ofContact = await scene.person()
      const tooOld = await scene.person()
      await scene.visit(theCase, cafe, '2026-11-20T12:00:00.000Z')
      // Within the dwell (120 min) and margin (30 min): a close contact.
      await scene.visit(close, cafe, '2026-11-20T14:20:00.000Z')
      // Same day, hours apart: a same-venue visitor.
      await scene.visit(sameDay, cafe, '2026-11-20T19:00:00.000Z')
      // The close contact later meets someone elsewhere: a contact of a contact.
      await scene.visit(close, gym, '2026-11-21T10:00:00.000Z')
      await scene.visit(ofContact, gym, '2026-11-21T10:30:00.000Z')
      // Beyond the 14-day look-back: not traced.
      await scene.visit(theCase, gym, '2026-11-05T10:00:00.000Z')
      await scene.visit(tooOld, gym, '2026-11-05T10:10:00.000Z')

      reassessed.length = 0
      const result = await tracing.confirmation.confirmCase(clinician, theCase, 'test', undefined)
      assert.equal(result.created, true)
      assert.equal(result.queued, true)
      assert.equal(result.case.personId, theCase)
      assert.equal(result.case.confirmedAt, '2026-11-23T18:00:00.000Z')
      const kindsOf = (exposures: readonly { personId: string; kind: string }[]) =>
        Object.fromEntries(exposures.map((exposure) => [exposure.personId, exposure.kind]))
      // The answer: the close contacts recorded, and the case's own colour; the close contacts'
      // colours and notifications, and the rest, are queued.
      assert.deepEqual(kindsOf(result.exposures), { [close]: 'close-contact' })
      const stored = () => store.transaction((tx) => tx.tracing.exposuresOfCase(result.case.id))
      assert.deepEqual(kindsOf(await stored()), { [close]: 'close-contact' })
      const exposureFeed = async (personId: string) =>
        (await store.transaction((tx) => tx.tracing.feed(personId, 10))).filter(
          (item) => item.kind === 'exposure',
        )
      assert.deepEqual(await exposureFeed(sameDay), [])
      assert.deepEqual(await exposureFeed(close), [])
      assert.deepEqual(
        reassessed.map((ids) => [...ids].sort()),
        [[theCase]],
      )
      // Then the background work: the same-venue visitors and the contacts of contacts.
      assert.equal(await tracing.background.traceQueued(), 2)
      assert.deepEqual(
        kindsOf(await stored()),
        Object.fromEntries([
          [close, 'close-contact'],
          [sameDay, 'same-venue'],
          [ofContact, 'secondary-contact'],
        ]),
      )
      assert.deepEqual(
        (await exposureFeed(close)).map((item) => item.data['kind']),
        ['close-contact'],
      )
      assert.deepEqual(
        (await exposureFeed(sameDay)).map((item) => [item.data['kind'], item.data['venueName']]),
        [['same-venue', 'Cafe']],
      )
      assert.deepEqual(
        (await exposureFeed(ofContact)).map((item) => [item.data['kind'], item.data['venueName']]),
        [['secondary-contact', 'Gym']],
      )
      assert.deepEqual(await exposureFeed(tooOld), [])
      // The queued work reassesses the close contacts (and the case, in case the process stopped
      // before it did), then the people of its batch.
      assert.deepEqual(new Set(reassessed.flat()), new Set([theCase, close, sameDay, ofContact]))
      assert.deepEqual(await store.transaction((tx) => tx.tracing.queuedWork(10)), [])
      assert.equal(await tracing.background.traceQueued(), 0, 'nothing is left to do')
      const audited = (await auditEntries(store, 'case.confirm')).filter(
        (entry) => entry.entityId === result.case.id,
      )
      assert.deepEqual(
        audited.map((entry) => [
          entry.actorAccountId,
          entry.reason,
          (entry.data as { exposures: number }).exposures,
        ]),
        [[clinician.accountId, 'positive test', 1]],
      )
    })

    it('confirms a person once: a second confirmation returns the case and traces nothing new', async () => {
      const theCase = await scene.person()
      const first = await tracing.confirmation.confirmCase(clinician, theCase, 'test')
      time.advance(DAY)
      const second = await tracing.confirmation.confirmCase(authority, theCase, 'authority')
      assert.deepEqual(
        [second.created, second.case.id, second.exposures],
        [false, first.case.id, []],
      )
      assert.equal(
        (await auditEntries(store, 'case.confirm')).filter(
          (entry) => entry.entityId === first.case.id,
        ).length,
        1,
      )
    })

    it('refuses a decision by anyone but the authority of the person’s region, and a person who does not exist', async () => {
      const theCase = await scene.person()
      await rejectsWith(
        tracing.confirmation.confirmCase(clinician, theCase, 'authority'),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        tracing.confirmation.confirmCase(otherAuthority, theCase, 'authority'),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        tracing.confirmation.confirmCase(
          authority,
          '00000000-0000-4000-8000-000000000000',
          'authority',
        ),
        'ERR_NOT_FOUND',
      )
      assert.equal(await store.transaction((tx) => tx.tracing.caseOf(theCase)), undefined)
      const confirmed = await tracing.confirmation.confirmCase(authority, theCase, 'authority')
      assert.equal(confirmed.case.source, 'authority')
    })
  })
})
