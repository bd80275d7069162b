import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  makePerson,
  negativeTestData,
  positiveTestData,
  recoveryData,
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
import { CertificateRevocationService } from './certificate-revocation-service.js'
import { uvciCheck } from './uvci.js'

forEachDialect((dialect) => {
  describe(`CertificateIssuingService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.250Z')
    let keys: SigningKeyService
    let issuing: CertificateIssuingService
    let lookup: CertificateLookupService
    let revocation: CertificateRevocationService
    let register: RegisterService
    let clinician: Actor
    let mskClinician: Actor
    let administrator: Actor
    let mskAdministrator: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      // Only St. Petersburg can sign at first; Moscow gets its key in a test.
      await keys.ensureKeys(undefined, ['ru-spb'])
      issuing = new CertificateIssuingService(store, time, keys, defaultCertificatePolicy)
      lookup = new CertificateLookupService(store)
      revocation = new CertificateRevocationService(store, time)
      register = new RegisterService(store, time, issuing)
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      mskClinician = await makeActor(store, ['clinician'], 'ru-msk')
      administrator = await makeActor(store, ['administrator'], 'ru-spb')
      mskAdministrator = await makeActor(store, ['administrator'], 'ru-msk')
    })
    after(() => store.close())

    it('issues a signed certificate for a vaccination, stores it, and audits the issue', async () => {
      time.set('2026-11-23T09:00:00.250Z')
      const { person, actor } = await makeCitizen(store, 'ru-spb', time)
      const { record, effects } = await register.record(
        clinician,
        person.id,
        'vaccination',
        vaccinationData,
      )
      const issued = effects.issued
      assert.ok(issued)
      assert.match(issued.qrText, /^HC1:/)
      assert.match(issued.uvci, /^URN:UVCI:01:RU:/)
      assert.equal(uvciCheck(issued.uvci), 'luhn-mod-38')
      assert.deepEqual(
        [issued.status, issued.kind, issued.personId, issued.recordId, issued.issuerId],
        ['valid', 'vaccination', person.id, record.id, 'ru-spb'],
      )
      // Issued at the whole second, valid for the policy's 365 days.
      assert.equal(issued.issuedAt, '2026-11-23T09:00:00.000Z')
      assert.equal(issued.expiresAt, '2027-11-23T09:00:00.000Z')
      assert.deepEqual(
        (await lookup.listForPerson(actor, person.id)).map((each) => each.id),
        [issued.id],
      )
      const found = await lookup.find(actor, issued.id)
      assert.deepEqual(
        [found.person.id, found.record.id, found.issuer?.id],
        [person.id, record.id, 'ru-spb'],
      )
      const audited = (await auditEntries(store, 'certificate.issue')).filter(
        (entry) => entry.entityId === issued.id,
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, (entry.data as { uvci: string }).uvci]),
        [[clinician.accountId, issued.uvci]],
      )
    })

    it('makes a negative test certificate expire 72 hours after the sample', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const { effects } = await register.record(
        clinician,
        person.id,
        'test',
        negativeTestData('2026-11-23T07:00:00Z'),
      )
      assert.equal(effects.issued?.expiresAt, '2026-11-26T07:00:00.000Z')
    })

    it('suspends the holder’s certificates on a positive test, issues none for it, and reinstates them on recovery', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await makeCitizen(store, 'ru-spb', time)
      const dose = (await register.record(clinician, person.id, 'vaccination', vaccinationData))
        .effects.issued
      assert.ok(dose)
      const positive = await register.record(
        clinician,
        person.id,
        'test',
        positiveTestData('2026-11-22T08:00:00Z'),
      )
      assert.deepEqual(
        [positive.effects.issued, positive.effects.suspended],
        [undefined, [dose.id]],
      )
      assert.equal((await lookup.find(actor, dose.id)).certificate.status, 'suspended')
      await rejectsWith(
        issuing.issueForRecord(clinician, positive.record.id),
        'ERR_RECORD_YIELDS_NO_CERTIFICATE',
      )
      const recovery = await register.record(
        clinician,
        person.id,
        'recovery',
        recoveryData('2026-11-22'),
      )
      assert.deepEqual(recovery.effects.reinstated, [dose.id])
      assert.equal((await lookup.find(actor, dose.id)).certificate.status, 'valid')
      const changes = async (action: string) =>
        (await auditEntries(store, action))
          .filter((entry) => entry.entityId === dose.id)
          .map((entry) => entry.reason)
      assert.deepEqual(await changes('certificate.suspend'), [
        'positive test sampled 2026-11-22T08:00:00Z',
      ])
      assert.deepEqual(await changes('certificate.reinstate'), ['recovery recorded'])
    })

    it('issues by hand the certificate of a record entered while its issuer had no key, once', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-msk', time)
      const { record, effects } = await register.record(
        mskClinician,
        person.id,
        'vaccination',
        vaccinationData,
      )
      assert.equal(effects.issued, undefined)
      await rejectsWith(issuing.issueForRecord(mskClinician, record.id), 'ERR_SIGNING_UNAVAILABLE')
      await keys.ensureKeys(undefined, ['ru-msk'])
      await rejectsWith(issuing.issueForRecord(clinician, record.id), 'ERR_FORBIDDEN')
      const issued = await issuing.issueForRecord(mskClinician, record.id)
      assert.equal(issued.issuerId, 'ru-msk')
      await rejectsWith(
        issuing.issueForRecord(mskClinician, record.id),
        'ERR_RECORD_HAS_CERTIFICATE',
      )
      await rejectsWith(
        issuing.issueForRecord(mskClinician, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      // After a revocation the record can have a new certificate.
      await revocation.revoke(mskAdministrator, issued.id, 'wrong batch number')
      const again = await issuing.issueForRecord(mskClinician, record.id)
      assert.notEqual(again.id, issued.id)
    })

    it('refuses by hand a test certificate that would expire at once, once the clock has passed its 72 hours', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const person = await makePerson(store, 'ru-spb', time)
      const { record, effects } = await register.record(
        clinician,
        person.id,
        'test',
        negativeTestData('2026-11-23T07:00:00Z'),
      )
      assert.ok(effects.issued)
      await revocation.revoke(administrator, effects.issued.id, 'sample mislabelled')
      time.set('2026-11-26T06:59:59.000Z')
      assert.equal(
        (await issuing.issueForRecord(clinician, record.id)).expiresAt,
        '2026-11-26T07:00:00.000Z',
      )
      const [latest] = (await lookup.listForPerson(clinician, person.id)).filter(
        (each) => each.status === 'valid',
      )
      assert.ok(latest)
      await revocation.revoke(administrator, latest.id, 'sample mislabelled again')
      time.set('2026-11-26T07:00:00.000Z')
      await rejectsWith(issuing.issueForRecord(clinician, record.id), 'ERR_RECORD_EXPIRED')
    })
  })
})
