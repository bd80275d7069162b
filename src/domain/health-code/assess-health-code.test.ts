import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assessHealthCode } from './assess-health-code.js'
import type { HealthAssessment } from './assess-health-code.js'
import { defaultRuleSet } from './default-rule-set.js'
import { RuleEvaluationError } from './health-code-errors.js'
import type {
  Declaration,
  Exposure,
  HealthInputs,
  RiskArea,
  Symptoms,
  TestResult,
} from './health-inputs.js'
import { readRuleSet } from './read-rule-set.js'
import type { RuleSet } from './rule-set.js'
import { addDays } from './utc-day.js'

const well: Symptoms = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}
const declaration = (declaredAt: string, overrides: Partial<Declaration> = {}): Declaration => ({
  declaredAt,
  symptoms: well,
  visits: [],
  confirmedCaseContact: false,
  ...overrides,
})
const feeling = (declaredAt: string, symptoms: Partial<Symptoms>): Declaration =>
  declaration(declaredAt, { symptoms: { ...well, ...symptoms } })
/** A clean declaration at 09:00 UTC on each day from `first` to `last`, except `skipped`. */
function dailyDeclarations(first: string, last: string, skipped: string[] = []): Declaration[] {
  const declarations: Declaration[] = []
  for (let day = first; day <= last; day = addDays(day, 1)) {
    if (!skipped.includes(day)) declarations.push(declaration(`${day}T09:00:00Z`))
  }
  return declarations
}
const person = (overrides: Partial<HealthInputs> = {}): HealthInputs => ({
  declarations: [],
  riskAreas: [],
  tests: [],
  recoveries: [],
  exposures: [],
  confirmedCaseAt: undefined,
  ...overrides,
})
const pcr = (sampledAt: string, result: TestResult['result']): TestResult => ({
  sampledAt,
  result,
  method: 'pcr',
})
const antigen = (sampledAt: string, result: TestResult['result']): TestResult => ({
  sampledAt,
  result,
  method: 'antigen',
})
const exposure = (kind: Exposure['kind'], at: string): Exposure => ({ kind, at })
const pudong = (level: RiskArea['level'], from: string, until?: string): RiskArea => ({
  areaCode: 'sh-pudong',
  level,
  from,
  until,
})
/** Arrived from Pudong on 2026-05-01 (declared that evening), with `riskAreas` and more. */
const arrivedMay1 = (riskAreas: RiskArea[], more: Partial<HealthInputs> = {}): HealthInputs =>
  person({
    riskAreas,
    ...more,
    declarations: [
      declaration('2026-05-01T20:00:00Z', {
        visits: [{ areaCode: 'sh-pudong', from: '2026-04-25', until: '2026-05-01' }],
      }),
      ...(more.declarations ?? []),
    ],
  })

const assess = (inputs: HealthInputs, now: string, ruleSet: RuleSet = defaultRuleSet) =>
  assessHealthCode(inputs, ruleSet, new Date(now))
const summary = (assessment: HealthAssessment) => ({
  colour: assessment.colour,
  reasons: assessment.reasons.map((r) => `${r.ruleId}:${r.colour}:${r.since}:${r.greenOn}`),
  greenOn: assessment.greenOn,
})
const green = { colour: 'green', reasons: [], greenOn: undefined }

