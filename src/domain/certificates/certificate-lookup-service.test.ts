import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
  vaccinationData,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { RegisterService } from '../register/register-service.js'
import { defaultCertificatePolicy } from './certificate-policy.js'
import { CertificateIssuingService } from './certificate-issuing-service.js'
import { CertificateLookupService } from './certificate-lookup-service.js'

forEachDialect((dialect) => {
  describe(`CertificateLookupService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.250Z')
    let keys: SigningKeyService
    let issuing: CertificateIssuingService
    let lookup: CertificateLookupService
    let register: RegisterService
    let clinician: Actor
    let mskClinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      // Only St. Petersburg can sign at first; Moscow gets its key in a test.
      await keys.ensureKeys(undefined, ['ru-spb'])
      issuing = new CertificateIssuingService(store, time, keys, defaultCertificatePolicy)
      lookup = new CertificateLookupService(store)
      register = new RegisterService(store, time, issuing)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      mskClinician = await makeActor(store, ['clinician'], 'ru-msk')
    })
    after(() => store.close())

    it('shows a person’s certificates to the person and their region’s staff, and to nobody else', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person } = await makeCitizen(store, 'ru-spb', time)
      const { actor: stranger } = await makeCitizen(store, 'ru-spb', time)
      const issued = (await register.record(clinician, person.id, 'vaccination', vaccinationData))
        .effects.issued
      assert.ok(issued)
      assert.equal((await lookup.listForPerson(clinician, person.id)).length, 1)
      await rejectsWith(lookup.listForPerson(stranger, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(lookup.listForPerson(mskClinician, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(lookup.find(stranger, issued.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        lookup.find(clinician, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(
        lookup.listForPerson(clinician, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
    })
  })
})
