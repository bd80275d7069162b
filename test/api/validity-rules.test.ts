import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

/** A stricter national rule in the EU rule format: a vaccination counts for 90 days. */
const ninetyDays = {
  Identifier: 'VR-RU-0001',
  Type: 'Acceptance',
  Country: 'RU',
  Version: '2.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '0.7.5',
  ValidFrom: '2026-01-01T00:00:00Z',
  ValidTo: '2030-01-01T00:00:00Z',
  CertificateType: 'Vaccination',
  Description: [
    { lang: 'en', desc: 'A vaccination is valid for 90 days.' },
    { lang: 'ru', desc: 'Вакцинация действительна 90 дней.' },
    { lang: 'zh', desc: '疫苗接种有效期为90天。' },
  ],
  AffectedFields: ['v.0.dt'],
  Logic: {
    'not-after': [
      { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
      { plusTime: [{ var: 'payload.v.0.dt' }, 90, 'day'] },
    ],
  },
}

forEachDialect((dialect) => {
  describe(`validity rules (${dialect.name})`, () => {
    let t: TestApp
    let qr: string
    before(async () => {
      t = await testApp(dialect.url())
      const person = await t.request(t.users.clinician, 'POST', '/api/v1/people', personBody())
      const dose = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${person.json().id}/vaccinations`,
        {
          vaccine: 'J07BX03',
          product: 'Sputnik-V',
          manufacturer: 'Gamaleya-Research-Institute',
          doseNumber: 2,
          totalDoses: 2,
          date: '2026-06-01',
          country: 'RU',
        },
      )
      qr = dose.json().certificate.qr
    })
    after(() => t.close())

    it('answers "signature valid" apart from "entry allowed", and an imported rule file changes the answer', async () => {
      const before = await t.request(undefined, 'POST', '/api/v1/verify', { qr })
      assert.equal(before.json().valid, true)
      assert.deepEqual(
        [before.json().entry.ruleSet.id, before.json().entry.allowed],
        ['ru-default', true],
        before.body,
      )

      const imported = await t.request(
        t.federal.health_authority,
        'POST',
        '/api/v1/validity-rules/ru-default',
        { rules: [ninetyDays], note: 'vaccinations count for 90 days' },
      )
      assert.equal(imported.statusCode, 201, imported.body)
      assert.equal(imported.json().version, 2)

      const after = await t.request(undefined, 'POST', '/api/v1/verify', { qr, language: 'ru' })
      assert.equal(after.json().valid, true, 'the signature is still valid')
      assert.equal(after.json().entry.allowed, false)
      assert.deepEqual(after.json().entry.failed, [
        {
          identifier: 'VR-RU-0001',
          language: 'ru',
          text: 'Вакцинация действительна 90 дней.',
        },
      ])

      // At a theatre the door now refuses the same certificate, naming the rule.
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Mariinsky Theatre',
        category: 'theatre',
        address: 'Theatre Square 1',
        district: 'RU-SPB-ADM',
      })
      const scan = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${venue.json().id}/scan`,
        {
          qr,
          clientId: randomUUID(),
        },
      )
      assert.deepEqual(
        [scan.json().entryAllowed, scan.json().reason, scan.json().message],
        [false, 'RULES_NOT_MET', 'A vaccination is valid for 90 days.'],
      )
    })

    it('refuses at import a rule whose logic is not CertLogic, naming the rule', async () => {
      const broken = { ...ninetyDays, Identifier: 'VR-RU-0009', Logic: { 'no-such-op': [1, 2] } }
      const refused = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/strict',
        { rules: [broken] },
      )
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_INVALID_FIELD')
      assert.match(refused.json().error.message, /VR-RU-0009/)
      const list = await t.request(undefined, 'GET', '/api/v1/validity-rules')
      assert.ok(!list.json().ruleSets.some((set: { id: string }) => set.id === 'strict'))
      const byClinician = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/validity-rules/strict',
        { rules: [ninetyDays] },
      )
      assert.equal(byClinician.statusCode, 403)
    })

    it('applies a region’s rules when the region is asked for, and only then', async () => {
      const regional = {
        ...ninetyDays,
        Identifier: 'VR-RU-0100',
        Region: 'SPB',
        Description: [{ lang: 'en', desc: 'In St. Petersburg a vaccination counts for 2 years.' }],
        Logic: {
          'not-after': [
            { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
            { plusTime: [{ var: 'payload.v.0.dt' }, 730, 'day'] },
          ],
        },
      }
      const imported = await t.request(
        t.federal.health_authority,
        'POST',
        '/api/v1/validity-rules/spb',
        { rules: [regional] },
      )
      assert.equal(imported.statusCode, 201, imported.body)
      const inRegion = await t.request(undefined, 'POST', '/api/v1/verify', {
        qr,
        ruleSet: 'spb',
        region: 'SPB',
      })
      assert.equal(inRegion.json().entry.allowed, true, inRegion.body)
      const national = await t.request(undefined, 'POST', '/api/v1/verify', { qr, ruleSet: 'spb' })
      assert.equal(national.json().entry.allowed, false, 'no national rule in that set')
    })
  })
})