describe('assessHealthCode with the default rules', () => {
  it('is green with no records, naming the rule set version and the time', () => {
    const assessment = assess(person(), '2026-05-10T12:00:00Z')
    assert.deepEqual(assessment, {
      colour: 'green',
      reasons: [],
      greenOn: undefined,
      rulesetVersion: 1,
      evaluatedAt: '2026-05-10T12:00:00.000Z',
      reassessAt: undefined,
    })
  })

  it('gives each reason its text in en, ru and zh', () => {
    const [reason] = assess(
      person({ tests: [pcr('2026-05-01T10:00:00Z', 'positive')] }),
      '2026-05-05T12:00:00Z',
    ).reasons
    assert.equal(reason?.text, defaultRuleSet.rules[0]?.text)
    assert.match(reason?.text.en ?? '', /positive/)
    assert.match(reason?.text.ru ?? '', /положительный/)
    assert.match(reason?.text.zh ?? '', /阳性/)
  })

  describe('positive-test', () => {
    const positive = person({ tests: [pcr('2026-05-01T10:00:00Z', 'positive')] })

    it('is red for 14 days from the sample, green on the 14th day after it', () => {
      const assessment = assess(positive, '2026-05-05T12:00:00Z')
      assert.deepEqual(summary(assessment), {
        colour: 'red',
        reasons: ['positive-test:red:2026-05-01T10:00:00.000Z:2026-05-15'],
        greenOn: '2026-05-15',
      })
      assert.equal(assessment.reassessAt, '2026-05-15T00:00:00.000Z')
      assert.equal(assess(positive, '2026-05-14T23:59:59Z').colour, 'red')
      assert.deepEqual(summary(assess(positive, '2026-05-15T00:00:00Z')), green)
    })

    it('counts a positive antigen test too', () => {
      const inputs = person({ tests: [antigen('2026-05-01T10:00:00Z', 'positive')] })
      assert.equal(assess(inputs, '2026-05-05T12:00:00Z').colour, 'red')
    })

    it('is cleared by a negative PCR sampled after the positive test', () => {
      const inputs = person({
        tests: [...positive.tests, pcr('2026-05-03T08:00:00Z', 'negative')],
      })
      assert.equal(assess(inputs, '2026-05-02T12:00:00Z').colour, 'red')
      assert.deepEqual(summary(assess(inputs, '2026-05-03T12:00:00Z')), green)
    })

    it('is not cleared by a negative antigen test, nor by a negative PCR sampled before', () => {
      for (const negative of [
        antigen('2026-05-03T08:00:00Z', 'negative'),
        pcr('2026-05-01T09:59:59Z', 'negative'),
      ]) {
        const inputs = person({ tests: [negative, ...positive.tests] })
        assert.equal(assess(inputs, '2026-05-05T12:00:00Z').colour, 'red', negative.sampledAt)
      }
    })

    it('starts again from a later positive test after a negative PCR', () => {
      const inputs = person({
        tests: [
          ...positive.tests,
          pcr('2026-05-03T08:00:00Z', 'negative'),
          pcr('2026-05-06T08:00:00Z', 'positive'),
        ],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-07T12:00:00Z')).reasons, [
        'positive-test:red:2026-05-06T08:00:00.000Z:2026-05-20',
      ])
    })
  })

  describe('confirmed-case', () => {
    it('is red for 14 days from the authority decision, and a negative PCR does not clear it', () => {
      const inputs = person({
        confirmedCaseAt: '2026-05-02T08:00:00Z',
        tests: [pcr('2026-05-04T08:00:00Z', 'negative')],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')), {
        colour: 'red',
        reasons: ['confirmed-case:red:2026-05-02T08:00:00.000Z:2026-05-16'],
        greenOn: '2026-05-16',
      })
      assert.equal(assess(inputs, '2026-05-15T23:00:00Z').colour, 'red')
      assert.equal(assess(inputs, '2026-05-16T00:00:00Z').colour, 'green')
    })
  })

  describe('close-contact', () => {
    it('is red for 14 days from the contact, and a negative PCR does not clear it', () => {
      const inputs = person({
        exposures: [exposure('close-contact', '2026-05-02T18:00:00Z')],
        tests: [pcr('2026-05-04T08:00:00Z', 'negative')],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')), {
        colour: 'red',
        reasons: ['close-contact:red:2026-05-02T18:00:00.000Z:2026-05-16'],
        greenOn: '2026-05-16',
      })
      assert.equal(assess(inputs, '2026-05-16T00:00:00Z').colour, 'green')
    })

    it('ignores a same-venue exposure, which no default rule names', () => {
      const inputs = person({ exposures: [exposure('same-venue', '2026-05-02T18:00:00Z')] })
      assert.equal(assess(inputs, '2026-05-05T12:00:00Z').colour, 'green')
    })
  })

  describe('declared-case-contact', () => {
    it('is red for 14 days from declaring contact with a confirmed case', () => {
      const inputs = person({
        declarations: [
          declaration('2026-05-02T09:00:00Z', { confirmedCaseContact: true }),
          declaration('2026-05-03T09:00:00Z'),
        ],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')), {
        colour: 'red',
        reasons: ['declared-case-contact:red:2026-05-02T09:00:00.000Z:2026-05-16'],
        greenOn: '2026-05-16',
      })
    })
  })

  describe('high-risk-arrival', () => {
    const highSinceApril20 = [pudong('high', '2026-04-20')]
    // A negative PCR the day after arrival: the required test was taken in time.
    const testedInTime = [pcr('2026-05-02T08:00:00Z', 'negative')]

    it('is red for 14 days from arrival when each day is declared clean, green on the 14th', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-14'),
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-10T12:00:00Z')), {
        colour: 'red',
        reasons: ['high-risk-arrival:red:2026-05-01T00:00:00.000Z:2026-05-15'],
        greenOn: '2026-05-15',
      })
      assert.equal(assess(inputs, '2026-05-14T23:59:59Z').colour, 'red')
      assert.deepEqual(summary(assess(inputs, '2026-05-15T00:00:00Z')), green)
    })

    it('is not cleared by a negative PCR', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: [pcr('2026-05-03T08:00:00Z', 'negative')],
        declarations: dailyDeclarations('2026-05-02', '2026-05-04'),
      })
      assert.equal(assess(inputs, '2026-05-04T12:00:00Z').colour, 'red')
    })

    it('puts greenOn one day later for each past day without a declaration', () => {
      const oneMissed = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-15', ['2026-05-05']),
      })
      assert.equal(assess(oneMissed, '2026-05-10T12:00:00Z').greenOn, '2026-05-16')
      assert.equal(assess(oneMissed, '2026-05-15T12:00:00Z').colour, 'red')
      assert.equal(assess(oneMissed, '2026-05-16T00:00:00Z').colour, 'green')
      const twoMissed = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-14', ['2026-05-05', '2026-05-08']),
      })
      assert.equal(assess(twoMissed, '2026-05-10T12:00:00Z').greenOn, '2026-05-17')
    })

    it('counts a missed day in the days the extension adds', () => {
      // Missing 2026-05-05 moves greenOn to 05-16, so 05-15 must be declared too.
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-14', ['2026-05-05']),
      })
      assert.equal(assess(inputs, '2026-05-16T00:00:00Z').greenOn, '2026-05-17')
      assert.equal(assess(inputs, '2026-05-16T00:00:00Z').colour, 'red')
    })

    it('does not count today or the arrival day as missed', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-09'),
      })
      const assessment = assess(inputs, '2026-05-10T12:00:00Z')
      assert.equal(assessment.greenOn, '2026-05-15')
      // If today passes undeclared, greenOn moves: the result changes at midnight.
      assert.equal(assessment.reassessAt, '2026-05-11T00:00:00.000Z')
      const nextDay = assess(inputs, '2026-05-11T00:00:00Z')
      assert.equal(nextDay.greenOn, '2026-05-16')
    })

    it('waits for greenOn, not midnight, once today is declared clean', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: dailyDeclarations('2026-05-02', '2026-05-10'),
      })
      assert.equal(assess(inputs, '2026-05-10T12:00:00Z').reassessAt, '2026-05-15T00:00:00.000Z')
    })

    it('puts greenOn one day later for a day declared with symptoms', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: [
          ...dailyDeclarations('2026-05-02', '2026-05-09', ['2026-05-04']),
          // 09:00 is clean, 20:00 is not: the day counts as symptomatic.
          declaration('2026-05-04T09:00:00Z'),
          feeling('2026-05-04T20:00:00Z', { cough: true }),
        ],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-09T12:00:00Z')), {
        colour: 'red',
        reasons: [
          'high-risk-arrival:red:2026-05-01T00:00:00.000Z:2026-05-16',
          'symptoms:yellow:2026-05-04T20:00:00.000Z:2026-05-11',
        ],
        greenOn: '2026-05-16',
      })
    })

    it('does not treat a declaration below the fever threshold as symptomatic', () => {
      const inputs = arrivedMay1(highSinceApril20, {
        tests: testedInTime,
        declarations: [
          ...dailyDeclarations('2026-05-02', '2026-05-09', ['2026-05-04']),
          feeling('2026-05-04T09:00:00Z', { temperatureC: 37.2 }),
        ],
      })
      assert.equal(assess(inputs, '2026-05-09T12:00:00Z').greenOn, '2026-05-15')
    })

    it('does not fire when the area became high-risk only after the visit', () => {
      const inputs = arrivedMay1([pudong('high', '2026-05-02')], {
        declarations: dailyDeclarations('2026-05-02', '2026-05-09'),
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')), green)
    })

    it('gives yellow, not red, for an area medium-risk during the visit and high-risk after', () => {
      const inputs = arrivedMay1(
        [pudong('medium', '2026-04-20', '2026-05-01'), pudong('high', '2026-05-02')],
        { tests: testedInTime, declarations: dailyDeclarations('2026-05-02', '2026-05-04') },
      )
      assert.deepEqual(summary(assess(inputs, '2026-05-04T12:00:00Z')).reasons, [
        'medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08',
      ])
    })
  })

  describe('fever', () => {
    const feverOn = (symptoms: Partial<Symptoms>) =>
      person({
        declarations: [
          feeling('2026-05-03T08:00:00Z', symptoms),
          ...dailyDeclarations('2026-05-04', '2026-05-09'),
        ],
      })

    it('is yellow for 7 days from a declared 37.3 °C', () => {
      const assessment = assess(feverOn({ temperatureC: 37.3 }), '2026-05-05T12:00:00Z')
      assert.deepEqual(summary(assessment), {
        colour: 'yellow',
        reasons: ['fever:yellow:2026-05-03T08:00:00.000Z:2026-05-10'],
        greenOn: '2026-05-10',
      })
      assert.equal(assessment.reassessAt, '2026-05-10T00:00:00.000Z')
      assert.deepEqual(
        summary(assess(feverOn({ temperatureC: 37.3 }), '2026-05-10T00:00:00Z')),
        green,
      )
    })

    it('is green at 37.2 °C', () => {
      assert.deepEqual(
        summary(assess(feverOn({ temperatureC: 37.2 }), '2026-05-05T12:00:00Z')),
        green,
      )
    })

    it('fires on the fever flag without a temperature', () => {
      assert.deepEqual(summary(assess(feverOn({ fever: true }), '2026-05-05T12:00:00Z')).reasons, [
        'fever:yellow:2026-05-03T08:00:00.000Z:2026-05-10',
      ])
    })

    it('starts again from the latest declaration with a fever', () => {
      const inputs = person({
        declarations: [
          feeling('2026-05-03T08:00:00Z', { fever: true }),
          feeling('2026-05-05T08:00:00Z', { temperatureC: 38.2 }),
          declaration('2026-05-04T08:00:00Z'),
        ],
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')).reasons, [
        'fever:yellow:2026-05-05T08:00:00.000Z:2026-05-12',
      ])
    })

    it('puts greenOn later for each past day of the period not declared', () => {
      const inputs = person({ declarations: [feeling('2026-05-03T08:00:00Z', { fever: true })] })
      // 05-04, 05-05 and 05-06 missed by 05-07.
      assert.equal(assess(inputs, '2026-05-07T12:00:00Z').greenOn, '2026-05-13')
    })
  })

  describe('symptoms', () => {
    it('is yellow for 7 days from a declaration with any of the other symptoms', () => {
      for (const symptom of [
        'cough',
        'soreThroat',
        'shortnessOfBreath',
        'lossOfTasteOrSmell',
        'fatigue',
      ] as const) {
        const inputs = person({
          declarations: [
            feeling('2026-05-03T08:00:00Z', { [symptom]: true }),
            ...dailyDeclarations('2026-05-04', '2026-05-05'),
          ],
        })
        assert.deepEqual(
          summary(assess(inputs, '2026-05-05T12:00:00Z')).reasons,
          ['symptoms:yellow:2026-05-03T08:00:00.000Z:2026-05-10'],
          symptom,
        )
      }
    })
  })

  describe('medium-risk-arrival', () => {
    it('is yellow for 7 days from arrival', () => {
      const inputs = arrivedMay1([pudong('medium', '2026-04-20')], {
        tests: [antigen('2026-05-02T08:00:00Z', 'negative')],
        declarations: dailyDeclarations('2026-05-02', '2026-05-07'),
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')), {
        colour: 'yellow',
        reasons: ['medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08'],
        greenOn: '2026-05-08',
      })
      assert.equal(assess(inputs, '2026-05-08T00:00:00Z').colour, 'green')
    })
  })

  describe('secondary-contact', () => {
    it('is yellow for 7 days from the contact, with no daily declarations needed', () => {
      const inputs = person({ exposures: [exposure('secondary-contact', '2026-05-02T10:00:00Z')] })
      const assessment = assess(inputs, '2026-05-07T12:00:00Z')
      assert.deepEqual(summary(assessment), {
        colour: 'yellow',
        reasons: ['secondary-contact:yellow:2026-05-02T10:00:00.000Z:2026-05-09'],
        greenOn: '2026-05-09',
      })
      assert.equal(assessment.reassessAt, '2026-05-09T00:00:00.000Z')
      assert.equal(assess(inputs, '2026-05-09T00:00:00Z').colour, 'green')
    })
  })

  describe('missed-test', () => {
    const mediumArrival = (tests: TestResult[]) =>
      arrivedMay1([pudong('medium', '2026-04-20')], {
        tests,
        declarations: dailyDeclarations('2026-05-02', '2026-05-12'),
      })

    it('does not fire before arrival + 3 days, and says when it will', () => {
      const assessment = assess(mediumArrival([]), '2026-05-03T12:00:00Z')
      assert.deepEqual(summary(assessment).reasons, [
        'medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08',
      ])
      assert.equal(assessment.reassessAt, '2026-05-04T00:00:00.000Z')
    })

    it('fires at arrival + 3 days without a test, yellow for 7 days', () => {
      assert.deepEqual(summary(assess(mediumArrival([]), '2026-05-05T12:00:00Z')), {
        colour: 'yellow',
        reasons: [
          'missed-test:yellow:2026-05-04T00:00:00.000Z:2026-05-11',
          'medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08',
        ],
        greenOn: '2026-05-11',
      })
      assert.equal(assess(mediumArrival([]), '2026-05-11T00:00:00Z').colour, 'green')
    })

    it('does not fire when a test of any kind was sampled within 3 days of arrival', () => {
      const inputs = mediumArrival([antigen('2026-05-03T23:00:00Z', 'negative')])
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')).reasons, [
        'medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08',
      ])
    })

    it('fires after arrival from a high-risk area too', () => {
      const inputs = arrivedMay1([pudong('high', '2026-04-20')], {
        declarations: dailyDeclarations('2026-05-02', '2026-05-05'),
      })
      assert.deepEqual(summary(assess(inputs, '2026-05-05T12:00:00Z')).reasons, [
        'high-risk-arrival:red:2026-05-01T00:00:00.000Z:2026-05-15',
        'missed-test:yellow:2026-05-04T00:00:00.000Z:2026-05-11',
      ])
    })

    it('is cleared by a late negative PCR, but not by a late negative antigen test', () => {
      const late = '2026-05-05T08:00:00Z'
      assert.deepEqual(
        summary(assess(mediumArrival([pcr(late, 'negative')]), '2026-05-05T12:00:00Z')).reasons,
        ['medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08'],
      )
      assert.deepEqual(
        summary(assess(mediumArrival([antigen(late, 'negative')]), '2026-05-05T12:00:00Z')).reasons,
        [
          'missed-test:yellow:2026-05-04T00:00:00.000Z:2026-05-11',
          'medium-risk-arrival:yellow:2026-05-01T00:00:00.000Z:2026-05-08',
        ],
      )
    })
  })
})

