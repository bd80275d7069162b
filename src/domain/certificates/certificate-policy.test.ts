import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RegisterRecord, TestData } from '../register/register-record.js'
import {
  certificateExpiry,
  defaultCertificatePolicy,
  hasValidUvciCheck,
  luhnMod36,
  newUvci,
  normaliseUvci,
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
  it('reads a UVCI as staff type it: any case, with or without the URN:UVCI: prefix', () => {
    const uvci = newUvci('RU', 'ru-spb')
    assert.equal(normaliseUvci(uvci), uvci)
    assert.equal(normaliseUvci(`  ${uvci.toLowerCase()} `), uvci)
    assert.equal(normaliseUvci(uvci.slice('URN:UVCI:'.length)), uvci)
    assert.equal(normaliseUvci('urn:uvci:01:ru:x'), 'URN:UVCI:01:RU:X')
  })

  it('computes a Luhn mod 36 check character that catches a changed or swapped character', () => {
    for (let i = 0; i < 200; i++) {
      const uvci = newUvci('RU', 'ru-spb')
      assert.equal(hasValidUvciCheck(uvci), true, uvci)
      const body = uvci.slice(0, -2)
      const at = 21 + (i % 20)
      const changed = body.slice(0, at) + (body[at] === 'A' ? 'B' : 'A') + body.slice(at + 1)
      assert.equal(hasValidUvciCheck(changed + uvci.slice(-2)), false, changed)
      // Like Luhn mod 10 with 09/90, Luhn mod 36 misses only the swap of 0 and Z.
      const pair = `${body[at]}${body[at + 1]}`
      if (body[at] !== body[at + 1] && at + 1 < body.length && pair !== '0Z' && pair !== 'Z0') {
        const swapped = body.slice(0, at) + body[at + 1] + body[at] + body.slice(at + 2)
        assert.equal(hasValidUvciCheck(swapped + uvci.slice(-2)), false, swapped)
      }
    }
    assert.equal(luhnMod36('RUSPB/ABC123').length, 1)
  })

  it('makes UVCIs in the opaque form with a check character, each different', () => {
    const a = newUvci('RU', 'ru-spb')
    const b = newUvci('RU', 'ru-spb')
    assert.match(a, /^URN:UVCI:01:RU:RUSPB\/[0-9A-Z]{20}#[0-9A-Z]$/)
    assert.notEqual(a, b)
    const fixed = newUvci('RU', 'ru-spb', Buffer.alloc(20, 37))
    assert.equal(
      fixed,
      `URN:UVCI:01:RU:RUSPB/${'1'.repeat(20)}#${luhnMod36(`URN:UVCI:01:RU:RUSPB/${'1'.repeat(20)}`)}`,
    )
  })

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
