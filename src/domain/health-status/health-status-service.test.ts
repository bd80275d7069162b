import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  MINUTE,
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
import type { Symptoms } from '../health-code/index.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Person } from '../people/person.js'
import type { Store } from '../ports.js'
import { type DeclarationInput, HealthStatusService } from './health-status-service.js'

const well: Symptoms = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}
const nothing: DeclarationInput = { symptoms: well, visits: [], confirmedCaseContact: false }
const fever: DeclarationInput = { ...nothing, symptoms: { ...well, fever: true } }

forEachDialect((dialect) => {
  describe(`HealthStatusService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let health: HealthStatusService
    let keys: SigningKeyService
    let authority: Actor
    let otherAuthority: Actor
    let clinician: Actor
    let otherClinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      health = new HealthStatusService(store, time, keys, 15)
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      otherAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      otherClinician = await makeActor(store, ['clinician'], 'ru-msk')
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)
    const feed = async (person: Person) =>
      (await store.transaction((tx) => tx.tracing.feed(person.id, 100))).filter(
        (item) => item.kind === 'colour-change',
      )

    it('turns a code yellow on a declared fever, and stores and lists the declaration', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      assert.equal((await health.current(actor, person.id)).colour, 'green')
      const { declaration, assessment } = await health.declare(actor, person.id, fever)
      assert.equal(assessment.colour, 'yellow')
      assert.deepEqual(
        assessment.reasons.map((reason) => reason.ruleId),
        ['fever'],
      )
      assert.equal(assessment.greenOn, '2026-11-30')
      assert.equal(declaration.declaredBy, actor.accountId)
      assert.equal(declaration.declaredAt, '2026-11-23T09:00:00.000Z')
      assert.deepEqual(
        (await health.declarations(actor, person.id)).map((stored) => stored.id),
        [declaration.id],
      )
      assert.deepEqual(
        (await feed(person)).map((item) => [item.data['from'], item.data['to']]),
        [['green', 'yellow']],
      )
      assert.equal((await health.colourOf(person.id)).colour, 'yellow')
      // Declarations older than 30 days are no longer listed.
      time.advance(31 * DAY)
      assert.deepEqual(await health.declarations(actor, person.id), [])
    })

    it('keeps a fever yellow past its seven days while no clean declarations come', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await health.declare(actor, person.id, fever)
      time.set('2026-12-01T09:00:00.000Z')
      const assessment = await health.current(actor, person.id)
      assert.equal(assessment.colour, 'yellow')
      assert.ok((assessment.greenOn ?? '') > '2026-12-01', assessment.greenOn)
    })

    it('turns a fever green on its day after daily clean declarations, by time alone, and counts it among the due', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await health.declare(actor, person.id, fever)
      for (let day = 1; day <= 6; day++) {
        time.advance(DAY)
        await health.declare(actor, person.id, nothing)
      }
      assert.equal((await health.colourOf(person.id)).colour, 'yellow')
      const stored = async () =>
        (await store.transaction((tx) => tx.health.healthCode(person.id)))?.assessment.colour
      assert.equal(await health.reassessDue(), 0)
      // Midnight of the green day: nothing new is declared, the time alone changes the colour.
      time.set('2026-11-30T00:00:01.000Z')
      assert.equal(await stored(), 'yellow')
      assert.ok((await health.reassessDue()) >= 1)
      assert.equal(await stored(), 'green')
      assert.equal(await health.reassessDue(), 0)
      assert.equal((await health.current(actor, person.id)).colour, 'green')
      assert.equal((await health.colourOf(person.id)).colour, 'green')
      assert.deepEqual(
        (await feed(person)).map((item) => [item.data['from'], item.data['to']]),
        [['yellow', 'green']],
      )
    })

    it('lets staff of the person’s region declare and read, and refuses staff of another region and other citizens', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person } = await citizen()
      const { actor: stranger } = await citizen()
      const { assessment } = await health.declare(clinician, person.id, nothing)
      assert.equal(assessment.colour, 'green')
      assert.equal((await health.current(clinician, person.id)).colour, 'green')
      await rejectsWith(health.declare(otherClinician, person.id, fever), 'ERR_FORBIDDEN')
      await rejectsWith(health.current(otherClinician, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(health.declarations(stranger, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(health.token(stranger, person.id), 'ERR_FORBIDDEN')
      // Nothing was stored by the refused declaration.
      assert.equal((await health.declarations(clinician, person.id)).length, 1)
    })

    it('refuses a declaration for nobody and one with impossible values, naming the field', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await rejectsWith(
        health.declare(clinician, '00000000-0000-4000-8000-000000000000', nothing),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(
        health.declare(actor, person.id, {
          ...nothing,
          symptoms: { ...well, temperatureC: 50 },
        }),
        'ERR_INVALID_FIELD',
        'symptoms.temperatureC',
      )
      await rejectsWith(
        health.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-24', until: '2026-11-25' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].from',
      )
      await rejectsWith(
        health.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-20', until: '2026-11-19' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].until',
      )
      await rejectsWith(
        health.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'shanghai', from: '2026-11-19', until: '2026-11-20' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].areaCode',
      )
      assert.deepEqual(await health.declarations(actor, person.id), [])
    })

    it('recomputes the people who visited a new risk area, and audits the area', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await health.declare(actor, person.id, {
        ...nothing,
        visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-18', until: '2026-11-20' }],
      })
      const { area, reassessed } = await health.setRiskArea(authority, {
        areaCode: 'CN-SH-PD',
        name: 'Pudong',
        level: 'high',
        from: '2026-11-15',
      })
      assert.equal(reassessed, 1)
      const assessment = await health.current(actor, person.id)
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
        (await health.riskAreas(authority, { history: false, areaCode: 'CN-SH-PD' })).map(
          (current) => current.id,
        ),
        [area.id],
      )
    })

    it('replaces a risk area once, keeps the old one in the history, and refuses a second replacement', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { area } = await health.setRiskArea(authority, {
        areaCode: 'CN-BJ-HD',
        name: 'Haidian',
        level: 'medium',
        from: '2026-11-20',
      })
      const { area: replacement } = await health.setRiskArea(authority, {
        areaCode: 'CN-BJ-HD',
        name: 'Haidian',
        level: 'high',
        from: '2026-11-20',
        replaces: area.id,
      })
      assert.deepEqual(
        (await health.riskAreas(authority, { history: false, areaCode: 'CN-BJ-HD' })).map(
          (current) => current.id,
        ),
        [replacement.id],
      )
      assert.deepEqual(
        (await health.riskAreas(authority, { history: true, areaCode: 'CN-BJ-HD' }))
          .map((version) => version.id)
          .sort(),
        [area.id, replacement.id].sort(),
      )
      await rejectsWith(
        health.setRiskArea(authority, {
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
        health.setRiskArea(clinician, { ...area, from: '2026-11-20' }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        health.setRiskArea(authority, { ...area, from: '20.11.2026' }),
        'ERR_INVALID_FIELD',
        'from',
      )
      await rejectsWith(
        health.setRiskArea(authority, { ...area, from: '2026-11-20', until: '2026-11-19' }),
        'ERR_INVALID_FIELD',
        'until',
      )
      await rejectsWith(
        health.setRiskArea(authority, {
          ...area,
          from: '2026-11-20',
          replaces: '00000000-0000-4000-8000-000000000000',
        }),
        'ERR_NOT_FOUND',
        'replaces',
      )
      const { area: other } = await health.setRiskArea(authority, {
        ...area,
        areaCode: 'CN-GD-GZ',
        from: '2026-11-20',
      })
      await rejectsWith(
        health.setRiskArea(authority, { ...area, from: '2026-11-20', replaces: other.id }),
        'ERR_INVALID_FIELD',
        'replaces',
      )
      assert.deepEqual(
        await health.riskAreas(authority, { history: true, areaCode: 'CN-GD-SZ' }),
        [],
      )
    })

    it('stores a region’s own rules, applies them to its people only, and audits the change', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      const other = await makeCitizen(store, 'ru-msk', time)
      await health.declare(actor, person.id, fever)
      await health.declare(other.actor, other.person.id, fever)
      const defaults = await health.ruleSet('ru-spb')
      // The region keeps every rule but fever: a declared fever no longer turns its codes yellow.
      const withoutFever = defaults.rules.filter((rule) => rule.id !== 'fever')
      const stored = await health.setRuleSet(authority, withoutFever, 'fever alone is not enough')
      await health.recomputeFinished()
      assert.ok(stored.version > defaults.version)
      assert.equal((await health.ruleSet('ru-spb')).version, stored.version)
      assert.equal((await health.ruleSet('ru-msk')).version, defaults.version)
      assert.equal((await health.current(actor, person.id)).colour, 'green')
      assert.equal((await health.current(other.actor, other.person.id)).colour, 'yellow')
      assert.equal(
        (await health.ruleSetVersion(authority, stored.version)).rules.length,
        withoutFever.length,
      )
      const audited = (await auditEntries(store, 'risk-rules.set')).filter(
        (entry) => entry.entityId === String(stored.version),
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.issuerId, entry.reason]),
        [[authority.accountId, 'ru-spb', 'fever alone is not enough']],
      )
      assert.equal(health.recomputeProgress()?.rulesetVersion, stored.version)
    })

    it('refuses rules for another region, an empty rule set, a malformed rule and an unknown version', async () => {
      await rejectsWith(health.setRuleSet(otherAuthority, [], undefined, 'ru-spb'), 'ERR_FORBIDDEN')
      await rejectsWith(health.setRuleSet(clinician, [], undefined), 'ERR_FORBIDDEN')
      await rejectsWith(health.setRuleSet(authority, [], undefined), 'ERR_EMPTY_RULE_SET', 'rules')
      await rejectsWith(
        health.setRuleSet(authority, [{ id: 'broken', colour: 'purple' }], undefined),
        'ERR_INVALID_FIELD',
      )
      await rejectsWith(health.ruleSetVersion(authority, 9999), 'ERR_NOT_FOUND')
      await rejectsWith(health.ruleSetVersion(clinician, 1), 'ERR_FORBIDDEN')
    })

    it('signs a dynamic code that expires after the configured minutes, and refuses without a document signer', async () => {
      time.set('2026-11-23T09:00:00.400Z')
      const { person, actor } = await citizen()
      await rejectsWith(health.token(actor, person.id), 'ERR_SIGNING_UNAVAILABLE')
      await keys.ensureKeys(undefined, ['ru-spb'])
      const token = await health.token(actor, person.id)
      assert.match(token.qr, /^HC1:/)
      // Issued at the whole second, valid for 15 minutes.
      assert.equal(
        token.expiresAt,
        new Date(Date.parse('2026-11-23T09:00:00Z') + 15 * MINUTE).toISOString(),
      )
      assert.equal(token.assessment.colour, 'green')
      const withoutVault = new HealthStatusService(
        store,
        time,
        new SigningKeyService(store, time, undefined),
        15,
      )
      await rejectsWith(withoutVault.token(actor, person.id), 'ERR_SIGNING_UNAVAILABLE')
    })
    it('refuses the input problems to anyone but the health authority', async () => {
      assert.ok(Array.isArray(await health.inputProblems(authority)))
      await rejectsWith(health.inputProblems(clinician), 'ERR_FORBIDDEN')
      const { actor } = await citizen()
      await rejectsWith(health.inputProblems(actor), 'ERR_FORBIDDEN')
    })
  })
})
