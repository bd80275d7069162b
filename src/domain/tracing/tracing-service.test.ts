import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  MINUTE,
  auditEntries,
  makeActor,
  makeVenue,
  makeCitizen,
  makeIssuers,
  makePerson,
  rejectsWith,
  recordVisit,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import type { Venue } from '../venues/venue.js'
import { TracingService, defaultTracingPolicy } from './tracing-service.js'

forEachDialect((dialect) => {
  describe(`TracingService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T18:00:00.000Z')
    let tracing: TracingService
    const reassessed: string[][] = []
    let authority: Actor
    let otherAuthority: Actor
    let clinician: Actor
    let operator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      tracing = new TracingService(
        store,
        time,
        async (ids) => {
          reassessed.push([...ids])
        },
        defaultTracingPolicy,
      )
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      otherAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
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

    it('finds close contacts, same-venue visitors and contacts of contacts, tells them, audits the case and reassesses everyone', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const cafe = await venue('Cafe')
      const gym = await venue('Gym', 'RU-SPE-VAS')
      const theCase = await person()
      const close = await person()
      const sameDay = await person()
      const ofContact = await person()
      const tooOld = await person()
      await visit(theCase, cafe, '2026-11-20T12:00:00.000Z')
      // Within the dwell (120 min) and margin (30 min): a close contact.
      await visit(close, cafe, '2026-11-20T14:20:00.000Z')
      // Same day, hours apart: a same-venue visitor.
      await visit(sameDay, cafe, '2026-11-20T19:00:00.000Z')
      // The close contact later meets someone elsewhere: a contact of a contact.
      await visit(close, gym, '2026-11-21T10:00:00.000Z')
      await visit(ofContact, gym, '2026-11-21T10:30:00.000Z')
      // Beyond the 14-day look-back: not traced.
      await visit(theCase, gym, '2026-11-05T10:00:00.000Z')
      await visit(tooOld, gym, '2026-11-05T10:10:00.000Z')

      reassessed.length = 0
      const result = await tracing.confirmCase(clinician, theCase, 'test', undefined)
      assert.equal(result.created, true)
      assert.equal(result.queued, true)
      assert.equal(result.case.personId, theCase)
      assert.equal(result.case.confirmedAt, '2026-11-23T18:00:00.000Z')
      const kindsOf = (exposures: readonly { personId: string; kind: string }[]) =>
        Object.fromEntries(exposures.map((exposure) => [exposure.personId, exposure.kind]))
      // The answer: the close contacts, recorded, told and reassessed; the rest is queued.
      assert.deepEqual(kindsOf(result.exposures), { [close]: 'close-contact' })
      const stored = () => store.transaction((tx) => tx.tracing.exposuresOfCase(result.case.id))
      assert.deepEqual(kindsOf(await stored()), { [close]: 'close-contact' })
      const exposureFeed = async (personId: string) =>
        (await store.transaction((tx) => tx.tracing.feed(personId, 10))).filter(
          (item) => item.kind === 'exposure',
        )
      assert.deepEqual(await exposureFeed(sameDay), [])
      assert.deepEqual(
        reassessed.map((ids) => [...ids].sort()),
        [[theCase, close].sort()],
      )
      // Then the background work: the same-venue visitors and the contacts of contacts.
      assert.equal(await tracing.traceInBackground(), 2)
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
      // The queued work also reassesses the case and the close contacts (in case the process
      // stopped before it did), then the people of its batch.
      assert.deepEqual(new Set(reassessed.flat()), new Set([theCase, close, sameDay, ofContact]))
      assert.deepEqual(await store.transaction((tx) => tx.tracing.queuedWork(10)), [])
      assert.equal(await tracing.traceInBackground(), 0, 'nothing is left to do')
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

    it('answers before the background work starts, which then runs by itself and completes', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const bar = await venue('Bar')
      const theCase = await person()
      const contact = await person()
      const evening = await person()
      await visit(theCase, bar, '2026-11-22T10:00:00.000Z')
      await visit(contact, bar, '2026-11-22T10:45:00.000Z')
      await visit(evening, bar, '2026-11-22T21:00:00.000Z')
      const order: string[] = []
      const serving = new TracingService(store, time, async () => {}, defaultTracingPolicy, {
        afterAnswer: true,
        runAlone: async (work) => {
          order.push('background starts')
          const recorded = await work()
          order.push(`background recorded ${recorded}`)
          return recorded
        },
        onError: (error) => order.push(`failed: ${String(error)}`),
      })
      const answer = await serving.confirmCase(clinician, theCase, 'test')
      order.push('answered')
      assert.deepEqual(
        answer.exposures.map((exposure) => exposure.kind),
        ['close-contact'],
      )
      await serving.backgroundFinished()
      for (let i = 0; i < 100 && order.length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        await serving.backgroundFinished()
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
      async function scene() {
        const hall = await venue('Hall')
        const theCase = await person()
        const visitors: string[] = []
        await visit(theCase, hall, '2026-11-21T09:00:00.000Z')
        for (let i = 0; i < 7; i++) {
          const visitor = await person()
          visitors.push(visitor)
          // 09:00 + 3 h and later: the same day, not overlapping.
          await visit(visitor, hall, `2026-11-21T${String(13 + i).padStart(2, '0')}:00:00.000Z`)
        }
        const close = await person()
        await visit(close, hall, '2026-11-21T09:10:00.000Z')
        return { theCase, visitors, close }
      }
      const small = { ...defaultTracingPolicy, backgroundBatch: 3 }
      const recorder = (into: string[][]) => async (ids: readonly string[]) => {
        into.push([...ids])
      }
      const steady: string[][] = []
      const whole = await scene()
      const wholeCase = await new TracingService(store, time, recorder(steady), small).confirmCase(
        clinician,
        whole.theCase,
        'test',
      )
      await new TracingService(store, time, recorder(steady), small).traceInBackground()

      const interrupted = await scene()
      // The first process: answers, then stops after one batch was committed, before it
      // reassessed that batch's people (its reassessment throws, as a killed process would stop).
      const seen: string[][] = []
      let calls = 0
      const crashing = new TracingService(
        store,
        time,
        async (ids) => {
          calls += 1
          seen.push([...ids])
          if (calls === 3) throw new Error('the process stops')
        },
        small,
      )
      const stoppedCase = await crashing.confirmCase(clinician, interrupted.theCase, 'test')
      await assert.rejects(crashing.traceInBackground(), /the process stops/)
      const left = await store.transaction((tx) => tx.tracing.findWork(stoppedCase.case.id))
      assert.ok(left, 'the work is still queued')
      assert.equal(left.done, 3)
      assert.equal(left.reassess.length, 3, 'the batch whose people were not reassessed yet')
      // A new process (the service recreated) takes it up on start and completes it.
      const resumed: string[][] = []
      await new TracingService(store, time, recorder(resumed), small).traceInBackground()
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

    it('confirms a person once: a second confirmation returns the case and traces nothing new', async () => {
      const theCase = await person()
      const first = await tracing.confirmCase(clinician, theCase, 'test')
      time.advance(DAY)
      const second = await tracing.confirmCase(authority, theCase, 'authority')
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
      const theCase = await person()
      await rejectsWith(tracing.confirmCase(clinician, theCase, 'authority'), 'ERR_FORBIDDEN')
      await rejectsWith(tracing.confirmCase(otherAuthority, theCase, 'authority'), 'ERR_FORBIDDEN')
      await rejectsWith(
        tracing.confirmCase(authority, '00000000-0000-4000-8000-000000000000', 'authority'),
        'ERR_NOT_FOUND',
      )
      assert.equal(await store.transaction((tx) => tx.tracing.caseOf(theCase)), undefined)
      const confirmed = await tracing.confirmCase(authority, theCase, 'authority')
      assert.equal(confirmed.case.source, 'authority')
    })

    it('shows a case’s whereabouts and exposure counts to its region’s authority only', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const shop = await venue('Shop')
      const theCase = await person()
      const contact = await person()
      await visit(theCase, shop, '2026-11-22T09:00:00.000Z')
      await visit(contact, shop, '2026-11-22T09:30:00.000Z')
      const { case: confirmed } = await tracing.confirmCase(authority, theCase, 'authority')
      const seen = await tracing.whereabouts(authority, confirmed.id)
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
      await rejectsWith(tracing.whereabouts(otherAuthority, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(tracing.whereabouts(clinician, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        tracing.whereabouts(authority, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
    })

    it('publishes a case’s venues without the person, audits it, and drops them after 14 days', async () => {
      time.set('2026-12-10T12:00:00.000Z')
      const museum = await venue('Museum')
      const theCase = await person()
      await visit(theCase, museum, '2026-12-09T11:00:00.000Z')
      const { case: confirmed } = await tracing.confirmCase(authority, theCase, 'authority')
      const museumSites = async () =>
        (await tracing.exposureSites()).filter((site) => site.venueName === 'Museum')
      assert.deepEqual(await museumSites(), [])
      await rejectsWith(tracing.publish(otherAuthority, confirmed.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        tracing.publish(authority, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      await tracing.publish(authority, confirmed.id)
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

    it('gives a citizen their own feed and an account without a person an empty one', async () => {
      time.set('2026-11-23T18:00:00.000Z')
      const cinema = await venue('Cinema')
      const theCase = await person()
      const { person: holder, actor } = await makeCitizen(store, 'ru-spb', time)
      await visit(theCase, cinema, '2026-11-22T20:00:00.000Z')
      await visit(holder.id, cinema, '2026-11-22T20:15:00.000Z')
      await tracing.confirmCase(clinician, theCase, 'test')
      assert.deepEqual(
        (await tracing.feed(actor)).map((item) => [item.personId, item.kind, item.data['kind']]),
        [[holder.id, 'exposure', 'close-contact']],
      )
      assert.deepEqual(await tracing.feed(operator), [])
    })
  })
})
