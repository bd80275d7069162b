import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JsonValue } from '../../codec/hc1/cbor.js'
import naatFixture from '../../codec/hc1/test-fixtures/dcc-test-naat.json' with { type: 'json' }
import vaccinationFixture from '../../codec/hc1/test-fixtures/dcc-vaccination.json' with { type: 'json' }
import { defaultRuleSets } from './default-rule-sets.js'
import { evaluateRules } from './evaluate-rules.js'
import type { RuleVerdict } from './evaluate-rules.js'
import { readRuleFile } from './read-rule-file.js'
import type { RuleEvaluationInput } from './rule-data.js'
import xxJson from './test-fixtures/rules-xx.json' with { type: 'json' }
import type { RuleSet } from './validity-rule.js'
import { valueSetsForRules } from './value-sets-for-rules.js'

const valueSets = valueSetsForRules()
const day = 24 * 3_600_000
const clock = { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] }
/** The upstream example vaccination (2021-06-11), as the last dose of a complete series. */
const completeVaccination = {
  ...vaccinationFixture,
  v: [{ ...vaccinationFixture.v[0], dn: 2, sd: 2 }],
}
const vaccinatedOn = Date.parse('2021-06-11T00:00:00Z')

/** A vaccination rule in the EU format: the last dose at most `days` old. */
const vaccinationRule = (overrides: Record<string, unknown> = {}, days = 365): unknown => ({
  Identifier: 'VR-DE-0001',
  Type: 'Acceptance',
  Country: 'DE',
  Version: '1.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '1.0.0',
  CertificateType: 'Vaccination',
  Description: [
    { lang: 'en', desc: `The last dose must be at most ${days} days old.` },
    { lang: 'de', desc: `Die letzte Dosis darf höchstens ${days} Tage zurückliegen.` },
  ],
  ValidFrom: '2021-06-01T00:00:00Z',
  ValidTo: '2030-06-01T00:00:00Z',
  AffectedFields: ['v.0', 'v.0.dt'],
  Logic: {
    if: [
      { var: 'payload.v.0' },
      { 'not-after': [clock, { plusTime: [{ var: 'payload.v.0.dt' }, days, 'day'] }] },
      false,
    ],
  },
  ...overrides,
})
const ruleSetOf = (...json: unknown[]): RuleSet => ({
  id: 'test',
  version: 1,
  rules: json.flatMap((item) => readRuleFile(item)),
})

function check(ruleSet: RuleSet, overrides: Partial<RuleEvaluationInput> = {}): RuleVerdict {
  return evaluateRules(ruleSet, {
    payloadType: 'eu-dcc',
    payload: completeVaccination,
    at: new Date(vaccinatedOn + 200 * day),
    countryCode: 'DE',
    valueSets,
    ...overrides,
  })
}
const versionsRun = (verdict: RuleVerdict): string[] =>
  verdict.results.map((r) => `${r.identifier}@${r.version}:${String(r.passed)}`)