describe('assessHealthCode with several reasons', () => {
  it('is red when a red and a yellow rule fire, the red reason first', () => {
    const inputs = person({
      declarations: [feeling('2026-05-04T08:00:00Z', { fever: true })],
      exposures: [exposure('close-contact', '2026-05-02T18:00:00Z')],
    })
    assert.deepEqual(summary(assess(inputs, '2026-05-04T12:00:00Z')), {
      colour: 'red',
      reasons: [
        'close-contact:red:2026-05-02T18:00:00.000Z:2026-05-16',
        'fever:yellow:2026-05-04T08:00:00.000Z:2026-05-11',
      ],
      greenOn: '2026-05-16',
    })
  })

  it('gives as greenOn the day every rule has cleared, even when a yellow one outlasts red', () => {
    const inputs = person({
      exposures: [
        exposure('close-contact', '2026-05-01T10:00:00Z'),
        exposure('secondary-contact', '2026-05-12T10:00:00Z'),
      ],
    })
    const assessment = assess(inputs, '2026-05-12T12:00:00Z')
    assert.deepEqual(summary(assessment), {
      colour: 'red',
      reasons: [
        'close-contact:red:2026-05-01T10:00:00.000Z:2026-05-15',
        'secondary-contact:yellow:2026-05-12T10:00:00.000Z:2026-05-19',
      ],
      greenOn: '2026-05-19',
    })
    assert.equal(assessment.reassessAt, '2026-05-15T00:00:00.000Z')
    assert.equal(assess(inputs, '2026-05-15T00:00:00Z').colour, 'yellow')
  })

  it('orders reasons of one colour by the latest greenOn first', () => {
    const inputs = person({
      tests: [pcr('2026-05-01T10:00:00Z', 'positive')],
      confirmedCaseAt: '2026-05-03T10:00:00Z',
    })
    assert.deepEqual(
      assess(inputs, '2026-05-04T12:00:00Z').reasons.map((r) => r.ruleId),
      ['confirmed-case', 'positive-test'],
    )
  })

  it('ignores records dated after now', () => {
    const inputs = person({ tests: [pcr('2026-05-05T10:00:00Z', 'positive')] })
    assert.equal(assess(inputs, '2026-05-05T09:59:59Z').colour, 'green')
    assert.equal(assess(inputs, '2026-05-05T10:00:00Z').colour, 'red')
  })
})

