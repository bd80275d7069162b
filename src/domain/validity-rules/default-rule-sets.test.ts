import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JsonValue } from '../../codec/hc1/cbor.js'
import antibodyFixture from '../../codec/hc1/test-fixtures/healthcode-antibody.json' with { type: 'json' }
import recoveryFixture from '../../codec/hc1/test-fixtures/dcc-recovery.json' with { type: 'json' }
import naatFixture from '../../codec/hc1/test-fixtures/dcc-test-naat.json' with { type: 'json' }
import vaccinationFixture from '../../codec/hc1/test-fixtures/dcc-vaccination.json' with { type: 'json' }
import { defaultRuleSets } from './default-rule-sets.js'
import { evaluateRules } from './evaluate-rules.js'
import type { RuleVerdict } from './evaluate-rules.js'
import type { RuleEvaluationInput } from './rule-data.js'
import type { RuleSet } from './validity-rule.js'
import { valueSetsForRules } from './value-sets-for-rules.js'

const valueSets = valueSetsForRules()
const ruDefault = defaultRuleSets['ru-default']
const euTravel = defaultRuleSets['eu-travel']
const hour = 3_600_000
const day = 24 * hour
const after = (iso: string, milliseconds: number): Date => new Date(Date.parse(iso) + milliseconds)

/** The upstream example vaccination (dose 1 of 2 on 2021-06-11), as the last dose of 2 of 2. */
const completeVaccination = {
  ...vaccinationFixture,
  v: [{ ...vaccinationFixture.v[0], dn: 2, sd: 2 }],
}
/** The upstream example NAAT test (sampled 2021-06-11T17:30:00Z), as a rapid antigen test. */
const rapidAntigenTest = { ...naatFixture, t: [{ ...naatFixture.t[0], tt: 'LP217198-3' }] }

function check(
  ruleSet: RuleSet,
  payload: JsonValue,
  at: Date,
  overrides: Partial<RuleEvaluationInput> = {},
): RuleVerdict {
  return evaluateRules(ruleSet, {
    payloadType: 'eu-dcc',
    payload,
    at,
    countryCode: ruleSet === euTravel ? 'EU' : 'RU',
    valueSets,
    ...overrides,
  })
}
const failedIds = (verdict: RuleVerdict): string[] => verdict.failed.map((r) => r.identifier)

/** Asserts the certificate is allowed, or refused by exactly the rules named. */
function expect(verdict: RuleVerdict, ...failed: string[]): void {
  assert.deepEqual(failedIds(verdict), failed)
  assert.equal(verdict.allowed, failed.length === 0)
}

