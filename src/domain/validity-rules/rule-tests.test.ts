import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readRuleFile } from './read-rule-file.js'
import { RuleTestCaseError, readRuleTestCase, runRuleTest } from './rule-tests.js'
import type { ValidityRule } from './validity-rule.js'

const [negativeTest] = readRuleFile({
  Identifier: 'TR-XX-0001',
  Type: 'Acceptance',
  Country: 'XX',
  Version: '1.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '1.0.0',
  CertificateType: 'Test',
  Description: [{ lang: 'en', desc: 'The test result must be negative.' }],
  ValidFrom: '2021-07-01T00:00:00Z',
  ValidTo: '2030-06-01T00:00:00Z',
  AffectedFields: ['t.0.tr'],
  Logic: {
    if: [{ var: 'payload.t.0' }, { '===': [{ var: 'payload.t.0.tr' }, '260415000'] }, true],
  },
}) as [ValidityRule]

const testCase = (result: string, expected: unknown, external: Record<string, unknown> = {}) =>
  readRuleTestCase({ name: result, payload: { t: [{ tr: result }] }, external, expected })

describe('runRuleTest', () => {
  it('passes when the logic gives exactly what is expected, and fails with the actual value otherwise', () => {
    assert.deepEqual(runRuleTest(negativeTest, testCase('260415000', true)), {
      outcome: 'passed',
      actual: true,
    })
    assert.deepEqual(runRuleTest(negativeTest, testCase('260373001', true)), {
      outcome: 'failed',
      actual: false,
    })
  })

  it('does not count a case whose validation clock lies outside [ValidFrom, ValidTo)', () => {
    const before = runRuleTest(
      negativeTest,
      testCase('260415000', true, { validationClock: '2021-06-30T23:59:59Z' }),
    )
    assert.equal(before.outcome, 'not-counted')
    const atEnd = runRuleTest(
      negativeTest,
      testCase('260415000', true, { validationClock: '2030-06-01T00:00:00Z' }),
    )
    assert.equal(atEnd.outcome, 'not-counted', 'ValidTo is exclusive')
    const atStart = runRuleTest(
      negativeTest,
      testCase('260415000', true, { validationClock: '2021-07-01T00:00:00Z' }),
    )
    assert.equal(atStart.outcome, 'passed', 'ValidFrom is inclusive')
  })

  it('fails a case whose clock CertLogic cannot read, or whose logic throws', () => {
    const badClock = runRuleTest(
      negativeTest,
      testCase('260415000', true, { validationClock: 'next Tuesday' }),
    )
    assert.equal(badClock.outcome, 'failed')
    assert.match((badClock as { error: string }).error, /validationClock is not a date-time/)
    const [throwing] = readRuleFile({
      ...ruleJsonOf(negativeTest),
      // Sample certificates have no `boom`, so the rule imports; a text that is no date throws.
      Logic: {
        if: [{ var: 'payload.boom' }, { plusTime: [{ var: 'payload.boom' }, 1, 'day'] }, true],
      },
    }) as [ValidityRule]
    const thrown = runRuleTest(
      throwing,
      readRuleTestCase({ payload: { boom: 'not a date' }, external: {}, expected: true }),
    )
    assert.equal(thrown.outcome, 'failed')
    assert.match((thrown as { error: string }).error, /^the logic throws: /)
  })

  it('tells null from false: the expected value must be given exactly', () => {
    const [nullish] = readRuleFile({
      ...ruleJsonOf(negativeTest),
      Logic: { if: [{ var: 'payload.t.0' }, { var: 'payload.nothing' }, true] },
    }) as [ValidityRule]
    const outcome = runRuleTest(nullish, testCase('260415000', false))
    assert.deepEqual(outcome, { outcome: 'failed', actual: null })
  })
})

describe('readRuleTestCase', () => {
  it('reads a case without a payload, and refuses one without external or expected', () => {
    assert.equal(readRuleTestCase({ external: {}, expected: true }).payload, undefined)
    for (const json of [
      { payload: {}, expected: true },
      { payload: {}, external: {} },
      { payload: {}, external: [], expected: true },
      { payload: {}, external: {}, expected: true, name: 7 },
      'test001',
    ]) {
      assert.throws(() => readRuleTestCase(json), RuleTestCaseError, JSON.stringify(json))
    }
  })
})

/** The rule back in the file format, to derive variants. */
function ruleJsonOf(rule: ValidityRule): Record<string, unknown> {
  return {
    Identifier: rule.identifier,
    Type: rule.type,
    Country: rule.country,
    Version: rule.version,
    SchemaVersion: rule.schemaVersion,
    Engine: rule.engine,
    EngineVersion: rule.engineVersion,
    CertificateType: rule.certificateType,
    Description: Object.entries(rule.description).map(([lang, desc]) => ({ lang, desc })),
    ValidFrom: rule.validFrom,
    ValidTo: rule.validTo,
    AffectedFields: rule.affectedFields,
    Logic: rule.logic,
  }
}
