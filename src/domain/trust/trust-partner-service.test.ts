import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  auditEntries,
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { TrustListService } from './trust-list-service.js'
import { TrustPartnerService } from './trust-partner-service.js'

forEachDialect((dialect) => {
  describe(`TrustPartnerService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let keys: SigningKeyService
    let trustLists: TrustListService
    let trustPartners: TrustPartnerService
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
      trustLists = new TrustListService(store, time, keys, 60)
      trustPartners = new TrustPartnerService(store, time, trustLists, async (url, maxBytes) => {
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

    it('registers a partner and imports its list, uploaded or fetched within the size cap, and audits both', async () => {
      time.set('2026-11-25T09:00:00.000Z')
      // A partner deployment publishing the same shape: our own list, signed by our CSCA.
      const listText = JSON.stringify(await trustLists.publishedTrustList())
      const signingCertificatePem = (await trustLists.listSigningCertificate()) as string
      served.set('https://partner.example/trust-list', listText)
      const partner = await trustPartners.addPartner(rootAdmin, {
        name: 'Partner',
        signingCertificatePem,
        sourceUrl: 'https://partner.example/trust-list',
      })
      const uploaded = await trustPartners.importPartnerList(rootAdmin, partner.id, listText)
      assert.equal(uploaded.signers, 1)
      const fetchedImport = await trustPartners.importPartnerList(rootAdmin, partner.id, undefined)
      assert.equal(fetchedImport.signers, 1)
      assert.equal(fetched.at(-1)?.url, 'https://partner.example/trust-list')
      assert.ok((fetched.at(-1)?.maxBytes ?? 0) > 0)
      const listed = (await trustPartners.partners(rootAdmin)).find(
        (each) => each.id === partner.id,
      )
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
      const listText = JSON.stringify(await trustLists.publishedTrustList())
      // The partner says it signs with a document signer's certificate, not the CSCA.
      const signer = await store.transaction((tx) => keys.signerFor(tx, 'ru-spb', 'eu'))
      const partner = await trustPartners.addPartner(rootAdmin, {
        name: 'Impostor',
        signingCertificatePem: signer.key.certificatePem,
      })
      await assert.rejects(
        trustPartners.importPartnerList(rootAdmin, partner.id, listText),
        (error) => {
          assert.ok(error instanceof Error && 'code' in error)
          assert.match(String(error.code), /^ERR_TRUST_LIST_/)
          return true
        },
      )
      await rejectsWith(
        trustPartners.importPartnerList(rootAdmin, partner.id, undefined),
        'ERR_INVALID_FIELD',
        'trustList',
      )
      const listed = (await trustPartners.partners(rootAdmin)).find(
        (each) => each.id === partner.id,
      )
      assert.equal(listed?.trustList, undefined)
    })

    it('leaves partners to administrators of the root issuer, and refuses a bad certificate, URL or partner', async () => {
      const pem = (await trustLists.listSigningCertificate()) as string
      await rejectsWith(
        trustPartners.addPartner(regionAdmin, { name: 'Regional', signingCertificatePem: pem }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(trustPartners.partners(clinician), 'ERR_FORBIDDEN')
      await rejectsWith(
        trustPartners.addPartner(rootAdmin, {
          name: 'Bad',
          signingCertificatePem: 'not a certificate',
        }),
        'ERR_INVALID_FIELD',
        'signingCertificate',
      )
      await rejectsWith(
        trustPartners.addPartner(rootAdmin, {
          name: 'Bad',
          signingCertificatePem: pem,
          sourceUrl: 'ftp://partner.example/list',
        }),
        'ERR_INVALID_FIELD',
        'sourceUrl',
      )
      await rejectsWith(
        trustPartners.importPartnerList(rootAdmin, '00000000-0000-4000-8000-000000000000', '[]'),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(
        trustPartners.importPartnerList(regionAdmin, '00000000-0000-4000-8000-000000000000', '[]'),
        'ERR_FORBIDDEN',
      )
      assert.ok((await trustPartners.partners(rootAdmin)).every((each) => each.name !== 'Bad'))
    })
  })
})