describe('assessHealthCode with an authority rule set', () => {
  /** The default rules as JSON, with `edit` applied, read as version 2. */
  const edited = (edit: (json: string) => string): RuleSet => {
    const json = JSON.parse(edit(JSON.stringify(defaultRuleSet))) as { version: number }
    return readRuleSet({ ...json, version: 2 })
  }

  it('follows a stricter fever threshold: 37.1 °C turns yellow under it and not by default', () => {
    const stricter = edited((json) => json.replace('373]', '370]'))
    const inputs = person({
      declarations: [feeling('2026-05-03T08:00:00Z', { temperatureC: 37.1 })],
    })
    assert.equal(assess(inputs, '2026-05-03T12:00:00Z').colour, 'green')
    const assessment = assess(inputs, '2026-05-03T12:00:00Z', stricter)
    assert.equal(assessment.colour, 'yellow')
    assert.equal(assessment.rulesetVersion, 2)
    assert.deepEqual(
      assessment.reasons.map((r) => r.ruleId),
      ['fever'],
    )
  })

  it('follows a longer period and a new rule on a fact no default rule uses', () => {
    const stricter = readRuleSet({
      version: 2,
      rules: [
        ...defaultRuleSet.rules.map((rule) =>
          rule.id === 'secondary-contact' ? { ...rule, periodDays: 10 } : rule,
        ),
        {
          id: 'same-venue',
          colour: 'yellow',
          periodDays: 3,
          text: { en: 'Same venue as a case', ru: 'Там же, где заболевший', zh: '时空伴随' },
          trigger: { var: 'latestSameVenueAt' },
        },
      ],
    })
    const inputs = person({
      exposures: [
        exposure('secondary-contact', '2026-05-02T10:00:00Z'),
        exposure('same-venue', '2026-05-09T10:00:00Z'),
      ],
    })
    assert.deepEqual(summary(assess(inputs, '2026-05-09T12:00:00Z')), green)
    assert.deepEqual(summary(assess(inputs, '2026-05-09T12:00:00Z', stricter)), {
      colour: 'yellow',
      reasons: [
        'secondary-contact:yellow:2026-05-02T10:00:00.000Z:2026-05-12',
        'same-venue:yellow:2026-05-09T10:00:00.000Z:2026-05-12',
      ],
      greenOn: '2026-05-12',
    })
  })

  it('treats no rules as everyone green', () => {
    const inputs = person({ tests: [pcr('2026-05-01T10:00:00Z', 'positive')] })
    assert.equal(assess(inputs, '2026-05-02T12:00:00Z', { version: 9, rules: [] }).colour, 'green')
  })

  it('fails closed with ERR_RULE_EVALUATION when a trigger throws for these facts', () => {
    // Not read through readRuleSet, which would refuse it: plusTime of a null throws.
    const broken: RuleSet = {
      version: 2,
      rules: [
        {
          id: 'broken',
          colour: 'red',
          periodDays: 14,
          text: { en: 'x', ru: 'x', zh: 'x' },
          trigger: { plusTime: [{ var: 'latestPositiveTest.sampledAt' }, 0, 'day'] },
        },
      ],
    }
    assert.throws(
      () => assess(person(), '2026-05-02T12:00:00Z', broken),
      (error) =>
        error instanceof RuleEvaluationError &&
        error.code === 'ERR_RULE_EVALUATION' &&
        error.ruleId === 'broken',
    )
  })
})
