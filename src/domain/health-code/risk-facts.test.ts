import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HealthInputError } from './health-code-errors.js'
import type { Declaration, HealthInputs, RiskArea, Symptoms, Visit } from './health-inputs.js'
import { riskFacts } from './risk-facts.js'

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
const person = (overrides: Partial<HealthInputs> = {}): HealthInputs => ({
  declarations: [],
  riskAreas: [],
  tests: [],
  recoveries: [],
  exposures: [],
  confirmedCaseAt: undefined,
  ...overrides,
})
const now = new Date('2026-05-10T12:00:00Z')
const stay: Visit = { areaCode: 'sh-pudong', from: '2026-04-25', until: '2026-05-01' }
const travelled = (...riskAreas: RiskArea[]): HealthInputs =>
  person({ declarations: [declaration('2026-05-01T20:00:00Z', { visits: [stay] })], riskAreas })
const area = (level: RiskArea['level'], from: string, until?: string): RiskArea => ({
  areaCode: 'sh-pudong',
  level,
  from,
  until,
})

describe('riskFacts', () => {
  it('gives null and empty facts, and now and today in UTC, for a person with no records', () => {
    const facts = riskFacts(person(), new Date('2026-05-10T23:30:00-02:00'))
    assert.equal(facts.now, '2026-05-11T01:30:00.000Z')
    assert.equal(facts.today, '2026-05-11')
    assert.deepEqual(facts.declarations, [])
    assert.deepEqual(facts.visits, [])
    assert.deepEqual(facts.tests, [])
    assert.deepEqual(facts.exposures, [])
    for (const field of [
      'latestHighRiskArrival',
      'latestMediumRiskArrival',
      'latestRiskAreaArrival',
      'firstTestAfterRiskAreaArrival',
      'latestPositiveTest',
      'latestNegativePcr',
      'confirmedCaseAt',
      'latestCloseContactAt',
      'latestSameVenueAt',
      'latestSecondaryContactAt',
    ] as const) {
      assert.equal(facts[field], null, field)
    }
  })

  it('classes a stay as high-risk when the area was high-risk on any day of it', () => {
    const facts = riskFacts(travelled(area('high', '2026-04-20')), now)
    assert.equal(facts.visits[0]?.riskLevel, 'high')
    assert.equal(facts.latestHighRiskArrival, '2026-05-01')
    assert.equal(facts.latestRiskAreaArrival, '2026-05-01')
    assert.equal(facts.latestMediumRiskArrival, null)
  })

  it('counts the day of leaving and the last day of a risk period as overlapping', () => {
    assert.equal(
      riskFacts(travelled(area('high', '2026-05-01')), now).latestHighRiskArrival,
      '2026-05-01',
    )
    assert.equal(
      riskFacts(travelled(area('high', '2026-04-01', '2026-04-25')), now).latestHighRiskArrival,
      '2026-05-01',
    )
  })

  it('does not class a stay by a risk level the area got only after it, or lost before it', () => {
    const later = riskFacts(travelled(area('high', '2026-05-02')), now)
    assert.equal(later.visits[0]?.riskLevel, null)
    assert.equal(later.latestHighRiskArrival, null)
    assert.equal(later.latestRiskAreaArrival, null)
    const earlier = riskFacts(travelled(area('high', '2026-04-01', '2026-04-24')), now)
    assert.equal(earlier.latestHighRiskArrival, null)
  })

  it('gives a stay the highest level: medium only when the area was never high during it', () => {
    const medium = riskFacts(travelled(area('medium', '2026-04-20')), now)
    assert.equal(medium.latestMediumRiskArrival, '2026-05-01')
    assert.equal(medium.latestHighRiskArrival, null)
    const both = riskFacts(
      travelled(area('medium', '2026-04-01', '2026-04-27'), area('high', '2026-04-28')),
      now,
    )
    assert.equal(both.latestHighRiskArrival, '2026-05-01')
    assert.equal(both.latestMediumRiskArrival, null)
    const otherArea = riskFacts(
      travelled({ ...area('high', '2026-04-01'), areaCode: 'sh-minhang' }),
      now,
    )
    assert.equal(otherArea.latestHighRiskArrival, null)
  })

  it('lists a stay repeated in several declarations once, ordered by arrival', () => {
    const earlier: Visit = { areaCode: 'bj-chaoyang', from: '2026-04-10', until: '2026-04-12' }
    const facts = riskFacts(
      person({
        declarations: [
          declaration('2026-05-02T09:00:00Z', { visits: [stay, earlier] }),
          declaration('2026-05-01T20:00:00Z', { visits: [stay] }),
        ],
      }),
      now,
    )
    assert.deepEqual(
      facts.visits.map((visit) => visit.areaCode),
      ['bj-chaoyang', 'sh-pudong'],
    )
  })

  it('orders by instant, not by text, so offsets compare correctly', () => {
    const facts = riskFacts(
      person({
        tests: [
          { sampledAt: '2026-05-01T20:00:00Z', result: 'positive', method: 'pcr' },
          // 2026-05-01T17:00Z: earlier, although its text sorts later.
          { sampledAt: '2026-05-02T01:00:00+08:00', result: 'positive', method: 'antigen' },
        ],
      }),
      now,
    )
    assert.deepEqual(facts.latestPositiveTest, {
      sampledAt: '2026-05-01T20:00:00.000Z',
      day: '2026-05-01',
      result: 'positive',
      method: 'pcr',
    })
    assert.equal(facts.tests[0]?.sampledAt, '2026-05-01T17:00:00.000Z')
  })

  it('leaves out records dated after now', () => {
    const facts = riskFacts(
      person({
        declarations: [
          declaration('2026-05-10T13:00:00Z', { symptoms: { ...well, fever: true } }),
          declaration('2026-05-09T09:00:00Z', {
            visits: [{ areaCode: 'sh-pudong', from: '2026-05-09', until: '2026-05-11' }],
          }),
        ],
        tests: [{ sampledAt: '2026-05-10T12:00:01Z', result: 'positive', method: 'pcr' }],
        exposures: [{ kind: 'close-contact', at: '2026-05-11T00:00:00Z' }],
        confirmedCaseAt: '2026-05-12T00:00:00Z',
      }),
      now,
    )
    assert.equal(facts.declarations.length, 1)
    assert.deepEqual(facts.visits, [])
    assert.equal(facts.latestPositiveTest, null)
    assert.equal(facts.latestCloseContactAt, null)
    assert.equal(facts.confirmedCaseAt, null)
  })

  it('gives temperatures in tenths of a degree, as CertLogic compares integers only', () => {
    const facts = riskFacts(
      person({
        declarations: [
          declaration('2026-05-01T09:00:00Z', { symptoms: { ...well, temperatureC: 37.3 } }),
          declaration('2026-05-02T09:00:00Z'),
        ],
      }),
      now,
    )
    assert.equal(facts.declarations[0]?.temperatureDeciC, 373)
    assert.equal(facts.declarations[1]?.temperatureDeciC, null)
    assert.equal(facts.declarations[0]?.day, '2026-05-01')
  })

  it('finds the first test sampled on or after the latest arrival from a risk area', () => {
    const facts = riskFacts(
      {
        ...travelled(area('medium', '2026-04-20')),
        tests: [
          { sampledAt: '2026-04-30T09:00:00Z', result: 'negative', method: 'pcr' },
          { sampledAt: '2026-05-03T09:00:00Z', result: 'negative', method: 'antigen' },
          { sampledAt: '2026-05-04T09:00:00Z', result: 'negative', method: 'pcr' },
        ],
      },
      now,
    )
    assert.equal(facts.firstTestAfterRiskAreaArrival?.sampledAt, '2026-05-03T09:00:00.000Z')
    assert.equal(facts.latestNegativePcr?.sampledAt, '2026-05-04T09:00:00.000Z')
  })

  it('gives the latest exposure of each kind', () => {
    const facts = riskFacts(
      person({
        exposures: [
          { kind: 'close-contact', at: '2026-05-03T10:00:00Z' },
          { kind: 'close-contact', at: '2026-05-01T10:00:00Z' },
          { kind: 'secondary-contact', at: '2026-05-02T10:00:00Z' },
        ],
      }),
      now,
    )
    assert.equal(facts.latestCloseContactAt, '2026-05-03T10:00:00.000Z')
    assert.equal(facts.latestSecondaryContactAt, '2026-05-02T10:00:00.000Z')
    assert.equal(facts.latestSameVenueAt, null)
  })

  it('refuses a date that is not a date, naming where it is', () => {
    const refuses = (inputs: HealthInputs, path: string) =>
      assert.throws(
        () => riskFacts(inputs, now),
        (error) =>
          error instanceof HealthInputError &&
          error.code === 'ERR_HEALTH_INPUT' &&
          error.path === path,
      )
    refuses(
      person({
        tests: [
          { sampledAt: '2026-05-01T09:00:00Z', result: 'negative', method: 'pcr' },
          { sampledAt: 'yesterday', result: 'negative', method: 'pcr' },
        ],
      }),
      'tests[1].sampledAt',
    )
    refuses(
      person({
        declarations: [
          declaration('2026-05-01T09:00:00Z', {
            visits: [{ areaCode: 'x', from: '2026-02-01', until: '2026-02-30' }],
          }),
        ],
      }),
      'declarations[0].visits[0].until',
    )
    refuses(
      person({
        declarations: [
          declaration('2026-05-01T09:00:00Z', {
            visits: [{ areaCode: 'x', from: '2026-04-05', until: '2026-04-01' }],
          }),
        ],
      }),
      'declarations[0].visits[0]',
    )
    refuses(
      person({ riskAreas: [{ areaCode: 'x', level: 'high', from: '1 May', until: undefined }] }),
      'riskAreas[0].from',
    )
  })
})
