import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  makeActor,
  makeIssuers,
  makePerson,
  testClock,
  vaccinationData,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { defaultCertificatePolicy } from '../certificates/certificate-policy.js'
import { CertificateIssuingService } from '../certificates/certificate-issuing-service.js'
import { CertificateRevocationService } from '../certificates/certificate-revocation-service.js'
import type { HealthCertificate } from '../certificates/certificate.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { RegisterService } from '../register/register-service.js'
import { TrustListService } from '../trust/trust-list-service.js'
import { VerificationService } from './verification-service.js'

const CACHE_SECONDS = 60

forEachDialect((dialect) => {
  describe(`VerificationService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let revocation: CertificateRevocationService
    let register: RegisterService
    let trustLists: TrustListService
    let verification: VerificationService
    let rootAdmin: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      await keys.ensureKeys(undefined, ['ru-spb'])
      register = new RegisterService(
        store,
        time,
        new CertificateIssuingService(store, time, keys, defaultCertificatePolicy),
      )
      revocation = new CertificateRevocationService(store, time)
      trustLists = new TrustListService(store, time, keys, CACHE_SECONDS)
      verification = new VerificationService(time, trustLists)
      rootAdmin = await makeActor(store, ['administrator'], 'ru')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    async function issue(): Promise<HealthCertificate> {
      const person = await makePerson(store, 'ru-spb', time)
      const { effects } = await register.record(
        clinician,
        person.id,
        'vaccination',
        vaccinationData,
      )
      assert.ok(effects.issued)
      return effects.issued
    }

    it('verifies a certificate it issued, and tells a revoked one once the cached lists expire by the clock', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const certificate = await issue()
      const first = await verification.verify(certificate.qrText)
      assert.equal(first.valid, true)
      assert.equal((await verification.verifyAny(certificate.qrText)).kind, 'dcc')
      await revocation.revoke(rootAdmin, certificate.id, 'forged')
      // Within the cache period the list is the one loaded before the revocation.
      time.advance((CACHE_SECONDS - 1) * 1000)
      assert.equal((await verification.verify(certificate.qrText)).valid, true)
      time.advance(2000)
      const revoked = await verification.verify(certificate.qrText)
      assert.deepEqual(
        [revoked.valid, revoked.valid ? undefined : revoked.stage],
        [false, 'revoked'],
      )
      const published = await trustLists.publishedRevocationList()
      assert.deepEqual(
        new Set(published.entries.map((entry) => entry.hashType)),
        new Set(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE']),
      )
    })

    it('drops the cached lists at once when told to', async () => {
      time.set('2026-11-24T09:00:00.000Z')
      const certificate = await issue()
      assert.equal((await verification.verify(certificate.qrText)).valid, true)
      await revocation.revoke(rootAdmin, certificate.id, 'wrong person')
      trustLists.invalidate()
      assert.equal((await verification.verify(certificate.qrText)).valid, false)
    })
  })
})