describe('defaultRuleSets', () => {
  it('has the Russian practice and the EU travel rules, each with en, ru and zh descriptions', () => {
    assert.equal(ruDefault.id, 'ru-default')
    assert.equal(euTravel.id, 'eu-travel')
    assert.ok(Object.isFrozen(ruDefault.rules[0]?.logic))
    for (const rule of [...ruDefault.rules, ...euTravel.rules]) {
      assert.deepEqual(Object.keys(rule.description), ['en', 'ru', 'zh'], rule.identifier)
    }
    assert.deepEqual(
      ruDefault.rules.map((r) => r.identifier),
      [
        'GR-RU-0001',
        'VR-RU-0001',
        'VR-RU-0002',
        'VR-RU-0003',
        'TR-RU-0001',
        'TR-RU-0002',
        'TR-RU-0003',
        'TR-RU-0004',
        'RR-RU-0001',
        'RR-RU-0002',
        'RR-RU-0003',
        'AR-RU-0001',
        'AR-RU-0002',
      ],
    )
  })

  describe('General: not expired at the clock', () => {
    const at = new Date('2021-07-01T12:00:00Z')

    it('passes up to and at exp, fails after it', () => {
      expect(check(ruDefault, completeVaccination, at, { expiresAt: '2021-07-01T12:00:00.000Z' }))
      expect(
        check(ruDefault, completeVaccination, at, { expiresAt: '2021-07-01T11:59:59.000Z' }),
        'GR-RU-0001',
      )
      expect(
        check(euTravel, completeVaccination, at, { expiresAt: '2021-06-30T00:00:00.000Z' }),
        'GR-EU-0001',
      )
    })

    it('passes a certificate without exp, which cannot expire', () => {
      expect(check(ruDefault, completeVaccination, at))
    })
  })

  describe('Vaccination: complete series, last dose 14 days to 12 months (EU: 270 days) ago', () => {
    const dose = '2021-06-11T00:00:00Z'

    it('refuses an incomplete series', () => {
      expect(check(ruDefault, vaccinationFixture, after(dose, 30 * day)), 'VR-RU-0001')
      expect(check(euTravel, vaccinationFixture, after(dose, 30 * day)), 'VR-EU-0001')
    })

    it('accepts from the 14th day after the last dose', () => {
      expect(check(ruDefault, completeVaccination, after(dose, 14 * day - 1)), 'VR-RU-0002')
      expect(check(ruDefault, completeVaccination, after(dose, 14 * day)))
    })

    it('accepts at 364 days and refuses at 366 (ru-default: 12 months)', () => {
      expect(check(ruDefault, completeVaccination, after(dose, 364 * day)))
      expect(check(ruDefault, completeVaccination, after(dose, 366 * day)), 'VR-RU-0003')
    })

    it('accepts at 269 days and refuses at 271 (eu-travel: 270 days)', () => {
      expect(check(euTravel, completeVaccination, after(dose, 269 * day)))
      expect(check(euTravel, completeVaccination, after(dose, 271 * day)), 'VR-EU-0003')
      expect(check(ruDefault, completeVaccination, after(dose, 271 * day)))
    })
  })

  describe('Test: NAAT or RAT, not detected, sampled at most 72 h (NAAT) or 48 h (RAT) before', () => {
    const sampled = '2021-06-11T17:30:00Z'

    it('accepts a PCR at 71 h and refuses it at 73 h', () => {
      expect(check(ruDefault, naatFixture, after(sampled, 71 * hour)))
      expect(check(ruDefault, naatFixture, after(sampled, 73 * hour)), 'TR-RU-0003')
      expect(check(euTravel, naatFixture, after(sampled, 73 * hour)), 'TR-EU-0003')
    })

    it('accepts a rapid antigen test at 47 h and refuses it at 49 h', () => {
      expect(check(ruDefault, rapidAntigenTest, after(sampled, 47 * hour)))
      expect(check(ruDefault, rapidAntigenTest, after(sampled, 49 * hour)), 'TR-RU-0004')
    })

    it('refuses a sample taken after the clock', () => {
      expect(check(ruDefault, naatFixture, after(sampled, -hour)), 'TR-RU-0003')
    })

    it('refuses a positive result, and a test of another type', () => {
      const positive = { ...naatFixture, t: [{ ...naatFixture.t[0], tr: '260373001' }] }
      expect(check(ruDefault, positive, after(sampled, 2 * hour)), 'TR-RU-0002')
      const antibodyTest = { ...naatFixture, t: [{ ...naatFixture.t[0], tt: 'LP6465-1' }] }
      expect(check(ruDefault, antibodyTest, after(sampled, 2 * hour)), 'TR-RU-0001')
    })
  })

  describe('Recovery: from df, at most 180 days after fr, before du', () => {
    // fr 2021-06-01, df 2021-06-12, du 2021-11-28 (= fr + 180 days).
    it('refuses before df and accepts from it', () => {
      expect(check(ruDefault, recoveryFixture, new Date('2021-06-11T23:59:59Z')), 'RR-RU-0001')
      expect(check(ruDefault, recoveryFixture, new Date('2021-06-12T00:00:00Z')))
    })

    it('accepts on the 179th day after fr and refuses on the 181st', () => {
      expect(check(ruDefault, recoveryFixture, new Date('2021-11-27T12:00:00Z')))
      expect(
        check(ruDefault, recoveryFixture, new Date('2021-11-29T12:00:00Z')),
        'RR-RU-0002',
        'RR-RU-0003',
      )
    })

    it('refuses from the 180th day after fr even when du is later', () => {
      const longer = { ...recoveryFixture, r: [{ ...recoveryFixture.r[0], du: '2021-12-31' }] }
      expect(check(ruDefault, longer, new Date('2021-11-28T00:00:00Z')))
      expect(check(ruDefault, longer, new Date('2021-11-28T00:00:01Z')), 'RR-RU-0002')
      expect(check(euTravel, longer, new Date('2021-11-28T00:00:01Z')), 'RR-EU-0002')
    })

    it('refuses from du when du comes before 180 days', () => {
      const shorter = { ...recoveryFixture, r: [{ ...recoveryFixture.r[0], du: '2021-10-01' }] }
      expect(check(ruDefault, shorter, new Date('2021-09-30T23:59:59Z')))
      expect(check(ruDefault, shorter, new Date('2021-10-01T00:00:00Z')), 'RR-RU-0003')
    })
  })

  describe('Antibody: level at or above the threshold, sampled at most 6 months before', () => {
    // Sampled 2026-11-20, 1250.5 BAU/mL against a threshold of 300.
    const checkAntibody = (ruleSet: RuleSet, payload: JsonValue, at: string): RuleVerdict =>
      check(ruleSet, payload, new Date(at), { payloadType: 'healthcode-antibody' })
    const level = (va: number, th: number): JsonValue => ({
      ...antibodyFixture,
      ab: [{ ...antibodyFixture.ab[0], va, th }],
    })

    it('accepts up to 6 months after the sample, and refuses after', () => {
      expect(checkAntibody(ruDefault, antibodyFixture, '2027-05-20T00:00:00Z'))
      expect(checkAntibody(ruDefault, antibodyFixture, '2027-05-20T00:00:01Z'), 'AR-RU-0002')
      expect(checkAntibody(ruDefault, antibodyFixture, '2026-11-19T23:00:00Z'), 'AR-RU-0002')
    })

    it('compares decimal levels exactly: at the threshold passes, a hair below fails', () => {
      expect(checkAntibody(ruDefault, level(300, 300), '2026-12-01T00:00:00Z'))
      expect(checkAntibody(ruDefault, level(300.1, 300.1), '2026-12-01T00:00:00Z'))
      expect(checkAntibody(ruDefault, level(0.3, 0.1 + 0.2), '2026-12-01T00:00:00Z'), 'AR-RU-0001')
      expect(checkAntibody(ruDefault, level(299.99, 300), '2026-12-01T00:00:00Z'), 'AR-RU-0001')
      expect(checkAntibody(ruDefault, level(1e21, 300), '2026-12-01T00:00:00Z'), 'AR-RU-0001')
    })

    it('refuses a level too large to compare exactly, as an error rather than a pass', () => {
      const verdict = checkAntibody(ruDefault, level(1e21, 300), '2026-12-01T00:00:00Z')
      assert.equal(verdict.failed[0]?.passed, 'error')
    })

    it('never accepts an antibody certificate for EU travel', () => {
      expect(checkAntibody(euTravel, antibodyFixture, '2026-12-01T00:00:00Z'), 'AR-EU-0001')
    })

    it('lists the DCC rules as not applicable to it, and vice versa', () => {
      const verdict = checkAntibody(ruDefault, antibodyFixture, '2026-12-01T00:00:00Z')
      assert.equal(verdict.certificateType, 'Antibody')
      assert.deepEqual(
        verdict.results.filter((r) => r.passed !== 'not-applicable').map((r) => r.identifier),
        ['GR-RU-0001', 'AR-RU-0001', 'AR-RU-0002'],
      )
      const dcc = check(ruDefault, naatFixture, new Date('2021-06-12T00:00:00Z'))
      assert.equal(dcc.results.find((r) => r.identifier === 'AR-RU-0001')?.passed, 'not-applicable')
    })
  })
})
