import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RegisterRecord, TestData } from '../register/register-record.js'
import {
  certificateExpiry,
  defaultCertificatePolicy,
  recoveryFromTest,
  yieldsCertificate,
} from './certificate-policy.js'

const base = { id: 'r', personId: 'p', issuerId: 'ru-spb', recordedBy: 'a', recordedAt: '' }
const test = (result: string): RegisterRecord => ({
  ...base,
  kind: 'test',
  data: {
    disease: '840539006',
    testType: 'LP6464-4',
    sampledAt: '2026-11-20T10:00:00+03:00',
    result,
    centre: 'Polyclinic',
    country: 'RU',
  },
})

describe('certificate policy', () => {
  it('issues for negative tests only, and for antibody levels at or above the threshold', () => {
    assert.equal(yieldsCertificate(test('260415000')), true)
    assert.equal(yieldsCertificate(test('260373001')), false)
    const antibody = (value: number): RegisterRecord => ({
      ...base,
      kind: 'antibody',
      data: {
        disease: '840539006',
        assay: 'A',
        value,
        unit: 'U/mL',
        threshold: 100,
        date: '2026-11-01',
        country: 'RU',
      },
    })
    assert.equal(yieldsCertificate(antibody(100)), true)
    assert.equal(yieldsCertificate(antibody(99.9)), false)
  })

  it('derives a recovery from the first positive sample date, by the policy window', () => {
    const recovery = recoveryFromTest(
      { ...(test('260373001').data as TestData), sampledAt: '2026-11-02T23:30:00+03:00' },
      defaultCertificatePolicy,
    )
    assert.deepEqual(
      [recovery.firstPositive, recovery.validFrom, recovery.validUntil],
      ['2026-11-02', '2026-11-13', '2027-05-01'],
    )
  })

  it('expires a test certificate 72 hours after the sample and a vaccination after a year', () => {
    const issuedAt = new Date('2026-11-23T09:00:00Z')
    assert.equal(
      certificateExpiry(test('260415000'), issuedAt, defaultCertificatePolicy).toISOString(),
      '2026-11-23T07:00:00.000Z',
    )
    const dose: RegisterRecord = {
      ...base,
      kind: 'vaccination',
      data: {
        disease: '840539006',
        vaccine: 'J07BX03',
        product: 'Sputnik-V',
        manufacturer: 'Gamaleya-Research-Institute',
        doseNumber: 1,
        totalDoses: 2,
        date: '2026-11-01',
        country: 'RU',
      },
    }
    assert.equal(
      certificateExpiry(dose, issuedAt, {
        ...defaultCertificatePolicy,
        vaccinationValidityDays: 30,
      }).toISOString(),
      '2026-12-23T09:00:00.000Z',
    )
  })
})
