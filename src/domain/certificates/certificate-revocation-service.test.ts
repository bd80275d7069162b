import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  TEST_KEK,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  makePerson,
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
import { CertificateRevocationService } from './certificate-revocation-service.js'
import { uvciCheck } from './uvci.js'

forEachDialect((dialect) => {
  describe(`CertificateRevocationService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.250Z')
    let keys: SigningKeyService
    let issuing: CertificateIssuingService
    let revocation: CertificateRevocationService
    let register: RegisterService
    let clinician: Actor
    let administrator: Actor
    let mskAdministrator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      // Only St. Petersburg can sign at first; Moscow gets its key in a test.
      await keys.ensureKeys(undefined, ['ru-spb'])
      issuing = new CertificateIssuingService(store, time, keys, defaultCertificatePolicy)
      revocation = new CertificateRevocationService(store, time)
      register = new RegisterService(store, time, issuing)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      administrator = await makeActor(store, ['administrator'], 'ru-spb')
      mskAdministrator = await makeActor(store, ['administrator'], 'ru-msk')
    })
    after(() => store.close())

    it('revokes for good with a reason, audits it, and refuses a second revocation, other regions and other roles', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const issued = (await register.record(clinician, person.id, 'vaccination', vaccinationData))
        .effects.issued
      assert.ok(issued)
      await rejectsWith(revocation.revoke(clinician, issued.id, 'fraud'), 'ERR_FORBIDDEN')
      await rejectsWith(revocation.revoke(mskAdministrator, issued.id, 'fraud'), 'ERR_FORBIDDEN')
      await rejectsWith(
        revocation.revoke(administrator, '00000000-0000-4000-8000-000000000000', 'fraud'),
        'ERR_NOT_FOUND',
      )
      time.advance(DAY)
      const revoked = await revocation.revoke(administrator, issued.id, 'forged vaccination')
      assert.equal(revoked.status, 'revoked')
      await rejectsWith(
        revocation.revoke(administrator, issued.id, 'again'),
        'ERR_CERTIFICATE_ALREADY_REVOKED',
      )
      const audited = (await auditEntries(store, 'certificate.revoke')).filter(
        (entry) => entry.entityId === issued.id,
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.reason, entry.at]),
        [[administrator.accountId, 'forged vaccination', '2026-11-24T09:00:00.000Z']],
      )
    })

    it('finds a certificate by its UVCI as typed, tells a mistyped one apart, and keeps the search to the actor’s issuers', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const issued = (await register.record(clinician, person.id, 'vaccination', vaccinationData))
        .effects.issued
      assert.ok(issued)
      const typed = issued.uvci.replace(/^URN:UVCI:/, '').toLowerCase()
      const found = await revocation.search(
        administrator,
        { uvci: typed },
        { limit: 10, offset: 0 },
      )
      assert.deepEqual(
        found.map((each) => each.certificate.id),
        [issued.id],
      )
      const body = issued.uvci.slice(0, -1)
      const mistyped = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ']
        .map((character) => body + character)
        .find((candidate) => uvciCheck(candidate) === 'wrong')
      assert.ok(mistyped)
      await rejectsWith(
        revocation.search(administrator, { uvci: mistyped }, { limit: 10, offset: 0 }),
        'ERR_UVCI_CHECK',
        'uvci',
      )
      await rejectsWith(
        revocation.search(mskAdministrator, { issuerId: 'ru-spb' }, { limit: 10, offset: 0 }),
        'ERR_FORBIDDEN',
      )
      const { actor: citizen } = await makeCitizen(store, 'ru-spb', time)
      await rejectsWith(revocation.search(citizen, {}, { limit: 10, offset: 0 }), 'ERR_FORBIDDEN')
      await rejectsWith(
        revocation.search(administrator, { issuerId: 'ru-nowhere' }, { limit: 10, offset: 0 }),
        'ERR_INVALID_FIELD',
        'issuerId',
      )
    })
  })
})
