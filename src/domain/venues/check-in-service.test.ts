import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import { CheckInService } from './check-in-service.js'
import { CheckinWriter } from './checkin-writer.js'
import { EntryPolicyService } from './entry-policy-service.js'
import { VenueRegistryService } from './venue-registry-service.js'

const DAY = 86_400_000

forEachDialect((dialect) => {
  describe(`CheckInService: check-ins by poster and their retention (${dialect.name})`, () => {
    let store: Store
    let now = Date.parse('2026-11-23T09:00:00.000Z')
    const clock = () => new Date(now)
    const operator: Actor = {
      accountId: 'operator-1',
      login: 'operator@test',
      roles: ['venue_operator'],
      issuerId: undefined,
      personId: undefined,
      via: 'token',
    }
    const visitor: Actor = {
      ...operator,
      accountId: 'visitor-1',
      roles: ['citizen'],
      personId: 'p-1',
    }
    let venues: VenueRegistryService
    let checkIns: CheckInService
    before(async () => {
      store = await openStore(dialect.url())
      venues = new VenueRegistryService(store, clock)
      checkIns = new CheckInService(
        store,
        clock,
        venues,
        new EntryPolicyService(store, clock),
        {
          colourOf: async () => ({ colour: 'yellow', greenOn: '2026-11-29' }),
          personOfSubject: async () => undefined,
        },
        new CheckinWriter(store),
        28,
      )
    })
    after(() => store.close())

    it('checks a visitor in by poster, refuses an old poster, and a time past retention', async () => {
      const venue = await venues.register(operator, {
        name: 'Office',
        category: 'office',
        address: '1 Main Street',
        district: 'SH-PD',
      })
      const checked = await checkIns.checkInByPoster(visitor, {
        venueCode: venues.posterCode(venue),
        clientId: randomUUID(),
      })
      assert.deepEqual(
        [checked.duplicate, checked.checkin.colour, checked.decision.reason],
        [false, 'yellow', 'CODE_NOT_GREEN'],
      )
      const rotated = await venues.rotatePoster(operator, venue.id)
      await assert.rejects(
        checkIns.checkInByPoster(visitor, {
          venueCode: venues.posterCode(venue),
          clientId: randomUUID(),
        }),
        (error: unknown) => error instanceof DomainError && error.field === 'venueCode',
      )
      await checkIns.checkInByPoster(visitor, {
        venueCode: venues.posterCode(rotated),
        clientId: randomUUID(),
      })
      await assert.rejects(
        checkIns.checkInByPoster(visitor, {
          venueCode: venues.posterCode(rotated),
          clientId: randomUUID(),
          at: new Date(now - 29 * DAY).toISOString(),
        }),
        (error: unknown) => error instanceof DomainError && error.field === 'at',
      )
    })

    it('deletes check-ins older than the retention period, and only those', async () => {
      const venue = await venues.register(operator, {
        name: 'Park',
        category: 'park',
        address: 'Century Park',
        district: 'SH-PD',
      })
      const code = venues.posterCode(venue)
      const old = randomUUID()
      const recent = randomUUID()
      await checkIns.checkInByPoster(visitor, {
        venueCode: code,
        clientId: old,
        at: new Date(now - 27 * DAY).toISOString(),
      })
      await checkIns.checkInByPoster(visitor, {
        venueCode: code,
        clientId: recent,
        at: new Date(now - DAY).toISOString(),
      })
      now += 2 * DAY
      const deleted = await checkIns.prune(1)
      assert.ok(deleted >= 1)
      assert.equal(await store.transaction((tx) => tx.checkins.find(old)), undefined)
      assert.equal((await store.transaction((tx) => tx.checkins.find(recent)))?.id, recent)
    })
  })
})
