import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { TEST_KEK, makeIssuers, testClock } from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { TrustListService } from './trust-list-service.js'

forEachDialect((dialect) => {
  describe(`TrustListService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let keys: SigningKeyService
    let trustLists: TrustListService

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      await keys.ensureKeys(undefined, ['ru-spb'])
      trustLists = new TrustListService(store, time, keys, 60)
    })
    after(() => store.close())

    it('publishes the CSCA and the live document signers, signed by the CSCA', async () => {
      const list = await trustLists.publishedTrustList()
      assert.deepEqual(list.map((entry) => entry.certificateType).sort(), ['CSCA', 'DSC'])
      assert.equal(
        await trustLists.listSigningCertificate(),
        (await keys.cscaSigner())?.key.certificatePem,
      )
      // For our own verifiers: the EU-facing and the domestic signer.
      const { certificates: exported } = await trustLists.exportForVerifiers()
      assert.equal(exported.length, 2)
    })
  })
})
