import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  MINUTE,
  auditEntries,
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import vaccinationFixture from '../../codec/hc1/test-fixtures/dcc-vaccination.json' with { type: 'json' }
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { ValidityJudge } from '../verification/validity-judge.js'
import ruDefaultRules from './rules/ru-default.json' with { type: 'json' }
import { ValidityRuleSetService } from './validity-rule-set-service.js'

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
/** The Russian rules but the one that refuses an expired certificate. */
const withoutExpiry = ruDefaultRules.filter((rule) => rule.Identifier !== 'GR-RU-0001')

forEachDialect((dialect) => {
  describe(`ValidityRuleSetService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let ruleSets: ValidityRuleSetService
    let judge: ValidityJudge
    let spbAuthority: Actor
    let mskAuthority: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      ruleSets = new ValidityRuleSetService(store, time)
      judge = new ValidityJudge(ruleSets, 'RU')
      spbAuthority = await makeActor(store, ['health_authority'], 'ru-spb')
      mskAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    it('imports a region’s next version, applies it in that region only, and audits it', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const imported = await ruleSets.import(spbAuthority, 'ru-default', withoutExpiry, 'no expiry')
      assert.deepEqual(
        [imported.id, imported.version, imported.rules.length],
        ['ru-default', 2, withoutExpiry.length],
      )
      assert.equal((await ruleSets.find('ru-default', 'ru-spb'))?.version, 2)
      assert.equal((await ruleSets.find('ru-default', 'ru-msk'))?.version, 1)
      assert.equal((await ruleSets.find('ru-default'))?.version, 1)
      const at = new Date('2021-07-01T12:00:00Z')
      const inSpb = await judge.judgeCertificate(shortLived, {
        ruleSetId: 'ru-default',
        at,
        language: 'en',
        issuerId: 'ru-spb',
      })
      const inMsk = await judge.judgeCertificate(shortLived, {
        ruleSetId: 'ru-default',
        at,
        language: 'en',
        issuerId: 'ru-msk',
      })
      assert.deepEqual([inSpb.allowed, inMsk.allowed], [true, false])
      const audited = (await auditEntries(store, 'validity-rules.import')).filter(
        (entry) => entry.entityId === 'ru-default@2',
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.issuerId, entry.reason]),
        [[spbAuthority.accountId, 'ru-spb', 'no expiry']],
      )
      // Versions count across regions: Moscow's next is 3.
      time.advance(MINUTE)
      const moscow = await ruleSets.import(mskAuthority, 'ru-default', ruDefaultRules, undefined)
      assert.equal(moscow.version, 3)
    })

    it('refuses imports by other roles and for another region, and malformed sets, naming the field', async () => {
      await rejectsWith(
        ruleSets.import(clinician, 'ru-default', ruDefaultRules, undefined),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        ruleSets.import(mskAuthority, 'ru-default', ruDefaultRules, undefined, 'ru-spb'),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        ruleSets.import(spbAuthority, 'Not An Id', ruDefaultRules, undefined),
        'ERR_INVALID_FIELD',
        'id',
      )
      await rejectsWith(
        ruleSets.import(spbAuthority, 'spb-rules', [], undefined),
        'ERR_EMPTY_RULE_SET',
        'rules',
      )
      const broken = [{ ...ruDefaultRules[0], Logic: { 'no-such-operation': [1] } }]
      await assert.rejects(
        ruleSets.import(spbAuthority, 'spb-rules', broken, undefined),
        (error: unknown) =>
          error instanceof Error &&
          'code' in error &&
          error.code === 'ERR_INVALID_FIELD' &&
          'field' in error &&
          String(error.field).startsWith('rules[GR-RU-0001]'),
      )
      assert.equal(await ruleSets.find('spb-rules', 'ru-spb'), undefined)
    })
  })
})
