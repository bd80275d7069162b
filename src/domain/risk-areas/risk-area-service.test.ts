import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  buildColourServices,
  nothingDeclared as nothing,
} from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  TEST_KEK,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { HealthCodeService } from '../colours/health-code-service.js'
import type { DeclarationService } from '../declarations/declaration-service.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import type { RiskAreaService } from './risk-area-service.js'

forEachDialect((dialect) => {
  describe(`RiskAreaService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let healthCodes: HealthCodeService
    let declarations: DeclarationService
    let riskAreas: RiskAreaService
    let authority: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      ;({ healthCodes, declarations, riskAreas } = buildColourServices(store, time, keys, 15))
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)

    it('recomputes the people who visited a new risk area, and audits the area', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await declarations.declare(actor, person.id, {
        ...nothing,
        visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-18', until: '2026-11-20' }],
      })
      const { area, reassessed } = await riskAreas.setRiskArea(authority, {
        areaCode: 'CN-SH-PD',
        name: 'Pudong',
        level: 'high',
        from: '2026-11-15',
      })
      assert.equal(reassessed, 1)
      const assessment = await healthCodes.current(actor, person.id)
      assert.equal(assessment.colour, 'red')
      assert.ok(assessment.reasons.some((reason) => reason.ruleId === 'high-risk-arrival'))
      const audited = (await auditEntries(store, 'risk-area.set')).filter(
        (entry) => entry.entityId === area.id,
      )
      assert.deepEqual(
        audited.map((entry) => entry.actorAccountId),
        [authority.accountId],
      )
      assert.deepEqual(
        (await riskAreas.riskAreas(authority, { history: false, areaCode: 'CN-SH-PD' })).map(
          (current) => current.id,
        ),
        [area.id],
      )
    })

    it('replaces a risk area once, keeps the old one in the history, and refuses a second replacement', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { area } = await riskAreas.setRiskArea(authority, {
        areaCode: 'CN-BJ-HD',
        name: 'Haidian',
        level: 'medium',
        from: '2026-11-20',
      })
      const { area: replacement } = await riskAreas.setRiskArea(authority, {
        areaCode: 'CN-BJ-HD',
        name: 'Haidian',
        level: 'high',
        from: '2026-11-20',
        replaces: area.id,
      })
      assert.deepEqual(
        (await riskAreas.riskAreas(authority, { history: false, areaCode: 'CN-BJ-HD' })).map(
          (current) => current.id,
        ),
        [replacement.id],
      )
      assert.deepEqual(
        (await riskAreas.riskAreas(authority, { history: true, areaCode: 'CN-BJ-HD' }))
          .map((version) => version.id)
          .sort(),
        [area.id, replacement.id].sort(),
      )
      await rejectsWith(
        riskAreas.setRiskArea(authority, {
          areaCode: 'CN-BJ-HD',
          name: 'Haidian',
          level: 'medium',
          from: '2026-11-20',
          replaces: area.id,
        }),
        'ERR_RISK_AREA_SUPERSEDED',
        'replaces',
      )
    })

    it('refuses risk areas from anyone but the authority, and ones with bad dates or a wrong replacement', async () => {
      const area = { areaCode: 'CN-GD-SZ', name: 'Shenzhen', level: 'high' as const }
      await rejectsWith(
        riskAreas.setRiskArea(clinician, { ...area, from: '2026-11-20' }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        riskAreas.setRiskArea(authority, { ...area, from: '20.11.2026' }),
        'ERR_INVALID_FIELD',
        'from',
      )
      await rejectsWith(
        riskAreas.setRiskArea(authority, { ...area, from: '2026-11-20', until: '2026-11-31' }),
        'ERR_INVALID_FIELD',
        'until',
      )
      await rejectsWith(
        riskAreas.setRiskArea(authority, { ...area, from: '2026-11-20', until: '2026-11-19' }),
        'ERR_INVALID_FIELD',
        'until',
      )
      await rejectsWith(
        riskAreas.setRiskArea(authority, {
          ...area,
          from: '2026-11-20',
          replaces: '00000000-0000-4000-8000-000000000000',
        }),
        'ERR_NOT_FOUND',
        'replaces',
      )
      const { area: other } = await riskAreas.setRiskArea(authority, {
        ...area,
        areaCode: 'CN-GD-GZ',
        from: '2026-11-20',
      })
      await rejectsWith(
        riskAreas.setRiskArea(authority, { ...area, from: '2026-11-20', replaces: other.id }),
        'ERR_INVALID_FIELD',
        'replaces',
      )
      assert.deepEqual(
        await riskAreas.riskAreas(authority, { history: true, areaCode: 'CN-GD-SZ' }),
        [],
      )
    })
  })
})
