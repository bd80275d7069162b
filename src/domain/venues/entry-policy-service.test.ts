import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  makeActor,
  makeIssuers,
  makeVenue,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { ChangeNotice } from '../changes/change-notices.js'
import type { Store } from '../ports.js'
import { defaultEntryPolicies } from './entry-decision.js'
import { EntryPolicyService } from './entry-policy-service.js'
import type { EntryPolicy } from './venue.js'

const nationwide: EntryPolicy = {
  acceptGreenCode: true,
  acceptCertificates: ['vaccination'],
  testMaxAgeHours: 48,
}
const spbOnly: EntryPolicy = {
  acceptGreenCode: false,
  acceptCertificates: ['vaccination', 'recovery'],
  testMaxAgeHours: 24,
}

forEachDialect((dialect) => {
  describe(`EntryPolicyService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    const told: ChangeNotice[] = []
    let policies: EntryPolicyService
    let federal: Actor
    let spb: Actor
    let msk: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      policies = new EntryPolicyService(store, time, (notice) => told.push(notice))
      federal = await makeActor(store, ['health_authority'], 'ru')
      spb = await makeActor(store, ['health_authority'], 'ru-spb')
      msk = await makeActor(store, ['health_authority'], 'ru-msk')
    })
    after(() => store.close())

    it('applies a region’s own policy there, else the nearest ancestor’s, else the default', async () => {
      await policies.set(federal, 'theatre', nationwide)
      await policies.set(spb, 'theatre', spbOnly)
      assert.deepEqual(
        told.map((notice) => notice.topic),
        ['entry-policies', 'entry-policies'],
      )
      assert.deepEqual((await policies.list('ru-spb')).theatre, spbOnly)
      assert.deepEqual((await policies.list('ru-msk')).theatre, nationwide)
      assert.deepEqual((await policies.list()).theatre, nationwide)
      assert.deepEqual((await policies.list('ru-msk')).shop, defaultEntryPolicies.shop)
      const operator = await makeActor(store, ['venue_operator'])
      const venue = await makeVenue(store, operator, time().toISOString(), { name: 'Mariinsky' })
      assert.deepEqual(await policies.forVenue({ ...venue, category: 'theatre' }), spbOnly)
      assert.deepEqual(
        await policies.forVenue({ ...venue, category: 'theatre', issuerId: 'ru-msk' }),
        nationwide,
      )
    })

    it('refuses a policy that admits nobody, a yellow code without a green one, another region and an unknown issuer', async () => {
      await rejectsWith(
        policies.set(spb, 'museum', { ...spbOnly, acceptCertificates: [] }),
        'ERR_INVALID_FIELD',
        'acceptCertificates',
      )
      await rejectsWith(
        policies.set(spb, 'museum', { ...spbOnly, admitYellowCode: true }),
        'ERR_INVALID_FIELD',
        'admitYellowCode',
      )
      await rejectsWith(policies.set(msk, 'museum', spbOnly, 'ru-spb'), 'ERR_FORBIDDEN')
      await rejectsWith(policies.list('ru-nowhere'), 'ERR_NOT_FOUND', 'issuerId')
      assert.deepEqual((await policies.list('ru-spb')).museum, defaultEntryPolicies.museum)
    })

    it('keeps its copy until told another process changed a policy', async () => {
      const elsewhere = new EntryPolicyService(store, time)
      assert.deepEqual((await elsewhere.list('ru-msk')).cinema, defaultEntryPolicies.cinema)
      await policies.set(msk, 'cinema', nationwide)
      assert.deepEqual((await elsewhere.list('ru-msk')).cinema, defaultEntryPolicies.cinema)
      elsewhere.forget()
      assert.deepEqual((await elsewhere.list('ru-msk')).cinema, nationwide)
    })
  })
})
