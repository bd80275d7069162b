import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildColourServices } from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  MINUTE,
  TEST_KEK,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import type { HealthCodeService } from './health-code-service.js'

forEachDialect((dialect) => {
  describe(`HealthCodeService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let healthCodes: HealthCodeService
    let keys: SigningKeyService

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      ;({ healthCodes } = buildColourServices(store, time, keys, 15))
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)

    it('signs a dynamic code that expires after the configured minutes, and refuses without a document signer', async () => {
      time.set('2026-11-23T09:00:00.400Z')
      const { person, actor } = await citizen()
      await rejectsWith(healthCodes.token(actor, person.id), 'ERR_SIGNING_UNAVAILABLE')
      await keys.ensureKeys(undefined, ['ru-spb'])
      const token = await healthCodes.token(actor, person.id)
      assert.match(token.qr, /^HC1:/)
      // Issued at the whole second, valid for 15 minutes.
      assert.equal(
        token.expiresAt,
        new Date(Date.parse('2026-11-23T09:00:00Z') + 15 * MINUTE).toISOString(),
      )
      assert.equal(token.assessment.colour, 'green')
      const withoutVault = buildColourServices(
        store,
        time,
        new SigningKeyService(store, time, undefined),
        15,
      ).healthCodes
      await rejectsWith(withoutVault.token(actor, person.id), 'ERR_SIGNING_UNAVAILABLE')
    })
  })
})
