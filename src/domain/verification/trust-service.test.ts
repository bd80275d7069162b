import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  auditEntries,
  makeActor,
  makeIssuers,
  makePerson,
  rejectsWith,
  testClock,
  vaccinationData,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { defaultCertificatePolicy } from '../certificates/certificate-policy.js'
import { CertificateService } from '../certificates/certificate-service.js'
import type { HealthCertificate } from '../certificates/certificate.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { RegisterService } from '../register/register-service.js'
import { TrustService } from './trust-service.js'

const CACHE_SECONDS = 60

forEachDialect((dialect) => {
  describe(`TrustService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let keys: SigningKeyService
    let certificates: CertificateService
    let register: RegisterService
    let trust: TrustService
    let rootAdmin: Actor
    let regionAdmin: Actor
    let clinician: Actor
    /** The lists the fetcher serves, by URL, and the requests it had. */
    const served = new Map<string, string>()
    const fetched: { url: string; maxBytes: number }[] = []

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      await keys.ensureKeys(undefined, ['ru-spb'])
      certificates = new CertificateService(store, time, keys, defaultCertificatePolicy)
      register = new RegisterService(store, time, certificates)
      trust = new TrustService(store, time, keys, CACHE_SECONDS, async (url, maxBytes) => {
        fetched.push({ url, maxBytes })
        const text = served.get(url)
        if (text === undefined) throw new Error(`nothing at ${url}`)
        return text
      })
      rootAdmin = await makeActor(store, ['administrator'], 'ru')
      regionAdmin = await makeActor(store, ['administrator'], 'ru-spb')
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
      const first = await trust.verify(certificate.qrText)
      assert.equal(first.valid, true)
      assert.equal((await trust.verifyAny(certificate.qrText)).kind, 'dcc')
      await certificates.revoke(rootAdmin, certificate.id, 'forged')
      // Within the cache period the list is the one loaded before the revocation.
      time.advance((CACHE_SECONDS - 1) * 1000)
      assert.equal((await trust.verify(certificate.qrText)).valid, true)
      time.advance(2000)
      const revoked = await trust.verify(certificate.qrText)
      assert.deepEqual(
        [revoked.valid, revoked.valid ? undefined : revoked.stage],
        [false, 'revoked'],
      )
      const published = await trust.publishedRevocationList()
      assert.deepEqual(
        new Set(published.entries.map((entry) => entry.hashType)),
        new Set(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE']),
      )
    })

    it('drops the cached lists at once when told to', async () => {
      time.set('2026-11-24T09:00:00.000Z')
      const certificate = await issue()
      assert.equal((await trust.verify(certificate.qrText)).valid, true)
      await certificates.revoke(rootAdmin, certificate.id, 'wrong person')
      trust.invalidate()
      assert.equal((await trust.verify(certificate.qrText)).valid, false)
    })

    it('publishes the CSCA and the live document signers, signed by the CSCA', async () => {
      const list = await trust.publishedTrustList()
      assert.deepEqual(list.map((entry) => entry.certificateType).sort(), ['CSCA', 'DSC'])
      assert.equal(
        await trust.listSigningCertificate(),
        (await keys.cscaSigner())?.key.certificatePem,
      )
      // For our own verifiers: the EU-facing and the domestic signer.
      const { certificates: exported } = await trust.exportForVerifiers()
      assert.equal(exported.length, 2)
    })

    it('registers a partner and imports its list, uploaded or fetched within the size cap, and audits both', async () => {
      time.set('2026-11-25T09:00:00.000Z')
      // A partner deployment publishing the same shape: our own list, signed by our CSCA.
      const listText = JSON.stringify(await trust.publishedTrustList())
      const signingCertificatePem = (await trust.listSigningCertificate()) as string
      served.set('https://partner.example/trust-list', listText)
      const partner = await trust.addPartner(rootAdmin, {
        name: 'Partner',
        signingCertificatePem,
        sourceUrl: 'https://partner.example/trust-list',
      })
      const uploaded = await trust.importPartnerList(rootAdmin, partner.id, listText)
      assert.equal(uploaded.signers, 1)
      const fetchedImport = await trust.importPartnerList(rootAdmin, partner.id, undefined)
      assert.equal(fetchedImport.signers, 1)
      assert.equal(fetched.at(-1)?.url, 'https://partner.example/trust-list')
      assert.ok((fetched.at(-1)?.maxBytes ?? 0) > 0)
      const listed = (await trust.partners(rootAdmin)).find((each) => each.id === partner.id)
      assert.deepEqual(
        [listed?.signers, listed?.problem, listed?.importedAt],
        [1, undefined, '2026-11-25T09:00:00.000Z'],
      )
      assert.equal(
        (await auditEntries(store, 'trust.partner.create')).filter(
          (entry) => entry.entityId === partner.id,
        ).length,
        1,
      )
      assert.equal(
        (await auditEntries(store, 'trust.partner.import')).filter(
          (entry) => entry.entityId === partner.id,
        ).length,
        2,
      )
    })

    it('refuses a list not signed by the partner’s certificate, keeping the one before', async () => {
      const listText = JSON.stringify(await trust.publishedTrustList())
      // The partner says it signs with a document signer's certificate, not the CSCA.
      const signer = await store.transaction((tx) => keys.signerFor(tx, 'ru-spb', 'eu'))
      const partner = await trust.addPartner(rootAdmin, {
        name: 'Impostor',
        signingCertificatePem: signer.key.certificatePem,
      })
      await assert.rejects(trust.importPartnerList(rootAdmin, partner.id, listText), (error) => {
        assert.ok(error instanceof Error && 'code' in error)
        assert.match(String(error.code), /^ERR_TRUST_LIST_/)
        return true
      })
      await rejectsWith(
        trust.importPartnerList(rootAdmin, partner.id, undefined),
        'ERR_INVALID_FIELD',
        'trustList',
      )
      const listed = (await trust.partners(rootAdmin)).find((each) => each.id === partner.id)
      assert.equal(listed?.trustList, undefined)
    })

    it('leaves partners to administrators of the root issuer, and refuses a bad certificate, URL or partner', async () => {
      const pem = (await trust.listSigningCertificate()) as string
      await rejectsWith(
        trust.addPartner(regionAdmin, { name: 'Regional', signingCertificatePem: pem }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(trust.partners(clinician), 'ERR_FORBIDDEN')
      await rejectsWith(
        trust.addPartner(rootAdmin, { name: 'Bad', signingCertificatePem: 'not a certificate' }),
        'ERR_INVALID_FIELD',
        'signingCertificate',
      )
      await rejectsWith(
        trust.addPartner(rootAdmin, {
          name: 'Bad',
          signingCertificatePem: pem,
          sourceUrl: 'ftp://partner.example/list',
        }),
        'ERR_INVALID_FIELD',
        'sourceUrl',
      )
      await rejectsWith(
        trust.importPartnerList(rootAdmin, '00000000-0000-4000-8000-000000000000', '[]'),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(
        trust.importPartnerList(regionAdmin, '00000000-0000-4000-8000-000000000000', '[]'),
        'ERR_FORBIDDEN',
      )
      assert.ok((await trust.partners(rootAdmin)).every((each) => each.name !== 'Bad'))
    })
  })
})
