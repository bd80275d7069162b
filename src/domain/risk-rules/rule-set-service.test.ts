import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  buildColourServices,
  feverDeclared as fever,
} from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { HealthCodeService } from '../colours/health-code-service.js'
import type { DeclarationService } from '../declarations/declaration-service.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import type { RuleSetService } from './rule-set-service.js'

forEachDialect((dialect) => {
  describe(`RuleSetService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let healthCodes: HealthCodeService
    let declarations: DeclarationService
    let riskRules: RuleSetService
    let authority: Actor
    let otherAuthority: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      ;({ healthCodes, declarations, riskRules } = buildColourServices(store, time, keys, 15))
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      otherAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)

    it('stores a region’s own rules, applies them to its people only, and audits the change', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      const other = await makeCitizen(store, 'ru-msk', time)
      await declarations.declare(actor, person.id, fever)
      await declarations.declare(other.actor, other.person.id, fever)
      const defaults = await riskRules.ruleSet('ru-spb')
      // The region keeps every rule but fever: a declared fever no longer turns its codes yellow.
      const withoutFever = defaults.rules.filter((rule) => rule.id !== 'fever')
      const stored = await riskRules.setRuleSet(
        authority,
        withoutFever,
        'fever alone is not enough',
      )
      await riskRules.recomputeFinished()
      assert.ok(stored.version > defaults.version)
      assert.equal((await riskRules.ruleSet('ru-spb')).version, stored.version)
      assert.equal((await riskRules.ruleSet('ru-msk')).version, defaults.version)
      assert.equal((await healthCodes.current(actor, person.id)).colour, 'green')
      assert.equal((await healthCodes.current(other.actor, other.person.id)).colour, 'yellow')
      assert.equal(
        (await riskRules.ruleSetVersion(authority, stored.version)).rules.length,
        withoutFever.length,
      )
      const audited = (await auditEntries(store, 'risk-rules.set')).filter(
        (entry) => entry.entityId === String(stored.version),
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.issuerId, entry.reason]),
        [[authority.accountId, 'ru-spb', 'fever alone is not enough']],
      )
      assert.equal(riskRules.recomputeProgress()?.rulesetVersion, stored.version)
    })

    it('refuses rules for another region, an empty rule set, a malformed rule and an unknown version', async () => {
      await rejectsWith(
        riskRules.setRuleSet(otherAuthority, [], undefined, 'ru-spb'),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(riskRules.setRuleSet(clinician, [], undefined), 'ERR_FORBIDDEN')
      await rejectsWith(
        riskRules.setRuleSet(authority, [], undefined),
        'ERR_EMPTY_RULE_SET',
        'rules',
      )
      await rejectsWith(
        riskRules.setRuleSet(authority, [{ id: 'broken', colour: 'purple' }], undefined),
        'ERR_INVALID_FIELD',
      )
      await rejectsWith(riskRules.ruleSetVersion(authority, 9999), 'ERR_NOT_FOUND')
      await rejectsWith(riskRules.ruleSetVersion(clinician, 1), 'ERR_FORBIDDEN')
    })
  })
})
