import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  makeActor,
  makeIssuers,
  testClock,
} from '../../../test/support/domain-factories.js'
import { buildColourServices } from '../../../test/support/colour-services.js'
import {
  type TracingScene,
  makeTracing,
  tracingScene,
} from '../../../test/support/tracing-services.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { ColourService } from '../colours/colour-service.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { defaultTracingPolicy } from './tracing-policy.js'

forEachDialect((dialect) => {
  describe(`BackgroundTracingService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let clinician: Actor
    let authority: Actor
    let operator: Actor
    /** The colour engine, as compose wires it to tracing. */
    let health: ColourService

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      operator = await makeActor(store, ['venue_operator'])
      scene = tracingScene(store, time, operator)
      health = buildColourServices(
        store,
        time,
        new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK)),
      ).colours
    })
    after(() => store.close())

    /** The venues, visits and people of these tests. */
    let scene: TracingScene
    const colourOf = async (personId: string) =>
      (await store.transaction((tx) => tx.health.healthCode(personId)))?.assessment.colour
    /** The kinds of exposure the person's feed tells of, one per notification. */
    const exposureKinds = async (personId: string) =>
      (await store.transaction((tx) => tx.tracing.feed(personId, 10)))
        .filter((item) => item.kind === 'exposure')
        .map((item) => item.data['kind'])
    /** A case and a close contact whose colour is green before the case is confirmed. */
    async function caseWithCloseContact(): Promise<{ theCase: string; contact: string }> {
      const room = await scene.venue('Reading room')
      const theCase = await scene.person()
      const contact = await scene.person()
      await scene.visit(theCase, room, '2026-11-22T11:00:00.000Z')
      await scene.visit(contact, room, '2026-11-22T11:40:00.000Z')
      await health.reassess([theCase, contact])
      assert.equal(await colourOf(contact), 'green')
      return { theCase, contact }
    }

    it('answers before the background work starts, which then runs by itself and completes', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const bar = await scene.venue('Bar')
      const theCase = await scene.person()
      const contact = await scene.person()
      const evening = await scene.person()
      await scene.visit(theCase, bar, '2026-11-22T10:00:00.000Z')
      await scene.visit(contact, bar, '2026-11-22T10:45:00.000Z')
      await scene.visit(evening, bar, '2026-11-22T21:00:00.000Z')
      const order: string[] = []
      const serving = makeTracing(store, time, async () => {}, defaultTracingPolicy, {
        afterAnswer: true,
        runAlone: async (work) => {
          order.push('background starts')
          const recorded = await work()
          order.push(`background recorded ${recorded}`)
          return recorded
        },
        onError: (error) => order.push(`failed: ${String(error)}`),
      })
      const answer = await serving.confirmation.confirmCase(clinician, theCase, 'test')
      order.push('answered')
      assert.deepEqual(
        answer.exposures.map((exposure) => exposure.kind),
        ['close-contact'],
      )
      await serving.background.finished()
      for (let i = 0; i < 100 && order.length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        await serving.background.finished()
      }
      assert.deepEqual(order, ['answered', 'background starts', 'background recorded 1'])
      const kinds = (await store.transaction((tx) => tx.tracing.exposuresOfCase(answer.case.id)))
        .map((exposure) => [exposure.personId, exposure.kind])
        .sort()
      assert.deepEqual(
        kinds,
        [
          [contact, 'close-contact'],
          [evening, 'same-venue'],
        ].sort(),
      )
    })

    it('resumes background work that a crash interrupted, with nobody recorded or told twice, ending as an uninterrupted run does', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      // Two identical scenes, each in a hall of its own: one traced without a stop, one stopped
      // after its first batch.
      async function hallScene() {
        const hall = await scene.venue('Hall')
        const theCase = await scene.person()
        const visitors: string[] = []
        await scene.visit(theCase, hall, '2026-11-21T09:00:00.000Z')
        for (let i = 0; i < 7; i++) {
          const visitor = await scene.person()
          visitors.push(visitor)
          // 09:00 + 3 h and later: the same day, not overlapping.
          await scene.visit(
            visitor,
            hall,
            `2026-11-21T${String(13 + i).padStart(2, '0')}:00:00.000Z`,
          )
        }
        const close = await scene.person()
        await scene.visit(close, hall, '2026-11-21T09:10:00.000Z')
        return { theCase, visitors, close }
      }
      const small = { ...defaultTracingPolicy, backgroundBatch: 3 }
      const recorder = (into: string[][]) => async (ids: readonly string[]) => {
        into.push([...ids])
      }
      const steady: string[][] = []
      const whole = await hallScene()
      const wholeCase = await makeTracing(
        store,
        time,
        recorder(steady),
        small,
      ).confirmation.confirmCase(clinician, whole.theCase, 'test')
      await makeTracing(store, time, recorder(steady), small).background.traceQueued()

      const interrupted = await hallScene()
      // The first process: answers, then stops after one batch was committed, before it
      // reassessed that batch's people (its reassessment throws, as a killed process would stop).
      const seen: string[][] = []
      let calls = 0
      const crashing = makeTracing(
        store,
        time,
        async (ids) => {
          calls += 1
          seen.push([...ids])
          if (calls === 3) throw new Error('the process stops')
        },
        small,
      )
      const stoppedCase = await crashing.confirmation.confirmCase(
        clinician,
        interrupted.theCase,
        'test',
      )
      await assert.rejects(crashing.background.traceQueued(), /the process stops/)
      const left = await store.transaction((tx) => tx.tracing.findWork(stoppedCase.case.id))
      assert.ok(left, 'the work is still queued')
      assert.equal(left.done, 3)
      assert.equal(left.reassess.length, 3, 'the batch whose people were not reassessed yet')
      // A new process (the service recreated) takes it up on start and completes it.
      const resumed: string[][] = []
      await makeTracing(store, time, recorder(resumed), small).background.traceQueued()
      assert.equal(
        await store.transaction((tx) => tx.tracing.findWork(stoppedCase.case.id)),
        undefined,
      )
      for (const id of left.reassess) assert.ok(resumed.flat().includes(id), 'reassessed at last')

      // Both scenes end alike: the same kinds for the same roles, one notification each.
      const outcome = async (
        caseId: string,
        people: { theCase: string; visitors: string[]; close: string },
      ) => {
        const exposures = await store.transaction((tx) => tx.tracing.exposuresOfCase(caseId))
        const role = (id: string) =>
          id === people.close ? 'close' : `visitor ${people.visitors.indexOf(id)}`
        const feeds: string[] = []
        for (const id of [people.close, ...people.visitors]) {
          const feed = await store.transaction((tx) => tx.tracing.feed(id, 10))
          for (const item of feed) feeds.push(`${role(id)} ${String(item.data['kind'])}`)
        }
        return {
          exposures: exposures.map((exposure) => `${role(exposure.personId)} ${exposure.kind}`),
          feeds: feeds.sort(),
        }
      }
      const expected = await outcome(wholeCase.case.id, whole)
      assert.equal(expected.exposures.length, 8)
      assert.deepEqual(await outcome(stoppedCase.case.id, interrupted), expected)
      const everyone = (ids: string[][]) => new Set(ids.flat())
      assert.deepEqual(
        everyone([...seen, ...resumed]),
        new Set([interrupted.theCase, interrupted.close, ...interrupted.visitors]),
      )
      assert.deepEqual(everyone(steady), new Set([whole.theCase, whole.close, ...whole.visitors]))
    })

    it('changes a close contact’s colour in the background work, not before the answer', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const { theCase, contact } = await caseWithCloseContact()
      const tracing = makeTracing(store, time, (ids) => health.reassess(ids))
      const answer = await tracing.confirmation.confirmCase(authority, theCase, 'authority')
      assert.deepEqual(
        answer.exposures.map((exposure) => [exposure.personId, exposure.kind]),
        [[contact, 'close-contact']],
      )
      assert.equal(await colourOf(theCase), 'red', 'the answer includes the case’s own colour')
      assert.equal(await colourOf(contact), 'green', 'the contact’s colour is left to the work')
      const queued = await store.transaction((tx) => tx.tracing.findWork(answer.case.id))
      assert.ok(queued?.reassess.includes(contact), 'the contact is queued for reassessment')
      await tracing.background.traceQueued()
      assert.equal(await colourOf(contact), 'red')
      assert.equal(await store.transaction((tx) => tx.tracing.findWork(answer.case.id)), undefined)
    })

    it('reassesses and tells the close contacts after a crash between the answer and the background work, each once', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      // The process that answered stops before its background work runs at all.
      const first = await caseWithCloseContact()
      const stopped = makeTracing(store, time, (ids) => health.reassess(ids))
      const firstAnswer = await stopped.confirmation.confirmCase(
        authority,
        first.theCase,
        'authority',
      )
      assert.equal(await colourOf(first.contact), 'green')
      assert.deepEqual(await exposureKinds(first.contact), [], 'told by the background work')
      // The process that answered stops while its background work reassesses the close contacts.
      const second = await caseWithCloseContact()
      const stopping = makeTracing(store, time, async (ids) => {
        if (ids.includes(second.contact)) throw new Error('the process stops')
        await health.reassess(ids)
      })
      const secondAnswer = await stopping.confirmation.confirmCase(
        authority,
        second.theCase,
        'authority',
      )
      await assert.rejects(stopping.background.traceQueued(), /the process stops/)
      assert.equal(await colourOf(second.contact), 'green')
      // Not told yet: the notifications come after the reassessment, with the work.
      assert.deepEqual(await exposureKinds(second.contact), [])
      assert.ok(
        (
          await store.transaction((tx) => tx.tracing.findWork(secondAnswer.case.id))
        )?.reassess.includes(second.contact),
        'the reassessment stays queued',
      )
      // The next process (its job, or a start) takes both up.
      await makeTracing(store, time, (ids) => health.reassess(ids)).background.traceQueued()
      assert.equal(await colourOf(first.contact), 'red')
      assert.equal(await colourOf(second.contact), 'red')
      assert.deepEqual(await exposureKinds(first.contact), ['close-contact'])
      assert.deepEqual(await exposureKinds(second.contact), ['close-contact'])
      // Run again, the work is gone and nobody is told twice.
      await makeTracing(store, time, (ids) => health.reassess(ids)).background.traceQueued()
      assert.deepEqual(await exposureKinds(second.contact), ['close-contact'])
      for (const answered of [firstAnswer, secondAnswer]) {
        assert.equal(
          await store.transaction((tx) => tx.tracing.findWork(answered.case.id)),
          undefined,
        )
      }
    })
  })
})
