import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Actor } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import { DomainError } from '../errors.js'
import { verificationTime } from './verification-time.js'

const now = new Date('2026-11-23T09:00:00.000Z')
const actor = (role: Role): Actor => ({
  accountId: role,
  login: `${role}@test`,
  roles: [role],
  issuerId: 'ru-spb',
  personId: undefined,
  via: 'token',
})

describe('verificationTime', () => {
  it('judges an anonymous caller, a citizen and a venue operator now, whatever `at` they send', () => {
    for (const caller of [undefined, actor('citizen'), actor('venue_operator')]) {
      assert.equal(verificationTime(caller, '2026-11-01T00:00:00Z', now), now)
    }
  })

  it('takes staff’s `at` from 2019-12-01 to a year ahead', () => {
    assert.equal(
      verificationTime(actor('clinician'), '2026-11-01T00:00:00Z', now).toISOString(),
      '2026-11-01T00:00:00.000Z',
    )
    for (const at of ['2019-11-30T23:59:59Z', '2027-12-01T00:00:00Z', 'yesterday']) {
      assert.throws(
        () => verificationTime(actor('health_authority'), at, now),
        (error: unknown) =>
          error instanceof DomainError &&
          error.code === 'ERR_INVALID_FIELD' &&
          error.field === 'at',
        at,
      )
    }
  })

  it('judges staff now when they send no `at`', () => {
    assert.equal(verificationTime(actor('administrator'), undefined, now), now)
  })
})
