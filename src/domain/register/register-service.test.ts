import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  makePerson,
  negativeTestData,
  rejectsWith,
  testClock,
  vaccinationData,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { RegisterService } from './register-service.js'

forEachDialect((dialect) => {
  describe(`RegisterService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let register: RegisterService
    let clinician: Actor
    let mskClinician: Actor
    let authority: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      // Without a certificate service: records only, no certificates.
      register = new RegisterService(store, time)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      mskClinician = await makeActor(store, ['clinician'], 'ru-msk')
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
    })
    after(() => store.close())

    it('enters a record for a person of the clinician’s region, stores it and audits it', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const { record, effects } = await register.record(
        clinician,
        person.id,
        'vaccination',
        vaccinationData,
      )
      assert.deepEqual(
        [record.personId, record.issuerId, record.kind, record.recordedBy, record.recordedAt],
        [person.id, 'ru-spb', 'vaccination', clinician.accountId, '2026-11-23T09:00:00.000Z'],
      )
      assert.deepEqual(record.data, vaccinationData)
      assert.deepEqual(effects, { issued: undefined, suspended: [], reinstated: [] })
      const audited = (await auditEntries(store, 'record.create')).filter(
        (entry) => entry.entityId === record.id,
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.issuerId, entry.entityType]),
        [[clinician.accountId, 'ru-spb', 'vaccination']],
      )
      assert.deepEqual(
        (await register.list(clinician, person.id)).map((each) => each.id),
        [record.id],
      )
    })

    it('refuses staff of another region, roles that do not record, and a person who does not exist', async () => {
      const person = await makePerson(store, 'ru-spb', time)
      await rejectsWith(
        register.record(mskClinician, person.id, 'vaccination', vaccinationData),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        register.record(authority, person.id, 'vaccination', vaccinationData),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        register.record(
          clinician,
          '00000000-0000-4000-8000-000000000000',
          'vaccination',
          vaccinationData,
        ),
        'ERR_NOT_FOUND',
      )
      assert.deepEqual(await register.list(clinician, person.id), [])
    })

    it('refuses a record with a field out of its value set or range, naming the field, and stores nothing', async () => {
      const person = await makePerson(store, 'ru-spb', time)
      await rejectsWith(
        register.record(clinician, person.id, 'vaccination', {
          ...vaccinationData,
          doseNumber: 3,
        }),
        'ERR_INVALID_FIELD',
        'vaccination.doseNumber',
      )
      await rejectsWith(
        register.record(clinician, person.id, 'vaccination', {
          ...vaccinationData,
          product: 'Elixir',
        }),
        'ERR_INVALID_FIELD',
        'vaccination.product',
      )
      await rejectsWith(
        register.record(clinician, person.id, 'vaccination', {
          ...vaccinationData,
          date: '1980-01-01',
        }),
        'ERR_INVALID_FIELD',
        'vaccination.date',
      )
      assert.deepEqual(await register.list(clinician, person.id), [])
    })

    it('refuses a test sampled after the clock’s now, and takes it once the clock has reached it', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const sample = negativeTestData('2026-11-23T10:00:00Z')
      await rejectsWith(
        register.record(clinician, person.id, 'test', sample),
        'ERR_INVALID_FIELD',
        'test.sampledAt',
      )
      time.advance(DAY)
      const { record } = await register.record(clinician, person.id, 'test', sample)
      assert.equal(record.recordedAt, '2026-11-24T09:00:00.000Z')
    })

    it('shows a person’s records to the person and their region’s staff only', async () => {
      const { person, actor } = await makeCitizen(store, 'ru-spb', time)
      const { actor: stranger } = await makeCitizen(store, 'ru-spb', time)
      const { record } = await register.record(clinician, person.id, 'vaccination', vaccinationData)
      assert.deepEqual(
        (await register.list(actor, person.id)).map((each) => each.id),
        [record.id],
      )
      await rejectsWith(register.list(stranger, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(register.list(mskClinician, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        register.list(clinician, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
    })
  })
})
