import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  TEST_KEK,
  auditEntries,
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { KeyVault } from './key-vault.js'
import { SigningKeyService } from './signing-key-service.js'

forEachDialect((dialect) => {
  describe(`SigningKeyService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let keys: SigningKeyService
    let spbAdmin: Actor
    let mskAdmin: Actor
    let federalAdmin: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK), {
        cscaValidityDays: 3650,
        documentSignerValidityDays: 730,
      })
      spbAdmin = await makeActor(store, ['administrator'], 'ru-spb')
      mskAdmin = await makeActor(store, ['administrator'], 'ru-msk')
      federalAdmin = await makeActor(store, ['administrator'], 'ru')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    it('refuses a document signer before there is a CSCA', async () => {
      await rejectsWith(keys.rotateDocumentSigner(spbAdmin, 'ru-spb'), 'ERR_SIGNING_UNAVAILABLE')
      assert.deepEqual(await keys.list(), [])
    })

    it('makes what is missing once: the CSCA and an EU-facing and a domestic signer per issuer, each audited', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const made = await keys.ensureKeys(undefined, ['ru-spb', 'ru-msk'])
      assert.deepEqual(
        made.map((key) => [key.purpose, key.issuerId, key.status]),
        [
          ['csca', undefined, 'active'],
          ['document-signer', 'ru-spb', 'active'],
          ['domestic-signer', 'ru-spb', 'active'],
          ['document-signer', 'ru-msk', 'active'],
          ['domestic-signer', 'ru-msk', 'active'],
        ],
      )
      assert.deepEqual(await keys.ensureKeys(undefined, ['ru-spb', 'ru-msk']), [])
      const [csca, spbSigner] = made
      assert.ok(csca && spbSigner)
      // The CSCA signed the document signer, which carries the issuer's country.
      const signerCertificate = new X509Certificate(spbSigner.certificatePem)
      assert.ok(signerCertificate.verify(new X509Certificate(csca.certificatePem).publicKey))
      assert.match(signerCertificate.subject, /C=RU/)
      // Valid from a minute before now, for the policy's days.
      assert.equal(spbSigner.notBefore, '2026-11-23T08:59:00.000Z')
      assert.equal(
        spbSigner.notAfter,
        new Date(Date.parse('2026-11-23T09:00:00Z') + 730 * DAY).toISOString(),
      )
      assert.equal((await auditEntries(store, 'key.csca.create')).length, 1)
      assert.deepEqual(
        (await auditEntries(store, 'key.document-signer.create')).map(
          (entry) => (entry.data as { issuerId: string }).issuerId,
        ),
        ['ru-spb', 'ru-msk'],
      )
      // Never the private key outside.
      assert.ok((await keys.list()).every((key) => !('sealedPrivateKey' in key)))
    })

    it('rotates an issuer’s document signer: the new one signs, the old one is retired and stays listed', async () => {
      time.set('2026-11-24T09:00:00.000Z')
      const before = await store.transaction((tx) => keys.signerFor(tx, 'ru-spb', 'eu'))
      const rotated = await keys.rotateDocumentSigner(spbAdmin, 'ru-spb')
      const after = await store.transaction((tx) => keys.signerFor(tx, 'ru-spb', 'eu'))
      assert.equal(after.key.id, rotated.id)
      assert.notEqual(after.key.kid, before.key.kid)
      const old = (await keys.list()).find((key) => key.id === before.key.id)
      assert.deepEqual([old?.status, old?.retiredAt], ['retired', '2026-11-24T09:00:00.000Z'])
      const [entry] = (await auditEntries(store, 'key.document-signer.create')).filter(
        (each) => each.entityId === rotated.id,
      )
      assert.deepEqual(
        [entry?.actorAccountId, (entry?.data as { retiredPrevious: number }).retiredPrevious],
        [spbAdmin.accountId, 1],
      )
      // Moscow's signer is untouched.
      const msk = await store.transaction((tx) => keys.signerFor(tx, 'ru-msk', 'eu'))
      assert.equal(msk.key.status, 'active')
    })

    it('lets administrators of the issuer or above rotate, and refuses others and unknown issuers', async () => {
      await rejectsWith(keys.rotateDocumentSigner(mskAdmin, 'ru-spb'), 'ERR_FORBIDDEN')
      await rejectsWith(keys.rotateDocumentSigner(clinician, 'ru-spb'), 'ERR_FORBIDDEN')
      await rejectsWith(
        keys.rotateDocumentSigner(federalAdmin, 'ru-nowhere'),
        'ERR_NOT_FOUND',
        'issuerId',
      )
      const byFederal = await keys.rotateDocumentSigner(federalAdmin, 'ru-spb')
      assert.equal(byFederal.issuerId, 'ru-spb')
    })

    it('ends a document signer with the CSCA when the CSCA ends first', async () => {
      time.set('2026-11-25T09:00:00.000Z')
      const shortCsca = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK), {
        cscaValidityDays: 100,
        documentSignerValidityDays: 730,
      })
      const csca = await shortCsca.rotateCsca(undefined)
      const signer = await shortCsca.rotateDocumentSigner(undefined, 'ru-msk')
      assert.equal(signer.notAfter, csca.notAfter)
    })

    it('neither makes nor opens keys without a key-encryption key, nor with another one', async () => {
      const withoutVault = new SigningKeyService(store, time, undefined)
      assert.equal(withoutVault.canSign, false)
      await rejectsWith(withoutVault.rotateCsca(undefined), 'ERR_SIGNING_UNAVAILABLE')
      await rejectsWith(
        store.transaction((tx) => withoutVault.signerFor(tx, 'ru-spb', 'eu')),
        'ERR_SIGNING_UNAVAILABLE',
      )
      assert.equal(await withoutVault.cscaSigner(), undefined)
      const otherVault = new SigningKeyService(store, time, KeyVault.fromText('17'.repeat(32)))
      await rejectsWith(
        store.transaction((tx) => otherVault.signerFor(tx, 'ru-spb', 'eu')),
        'ERR_SIGNING_UNAVAILABLE',
      )
      await rejectsWith(
        store.transaction((tx) => keys.signerFor(tx, 'ru-nowhere', 'eu')),
        'ERR_SIGNING_UNAVAILABLE',
      )
    })
  })
})
