import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import defaultRulesJson from './default-rules.json' with { type: 'json' }
import { defaultRuleSet } from './default-rule-set.js'
import { RuleSetError } from './health-code-errors.js'
import { readRuleSet } from './read-rule-set.js'

const rule = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'fever',
  colour: 'yellow',
  periodDays: 7,
  text: { en: 'Fever', ru: 'Температура', zh: '发热' },
  trigger: { var: 'latestCloseContactAt' },
  ...overrides,
})
const ruleSet = (...rules: unknown[]): unknown => ({ version: 3, rules })

/** Asserts that `json` is refused with ERR_RULESET at `path` (and for `ruleId`). */
function refuses(json: unknown, path: string, ruleId?: string, message?: RegExp): void {
  assert.throws(
    () => readRuleSet(json),
    (error: unknown) => {
      assert.ok(error instanceof RuleSetError, String(error))
      assert.equal(error.code, 'ERR_RULESET')
      assert.equal(error.name, 'RuleSetError')
      assert.equal(error.path, path)
      assert.equal(error.ruleId, ruleId)
      if (message) assert.match(error.message, message)
      return true
    },
  )
}

describe('readRuleSet', () => {
  it('reads the default rules, version 1, and gives back the same rules from its own JSON', () => {
    assert.equal(defaultRuleSet.version, 1)
    assert.deepEqual(
      defaultRuleSet.rules.map((r) => `${r.id}:${r.colour}:${r.periodDays}`),
      [
        'positive-test:red:14',
        'confirmed-case:red:14',
        'close-contact:red:14',
        'declared-case-contact:red:14',
        'high-risk-arrival:red:14',
        'fever:yellow:7',
        'symptoms:yellow:7',
        'medium-risk-arrival:yellow:7',
        'secondary-contact:yellow:7',
        'missed-test:yellow:7',
      ],
    )
    assert.deepEqual(readRuleSet(JSON.parse(JSON.stringify(defaultRuleSet))), defaultRuleSet)
    assert.deepEqual(readRuleSet(defaultRulesJson), defaultRuleSet)
  })

  it('marks which default rules a negative PCR clears and which need daily declarations', () => {
    const flagged = (flag: 'clearedByNegativePcr' | 'dailyDeclarations') =>
      defaultRuleSet.rules.filter((r) => r[flag] === true).map((r) => r.id)
    assert.deepEqual(flagged('clearedByNegativePcr'), ['positive-test', 'missed-test'])
    assert.deepEqual(flagged('dailyDeclarations'), [
      'high-risk-arrival',
      'fever',
      'symptoms',
      'medium-risk-arrival',
    ])
  })

  it('freezes the default rule set, so no importer can change it for the others', () => {
    assert.ok(Object.isFrozen(defaultRuleSet))
    assert.ok(Object.isFrozen(defaultRuleSet.rules[0]?.text))
    assert.ok(Object.isFrozen(defaultRuleSet.rules[0]?.trigger))
  })

  it('copies the rules, so changing the JSON afterwards does not change the rule set', () => {
    const json = { version: 1, rules: [rule()] }
    const read = readRuleSet(json)
    ;(json.rules[0] as { trigger: unknown }).trigger = { var: 'confirmedCaseAt' }
    assert.deepEqual(read.rules[0]?.trigger, { var: 'latestCloseContactAt' })
  })

  it('accepts an empty rule set (everyone green)', () => {
    assert.deepEqual(readRuleSet({ version: 2, rules: [] }), { version: 2, rules: [] })
  })

  it('refuses something other than a rule set object, or a bad version', () => {
    refuses([], '')
    refuses(null, '')
    refuses({ version: 0, rules: [] }, 'version')
    refuses({ version: '1', rules: [] }, 'version')
    refuses({ version: 1 }, 'rules')
    refuses({ version: 1, rules: [], author: 'x' }, 'author')
  })

  it('refuses a duplicate id, naming the second rule', () => {
    refuses(
      ruleSet(rule(), rule({ id: 'cough' }), rule()),
      'rules[2].id',
      'fever',
      /already the id of rules\[0\]/,
    )
  })

  it('refuses an id that is not kebab-case', () => {
    refuses(ruleSet(rule({ id: 'Fever rule' })), 'rules[0].id')
    refuses(ruleSet(rule({ id: undefined })), 'rules[0].id')
  })

  it('refuses a colour other than red or yellow', () => {
    refuses(ruleSet(rule({ colour: 'orange' })), 'rules[0].colour', 'fever', /"orange"/)
    refuses(ruleSet(rule({ colour: 'green' })), 'rules[0].colour', 'fever')
  })

  it('refuses a period outside 1 to 60 whole days', () => {
    for (const periodDays of [0, 61, 7.5, '7', undefined]) {
      refuses(ruleSet(rule({ periodDays })), 'rules[0].periodDays', 'fever')
    }
    assert.equal(readRuleSet(ruleSet(rule({ periodDays: 60 }))).rules[0]?.periodDays, 60)
  })

  it('refuses a missing or empty text in any of en, ru and zh', () => {
    refuses(
      ruleSet(rule({ text: { en: 'Fever', ru: 'Температура' } })),
      'rules[0].text.zh',
      'fever',
    )
    refuses(
      ruleSet(rule({ text: { en: '  ', ru: 'Температура', zh: '发热' } })),
      'rules[0].text.en',
      'fever',
    )
    refuses(ruleSet(rule({ text: 'Fever' })), 'rules[0].text', 'fever')
    refuses(
      ruleSet(rule({ text: { en: 'Fever', ru: 'Т', zh: '发热', de: 'Fieber' } })),
      'rules[0].text.de',
      'fever',
    )
  })

  it('refuses an unknown field and flags that are not booleans', () => {
    refuses(ruleSet(rule({ color: 'red' })), 'rules[0].color', 'fever')
    refuses(ruleSet(rule({ dailyDeclarations: 'yes' })), 'rules[0].dailyDeclarations', 'fever')
    refuses(ruleSet(rule({ clearedByNegativePcr: 1 })), 'rules[0].clearedByNegativePcr', 'fever')
  })

  it('refuses a trigger that is not CertLogic', () => {
    refuses(ruleSet(rule({ trigger: { max: [1, 2] } })), 'rules[0].trigger', 'fever')
    refuses(ruleSet(rule({ trigger: { '>=': [{ var: 'x' }, 37.3] } })), 'rules[0].trigger', 'fever')
    refuses(ruleSet(rule({ trigger: null })), 'rules[0].trigger', 'fever')
    refuses(ruleSet(rule({ trigger: undefined })), 'rules[0].trigger', 'fever')
  })

  it('refuses a trigger that throws for a person with no records', () => {
    // plusTime of null (no positive test) throws.
    const trigger = { plusTime: [{ var: 'latestPositiveTest.sampledAt' }, 0, 'day'] }
    refuses(ruleSet(rule({ trigger })), 'rules[0].trigger', 'fever', /no records/)
  })

  it('refuses a trigger that throws only once records are present', () => {
    // `+` needs integers; sampledAt is a string, reached only when there is a positive test.
    const trigger = {
      if: [
        { var: 'latestPositiveTest' },
        { '+': [{ var: 'latestPositiveTest.sampledAt' }, 1] },
        false,
      ],
    }
    refuses(ruleSet(rule({ trigger })), 'rules[0].trigger', 'fever', /every kind/)
  })

  it('refuses a trigger that gives something other than a date-time or false', () => {
    refuses(ruleSet(rule({ trigger: 42 })), 'rules[0].trigger', 'fever', /42/)
    refuses(ruleSet(rule({ trigger: true })), 'rules[0].trigger', 'fever')
    refuses(ruleSet(rule({ trigger: 'soon' })), 'rules[0].trigger', 'fever', /"soon"/)
  })
})
