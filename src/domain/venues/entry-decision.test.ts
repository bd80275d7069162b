import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideEntry, defaultEntryPolicies } from './entry-decision.js'

const now = new Date('2026-11-23T12:00:00Z')

describe('entry decisions', () => {
  it('admits a green code where green codes count, and says why a yellow one is refused', () => {
    const office = defaultEntryPolicies.office
    assert.deepEqual(
      decideEntry(office, { kind: 'health-code', colour: 'green', greenOn: undefined }, now),
      { allowed: true, reason: 'GREEN_CODE', message: 'green health code' },
    )
    const yellow = decideEntry(
      office,
      { kind: 'health-code', colour: 'yellow', greenOn: '2026-11-29' },
      now,
    )
    assert.equal(yellow.allowed, false)
    assert.equal(yellow.reason, 'CODE_NOT_GREEN')
    assert.match(yellow.message, /yellow until 2026-11-29/)
  })

  it('admits a yellow code where the policy lets yellow in, and never a red one', () => {
    const park = { ...defaultEntryPolicies.park, admitYellowCode: true }
    assert.deepEqual(
      decideEntry(park, { kind: 'health-code', colour: 'yellow', greenOn: '2026-11-29' }, now),
      { allowed: true, reason: 'YELLOW_CODE', message: 'yellow health code, admitted here' },
    )
    const red = decideEntry(park, { kind: 'health-code', colour: 'red', greenOn: undefined }, now)
    assert.deepEqual([red.allowed, red.reason], [false, 'CODE_NOT_GREEN'])
    const closed = { ...park, acceptGreenCode: false, acceptCertificates: ['test' as const] }
    const yellow = decideEntry(
      closed,
      { kind: 'health-code', colour: 'yellow', greenOn: undefined },
      now,
    )
    assert.deepEqual([yellow.allowed, yellow.reason], [false, 'GREEN_CODE_NOT_ACCEPTED'])
  })

  it('admits a theatre visitor with a vaccination, recovery or recent negative test certificate', () => {
    const theatre = defaultEntryPolicies.theatre
    for (const certificateKind of ['vaccination', 'recovery'] as const) {
      assert.equal(
        decideEntry(
          theatre,
          { kind: 'certificate', certificateKind, sampledAt: undefined, negative: undefined },
          now,
        ).allowed,
        true,
      )
    }
    const test = (sampledAt: string, negative: boolean) =>
      decideEntry(
        theatre,
        { kind: 'certificate', certificateKind: 'test', sampledAt, negative },
        now,
      )
    assert.equal(test('2026-11-20T12:00:00Z', true).allowed, true, 'exactly 72 hours old')
    assert.equal(test('2026-11-20T11:59:59Z', true).reason, 'TEST_TOO_OLD')
    assert.equal(test('2026-11-23T08:00:00Z', false).reason, 'TEST_POSITIVE')
  })

  it('refuses a certificate kind the policy does not list, and a code where only certificates count', () => {
    const office = defaultEntryPolicies.office
    const refused = decideEntry(
      office,
      {
        kind: 'certificate',
        certificateKind: 'vaccination',
        sampledAt: undefined,
        negative: undefined,
      },
      now,
    )
    assert.deepEqual([refused.allowed, refused.reason], [false, 'CERTIFICATE_KIND_NOT_ACCEPTED'])
    const certificatesOnly = {
      acceptGreenCode: false,
      acceptCertificates: ['vaccination' as const],
      testMaxAgeHours: 72,
    }
    assert.equal(
      decideEntry(
        certificatesOnly,
        { kind: 'health-code', colour: 'green', greenOn: undefined },
        now,
      ).reason,
      'GREEN_CODE_NOT_ACCEPTED',
    )
  })
})