describe('evaluateRules', () => {
  describe('selecting rules', () => {
    it('runs the highest version of each rule valid at the clock', () => {
      const ruleSet = ruleSetOf([
        vaccinationRule(),
        vaccinationRule({ Version: '1.10.0', ValidFrom: '2021-09-01T00:00:00Z' }, 180),
        vaccinationRule({ Version: '1.9.0', ValidFrom: '2021-08-01T00:00:00Z' }, 365),
      ])
      // 1.10.0 is higher than 1.9.0: versions compare by number, not as text.
      assert.deepEqual(versionsRun(check(ruleSet)), ['VR-DE-0001@1.10.0:false'])
      assert.deepEqual(versionsRun(check(ruleSet, { at: new Date('2021-08-15T00:00:00Z') })), [
        'VR-DE-0001@1.9.0:true',
      ])
    })

    it('ignores a version whose ValidFrom is still in the future, or whose ValidTo has passed', () => {
      const ruleSet = ruleSetOf([
        vaccinationRule(),
        vaccinationRule({ Version: '2.0.0', ValidFrom: '2022-06-01T00:00:00Z' }, 180),
        vaccinationRule(
          {
            Identifier: 'VR-DE-0002',
            ValidFrom: '2021-06-01T00:00:00Z',
            ValidTo: '2021-12-01T00:00:00+01:00',
          },
          30,
        ),
      ])
      const verdict = check(ruleSet, { at: new Date('2021-12-01T00:00:00Z') })
      assert.deepEqual(versionsRun(verdict), ['VR-DE-0001@1.0.0:true'])
      assert.equal(verdict.allowed, true)
      // ValidTo is exclusive, and this one has an offset: the 30-day rule ends at 23:00Z.
      assert.deepEqual(versionsRun(check(ruleSet, { at: new Date('2021-11-30T23:00:00Z') })), [
        'VR-DE-0001@1.0.0:true',
      ])
      assert.deepEqual(versionsRun(check(ruleSet, { at: new Date('2021-11-30T22:59:59Z') })), [
        'VR-DE-0001@1.0.0:true',
        'VR-DE-0002@1.0.0:false',
      ])
    })

    it("ignores another country's Acceptance rules", () => {
      const ruleSet = ruleSetOf(
        [vaccinationRule()],
        [vaccinationRule({ Identifier: 'VR-AT-0001', Country: 'AT' }, 30)],
      )
      assert.deepEqual(versionsRun(check(ruleSet)), ['VR-DE-0001@1.0.0:true'])
      assert.deepEqual(versionsRun(check(ruleSet, { countryCode: 'at' })), [
        'VR-AT-0001@1.0.0:false',
      ])
      const nowhere = check(ruleSet, { countryCode: 'FR' })
      assert.deepEqual(nowhere.results, [])
      assert.equal(nowhere.allowed, false)
      assert.equal(nowhere.reason, 'no-rules-for-certificate-type')
    })

    it("runs a region's rules for that region only, as EU verifiers do", () => {
      const ruleSet = ruleSetOf([
        vaccinationRule(),
        vaccinationRule({ Identifier: 'VR-DE-0002', Region: 'BY' }, 180),
      ])
      assert.deepEqual(versionsRun(check(ruleSet)), ['VR-DE-0001@1.0.0:true'])
      assert.deepEqual(versionsRun(check(ruleSet, { region: 'by' })), ['VR-DE-0002@1.0.0:false'])
    })

    it("runs the issuing country's Invalidation rules, which withdraw certificates", () => {
      // Modelled on the gateway's IR rules: true unless the certificate is the one withdrawn.
      const invalidation = vaccinationRule({
        Identifier: 'IR-NL-0001',
        Type: 'Invalidation',
        Country: 'NL',
        Description: [{ lang: 'en', desc: 'This certificate identifier has been withdrawn.' }],
        AffectedFields: ['v.0.ci'],
        Logic: {
          '!': [
            {
              in: [
                { var: 'payload.v.0.ci' },
                ['URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1'],
              ],
            },
          ],
        },
      })
      const ruleSet = ruleSetOf([vaccinationRule(), invalidation])
      const withdrawn = check(ruleSet, { issuerCountry: 'NL' })
      assert.deepEqual(versionsRun(withdrawn), ['VR-DE-0001@1.0.0:true', 'IR-NL-0001@1.0.0:false'])
      assert.equal(withdrawn.allowed, false)
      assert.deepEqual(versionsRun(check(ruleSet, { issuerCountry: 'BE' })), [
        'VR-DE-0001@1.0.0:true',
      ])
      assert.deepEqual(versionsRun(check(ruleSet)), ['VR-DE-0001@1.0.0:true'])
    })
  })

  describe('failing closed', () => {
    it('gives passed "error", and refuses, for a rule that throws at verification', () => {
      // It passes the import trial, whose sample vaccinations are Russian, and breaks on a Dutch
      // one: `dt` compared as an integer. Still a result, never a throw.
      const broken = vaccinationRule({
        Identifier: 'VR-DE-0002',
        Logic: {
          if: [
            { '===': [{ var: 'payload.v.0.co' }, 'NL'] },
            { '<': [{ var: 'payload.v.0.dt' }, 20210611] },
            true,
          ],
        },
      })
      const verdict = check(ruleSetOf([vaccinationRule(), broken]))
      assert.equal(verdict.allowed, false)
      assert.deepEqual(
        verdict.failed.map((r) => [r.identifier, r.passed]),
        [['VR-DE-0002', 'error']],
      )
      assert.match(verdict.failed[0]?.error ?? '', /throws: all operands of a comparison/)
    })

    it('gives passed "error" for a rule built by hand whose logic is not even CertLogic', () => {
      const [valid] = readRuleFile(vaccinationRule())
      assert.ok(valid)
      const ruleSet: RuleSet = {
        id: 'hand-made',
        version: 1,
        rules: [valid, { ...valid, identifier: 'VR-DE-0009', logic: { '==': [1, 1] } as never }],
      }
      const verdict = check(ruleSet)
      assert.equal(verdict.allowed, false)
      assert.equal(verdict.failed[0]?.passed, 'error')
    })

    it('refuses a payload that is no certificate of a known type', () => {
      const both = { ...completeVaccination, t: naatFixture.t }
      for (const payload of [both, { ver: '1.3.3' }, 'HC1:' as JsonValue]) {
        const verdict = check(defaultRuleSets['ru-default'], { payload, countryCode: 'RU' })
        assert.equal(verdict.allowed, false)
        assert.equal(verdict.certificateType, undefined)
        assert.equal(verdict.reason, 'unknown-certificate-type')
        assert.ok(verdict.results.every((r) => r.passed === 'not-applicable'))
      }
    })

    it('refuses a type the rule set has no Acceptance rules for, whatever General rules say', () => {
      const general = vaccinationRule({
        Identifier: 'GR-DE-0001',
        CertificateType: 'General',
        AffectedFields: [],
        Logic: {
          if: [
            { var: 'external.exp' },
            { 'not-after': [clock, { plusTime: [{ var: 'external.exp' }, 0, 'day'] }] },
            true,
          ],
        },
      })
      const verdict = check(ruleSetOf([general, vaccinationRule()]), { payload: naatFixture })
      assert.deepEqual(versionsRun(verdict), [
        'GR-DE-0001@1.0.0:true',
        'VR-DE-0001@1.0.0:not-applicable',
      ])
      assert.equal(verdict.allowed, false)
      assert.equal(verdict.reason, 'no-rules-for-certificate-type')
    })

    it('throws only for a validation clock that is no date', () => {
      assert.throws(
        () => check(ruleSetOf([vaccinationRule()]), { at: new Date('soon') }),
        RangeError,
      )
    })
  })

  it('shows rules the external parameters under their EU names', () => {
    const external = vaccinationRule({
      Identifier: 'GR-DE-0001',
      CertificateType: 'General',
      AffectedFields: [],
      Logic: {
        and: [
          { '===': [{ var: 'external.countryCode' }, 'DE'] },
          {
            if: [
              { var: 'external.kid' },
              { '===': [{ var: 'external.kid' }, 'qroU+hDDovs='] },
              true,
            ],
          },
          {
            if: [
              { var: 'external.issuerCountryCode' },
              { '===': [{ var: 'external.issuerCountryCode' }, 'NL'] },
              true,
            ],
          },
          {
            if: [
              { var: 'external.iat' },
              { 'not-before': [clock, { plusTime: [{ var: 'external.iat' }, 0, 'day'] }] },
              true,
            ],
          },
          { in: ['LP6464-4', { var: 'external.valueSets.covid-19-lab-test-type' }] },
        ],
      },
    })
    const verdict = check(ruleSetOf([external, vaccinationRule()]), {
      kid: 'qroU+hDDovs=',
      issuerCountry: 'nl',
      issuedAt: '2021-06-12T10:00:00.000Z',
    })
    assert.deepEqual(versionsRun(verdict), ['GR-DE-0001@1.0.0:true', 'VR-DE-0001@1.0.0:true'])
    const wrongKid = check(ruleSetOf([external, vaccinationRule()]), { kid: 'AAAAAAAAAAA=' })
    assert.deepEqual(
      wrongKid.failed.map((r) => r.identifier),
      ['GR-DE-0001'],
    )
  })

  it('changes its verdict for the same certificate once an EU-format rule file is imported', () => {
    // rules-xx.json: a stricter national practice, vaccinations accepted for 180 days only.
    const extended: RuleSet = {
      id: 'ru-default-with-xx',
      version: 2,
      rules: [...defaultRuleSets['ru-default'].rules, ...readRuleFile(xxJson)],
    }
    const at = new Date(vaccinatedOn + 200 * day)
    const forRussia = check(extended, { countryCode: 'RU', at })
    assert.equal(forRussia.allowed, true)
    assert.ok(forRussia.results.every((r) => r.identifier.includes('-RU-')))
    const forXx = check(extended, { countryCode: 'XX', at })
    assert.equal(forXx.allowed, false)
    assert.deepEqual(
      forXx.failed.map((r) => r.identifier),
      ['VR-XX-0001'],
    )
    assert.deepEqual(
      forXx.results.map((r) => `${r.identifier}:${String(r.passed)}`),
      ['GR-XX-0001:true', 'VR-XX-0001:false', 'VR-XX-0002:true'],
    )
    assert.equal(
      check(extended, { countryCode: 'XX', at: new Date(vaccinatedOn + 150 * day) }).allowed,
      true,
    )
    const unauthorised = {
      ...completeVaccination,
      v: [{ ...completeVaccination.v[0], mp: 'Sputnik-V' }],
    }
    assert.deepEqual(
      check(extended, {
        countryCode: 'XX',
        payload: unauthorised,
        at: new Date(vaccinatedOn + 150 * day),
      }).failed.map((r) => r.identifier),
      ['VR-XX-0002'],
    )
  })

  it('names the rule set in its verdict, and gives back each rule result once', () => {
    const verdict = check(defaultRuleSets['ru-default'], { countryCode: 'RU' })
    assert.deepEqual(verdict.ruleSet, { id: 'ru-default', version: 1 })
    assert.equal(verdict.results.length, 13)
    assert.equal(verdict.certificateType, 'Vaccination')
  })
})
