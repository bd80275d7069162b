import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { makeIssuers, rejectsWith, testClock } from '../../../test/support/domain-factories.js'
import vaccinationFixture from '../../codec/hc1/test-fixtures/dcc-vaccination.json' with { type: 'json' }
import { openStore } from '../../storage/open-store.js'
import type { Store } from '../ports.js'
import { ValidityRuleSetService } from '../validity-rules/validity-rule-set-service.js'
import { ValidityJudge } from './validity-judge.js'

/** The upstream example vaccination (dose 1 of 2 on 2021-06-11), as the last dose of 2 of 2. */
const completeVaccination = {
  ...vaccinationFixture,
  v: [{ ...vaccinationFixture.v[0], dn: 2, sd: 2 }],
}
const certificate = {
  payloadType: 'eu-dcc' as const,
  payload: completeVaccination,
  issuedAt: '2021-06-12T00:00:00Z',
  expiresAt: '2022-06-12T00:00:00Z',
  issuer: 'NL',
}
/** The same certificate, expired on 2021-06-30 (a day short of the check below). */
const shortLived = { ...certificate, expiresAt: '2021-06-30T00:00:00Z' }
forEachDialect((dialect) => {
  describe(`ValidityJudge (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let judge: ValidityJudge

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      judge = new ValidityJudge(new ValidityRuleSetService(store, time), 'RU')
    })
    after(() => store.close())

    it('judges a certificate under the shipped Russian rules, and refuses it once expired', async () => {
      const inForce = await judge.judgeCertificate(certificate, {
        ruleSetId: 'ru-default',
        at: new Date('2021-07-01T12:00:00Z'),
        language: 'en',
      })
      assert.deepEqual(
        [inForce.allowed, inForce.ruleSet, inForce.failed],
        [true, { id: 'ru-default', version: 1 }, []],
      )
      const expired = await judge.judgeCertificate(shortLived, {
        ruleSetId: 'ru-default',
        at: new Date('2021-07-01T12:00:00Z'),
        language: 'ru',
      })
      assert.equal(expired.allowed, false)
      assert.deepEqual(
        expired.failed.map((failure) => [failure.identifier, failure.language]),
        [['GR-RU-0001', 'ru']],
      )
      await rejectsWith(
        judge.judgeCertificate(certificate, {
          ruleSetId: 'nowhere',
          at: new Date('2021-07-01T12:00:00Z'),
          language: 'en',
        }),
        'ERR_NOT_FOUND',
        'ruleSet',
      )
    })
  })
})
