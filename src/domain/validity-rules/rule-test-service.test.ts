import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { RuleTestService } from './rule-test-service.js'
import ruDefaultRules from './rules/ru-default.json' with { type: 'json' }
import { ValidityRuleSetService } from './validity-rule-set-service.js'

forEachDialect((dialect) => {
  describe(`RuleTestService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let ruleSets: ValidityRuleSetService
    let ruleTests: RuleTestService
    let spbAuthority: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      ruleSets = new ValidityRuleSetService(store, time)
      ruleTests = new RuleTestService(store, ruleSets)
      spbAuthority = await makeActor(store, ['health_authority'], 'ru-spb')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    it('runs test cases on the stored set or on rules given, storing nothing', async () => {
      const exp = '2030-01-01T00:00:00Z'
      const report = await ruleTests.testRules(spbAuthority, 'eu-travel', {
        rules: ruDefaultRules,
        tests: [
          {
            rule: 'GR-RU-0001',
            name: 'not expired',
            external: { validationClock: '2026-11-23T09:00:00Z', exp },
            expected: true,
          },
          {
            rule: 'GR-RU-0001',
            name: 'wrongly expected',
            external: { validationClock: '2026-11-23T09:00:00Z', exp },
            expected: false,
          },
          {
            rule: 'GR-RU-0001',
            name: 'before the rule is valid',
            external: { validationClock: '2020-01-01T00:00:00Z', exp },
            expected: true,
          },
          { rule: 'XX-0000', external: {}, expected: true },
        ],
      })
      assert.deepEqual(
        [report.ruleSet, report.passed, report.failed, report.notCounted],
        [{ id: 'eu-travel', version: 2 }, 1, 2, 1],
      )
      assert.equal(report.results[3]?.error, 'no rule XX-0000 in rule set eu-travel')
      assert.equal((await ruleSets.find('eu-travel'))?.version, 1)
      await rejectsWith(
        ruleTests.testRules(spbAuthority, 'nowhere', { tests: [] }),
        'ERR_NOT_FOUND',
        'id',
      )
      await rejectsWith(
        ruleTests.testRules(spbAuthority, 'ru-default', {
          tests: [{ rule: 'GR-RU-0001', external: 'x' as never, expected: true }],
        }),
        'ERR_INVALID_FIELD',
        'tests[0]',
      )
      await rejectsWith(
        ruleTests.testRules(clinician, 'ru-default', { tests: [] }),
        'ERR_FORBIDDEN',
      )
    })
  })
})
