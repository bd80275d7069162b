import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  MINUTE,
  TEST_KEK,
  auditEntries,
  makeActor,
  makeIssuers,
  personInput,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { KeyVault } from '../keys/key-vault.js'
import { Lockout, lockoutPolicy } from '../limits/lockout.js'
import type { Store } from '../ports.js'
import { PeopleService } from './people-service.js'
import { PersonClaimService } from './person-claim-service.js'

forEachDialect((dialect) => {
  describe(`PeopleService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let people: PeopleService
    let claims: PersonClaimService
    let clinician: Actor
    let mskClinician: Actor
    let operator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const vault = KeyVault.fromText(TEST_KEK)
      people = new PeopleService(store, time, vault)
      claims = new PersonClaimService(store, time, {
        perAccount: new Lockout(store.limitCounters, time, lockoutPolicy('claim.account', 3, 15)),
        perRecord: new Lockout(store.limitCounters, time, lockoutPolicy('claim.record', 3, 15)),
        vault,
      })
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      mskClinician = await makeActor(store, ['clinician'], 'ru-msk')
      operator = await makeActor(store, ['venue_operator'])
    })
    after(() => store.close())

    it('registers a person in the staff’s own register with a claim code, and audits it', async () => {
      const registered = await people.register(
        clinician,
        personInput({ familyName: ' Иванов ', givenName: 'Пётр' }),
      )
      assert.equal(registered.issuerId, 'ru-spb')
      assert.equal(registered.familyName, 'Иванов')
      assert.equal(registered.familyNameIcao, 'IVANOV')
      assert.equal(registered.givenNameIcao, 'PETR')
      assert.equal(registered.accountId, undefined)
      assert.ok(registered.claimCode.length > 0)
      assert.equal(await claims.claimCodeForPrint(clinician, registered.id), registered.claimCode)
      assert.equal(await claims.claimCodeForPrint(mskClinician, registered.id), undefined)
      assert.deepEqual((await people.get(clinician, registered.id)).id, registered.id)
      const audited = (await auditEntries(store, 'person.create')).filter(
        (entry) => entry.entityId === registered.id,
      )
      assert.deepEqual(
        audited.map((entry) => entry.actorAccountId),
        [clinician.accountId],
      )
    })

    it('refuses a second person with the same document, another region’s register, non-staff, and bad fields', async () => {
      const input = personInput()
      await people.register(clinician, input)
      await rejectsWith(
        people.register(clinician, {
          ...personInput(),
          document: { ...input.document, number: ` ${input.document.number.toLowerCase()} ` },
        }),
        'ERR_CONFLICT',
        'document',
      )
      await rejectsWith(
        people.register(clinician, personInput({ issuerId: 'ru-msk' })),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(people.register(operator, personInput()), 'ERR_INVALID_FIELD', 'issuerId')
      await rejectsWith(
        people.register(operator, personInput({ issuerId: 'ru-spb' })),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        people.register(clinician, personInput({ birthDate: '2026-11-24' })),
        'ERR_INVALID_FIELD',
        'birthDate',
      )
      await rejectsWith(
        people.register(clinician, {
          ...personInput(),
          document: { type: 'passport', number: '12', country: 'RU' },
        }),
        'ERR_INVALID_FIELD',
        'document.number',
      )
    })

    it('updates a person’s details with the reason audited, recomputing the ICAO name', async () => {
      const registered = await people.register(clinician, personInput())
      await rejectsWith(
        people.update(mskClinician, registered.id, { familyName: 'Смирнова' }, 'married'),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        people.update(clinician, registered.id, { birthDate: '1990-13-01' }, 'typo'),
        'ERR_INVALID_FIELD',
        'birthDate',
      )
      const updated = await people.update(
        clinician,
        registered.id,
        { familyName: 'Смирнова' },
        'married',
      )
      assert.deepEqual(
        [updated.familyName, updated.familyNameIcao, updated.givenName],
        ['Смирнова', 'SMIRNOVA', registered.givenName],
      )
      const audited = (await auditEntries(store, 'person.update')).filter(
        (entry) => entry.entityId === registered.id,
      )
      assert.deepEqual(
        audited.map((entry) => [entry.reason, entry.data]),
        [['married', { familyName: 'Смирнова' }]],
      )
      await rejectsWith(
        people.update(clinician, '00000000-0000-4000-8000-000000000000', {}, 'none'),
        'ERR_NOT_FOUND',
      )
    })

    it('lists the people of the staff’s issuer, newest first, and refuses other regions and non-staff', async () => {
      const before = (await people.list(mskClinician, undefined, { limit: 1000, offset: 0 })).length
      time.advance(MINUTE)
      const first = await people.register(mskClinician, personInput())
      time.advance(MINUTE)
      const second = await people.register(mskClinician, personInput())
      const listed = await people.list(mskClinician, undefined, { limit: 1000, offset: 0 })
      assert.equal(listed.length, before + 2)
      assert.deepEqual(
        listed.slice(0, 2).map((person) => person.id),
        [second.id, first.id],
      )
      assert.ok(listed.every((person) => person.issuerId === 'ru-msk'))
      await rejectsWith(
        people.list(mskClinician, 'ru-spb', { limit: 10, offset: 0 }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(people.list(operator, undefined, { limit: 10, offset: 0 }), 'ERR_FORBIDDEN')
      await rejectsWith(people.get(clinician, first.id), 'ERR_FORBIDDEN')
    })
  })
})
