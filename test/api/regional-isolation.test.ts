import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, type TestUser, personBody, testApp } from './test-app.js'

/**
 * Regions own their data: staff of one region neither read nor change another's, and a region's
 * authority changes its own region's rules, never the nationwide ones. Each case here is a finding
 * of the outside probe, and failed before the policy layer.
 */
forEachDialect((dialect) => {
  describe(`regions own their data (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url(), { readReplica: true })
    })
    after(() => t.close())

    it('shows a region’s audit entries to its own and the federal staff only', async () => {
      const created = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'AUDITSPB01', country: 'RU' } }),
      )
      assert.equal(created.statusCode, 201, created.body)
      const id = created.json().id as string
      const seenBy = async (user: (typeof t.users)['administrator']) => {
        const log = await t.request(user, 'GET', '/api/v1/audit?limit=1000')
        assert.equal(log.statusCode, 200, log.body)
        return (log.json().entries as { entityId: string; data: unknown }[]).filter(
          (entry) => entry.entityId === id || JSON.stringify(entry.data).includes('AUDITSPB01'),
        ).length
      }
      assert.equal(await seenBy(t.moscow.administrator), 0, 'Moscow’s administrator')
      assert.equal(await seenBy(t.moscow.health_authority), 0, 'Moscow’s authority')
      assert.ok((await seenBy(t.users.administrator)) >= 1, 'St. Petersburg’s administrator')
      assert.ok((await seenBy(t.federalAdmin)) >= 1, 'the federal administrator')
    })

    it('audits a refusal even though the refused change is rolled back', async () => {
      const created = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'REFUSED01', country: 'RU' } }),
      )
      const id = created.json().id as string
      const refused = await t.request(t.otherRegionClinician, 'PATCH', `/api/v1/people/${id}`, {
        phone: '+7 495 555 0101',
        reason: 'trying another region',
      })
      assert.equal(refused.statusCode, 403)
      assert.equal(refused.json().error.code, 'ERR_FORBIDDEN')
      const log = await t.request(t.users.administrator, 'GET', '/api/v1/audit?limit=1000')
      const refusal = (
        log.json().entries as { action: string; entityId: string; actorAccountId: string }[]
      ).find((entry) => entry.action === 'access.refused' && entry.entityId === id)
      assert.equal(refusal?.actorAccountId, t.otherRegionClinician.account.id)
      const verify = await t.request(t.federalAdmin, 'GET', '/api/v1/audit/verify')
      assert.equal(verify.json().intact, true)
    })

    it('keeps a regional authority’s risk rules in its region, and the nationwide ones to the federal authority', async () => {
      const nationwide = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      // A region keeps one of the nationwide rules only.
      const oneRule = (nationwide.rules as { id: string }[]).slice(0, 1)
      const regional = await t.request(t.users.health_authority, 'PUT', '/api/v1/risk-rules', {
        rules: oneRule,
        note: 'St. Petersburg only',
      })
      assert.equal(regional.statusCode, 201, regional.body)
      const after = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      assert.equal(after.version, nationwide.version, 'the nationwide rules did not change')
      const spb = (await t.request(undefined, 'GET', '/api/v1/risk-rules?issuerId=ru-spb')).json()
      assert.deepEqual(
        spb.rules.map((rule: { id: string }) => rule.id),
        oneRule.map((rule) => rule.id),
      )
      const mow = (await t.request(undefined, 'GET', '/api/v1/risk-rules?issuerId=ru-mow')).json()
      assert.equal(mow.version, nationwide.version, 'Moscow keeps the nationwide rules')
      const intoFederal = await t.request(
        t.users.health_authority,
        'PUT',
        '/api/v1/risk-rules?issuerId=ru',
        { rules: nationwide.rules },
      )
      assert.equal(intoFederal.statusCode, 403)
      assert.equal(intoFederal.json().error.code, 'ERR_FORBIDDEN')
      const intoMoscow = await t.request(
        t.users.health_authority,
        'PUT',
        '/api/v1/risk-rules?issuerId=ru-mow',
        { rules: nationwide.rules },
      )
      assert.equal(intoMoscow.statusCode, 403)
    })

    it('refuses an empty risk rule set or validity rule set, storing nothing', async () => {
      const before = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      const empty = await t.request(t.federal.health_authority, 'PUT', '/api/v1/risk-rules', {
        rules: [],
      })
      assert.equal(empty.statusCode, 422, empty.body)
      assert.equal(empty.json().error.code, 'ERR_EMPTY_RULE_SET')
      const after = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      assert.equal(after.version, before.version)
      const emptyValidity = await t.request(
        t.federal.health_authority,
        'POST',
        '/api/v1/validity-rules/ru-default',
        { rules: [] },
      )
      assert.equal(emptyValidity.statusCode, 422, emptyValidity.body)
      assert.equal(emptyValidity.json().error.code, 'ERR_EMPTY_RULE_SET')
    })

    it('keeps a regional authority’s entry policy and validity rules out of the nationwide ones', async () => {
      const nationwide = (await t.request(undefined, 'GET', '/api/v1/entry-policies')).json()
      const policy = { acceptGreenCode: false, acceptCertificates: ['test'], testMaxAgeHours: 24 }
      const set = await t.request(
        t.users.health_authority,
        'PUT',
        '/api/v1/entry-policies/museum',
        policy,
      )
      assert.equal(set.statusCode, 200, set.body)
      const after = (await t.request(undefined, 'GET', '/api/v1/entry-policies')).json()
      assert.deepEqual(after.museum, nationwide.museum, 'the nationwide policy did not change')
      const spb = (
        await t.request(undefined, 'GET', '/api/v1/entry-policies?issuerId=ru-spb')
      ).json()
      assert.deepEqual(spb.museum.acceptCertificates, ['test'])
      const intoFederal = await t.request(
        t.users.health_authority,
        'PUT',
        '/api/v1/entry-policies/museum?issuerId=ru',
        policy,
      )
      assert.equal(intoFederal.statusCode, 403)

      const rules = (await t.request(undefined, 'GET', '/api/v1/validity-rules')).json()
      const regional = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/ru-default',
        { rules: [validityRule] },
      )
      assert.equal(regional.statusCode, 201, regional.body)
      assert.deepEqual(
        (await t.request(undefined, 'GET', '/api/v1/validity-rules')).json(),
        rules,
        'the nationwide validity rules did not change',
      )
    })

    it('lets an administrator revoke tokens of their own subtree only', async () => {
      const made = await t.request(t.otherRegionClinician, 'POST', '/api/v1/api-tokens', {
        name: 'Moscow scanner',
      })
      assert.equal(made.statusCode, 201, made.body)
      const id = made.json().token.id as string
      const bySpb = await t.request(t.users.administrator, 'DELETE', `/api/v1/api-tokens/${id}`)
      assert.equal(bySpb.statusCode, 403)
      assert.equal(bySpb.json().error.code, 'ERR_FORBIDDEN')
      const still = await t.request(t.otherRegionClinician, 'GET', '/api/v1/api-tokens')
      const token = (still.json().tokens as { id: string; revokedAt?: string }[]).find(
        (one) => one.id === id,
      )
      assert.equal(token?.revokedAt, undefined, 'the token still works')
      const byFederal = await t.request(t.federalAdmin, 'DELETE', `/api/v1/api-tokens/${id}`)
      assert.equal(byFederal.statusCode, 204, byFederal.body)
    })

    it('keeps a region’s venues from another region’s authority: no list, no read, no check-in', async () => {
      const made = await t.request(t.moscow.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Bolshoi Theatre',
        category: 'theatre',
        address: 'Theatre Square 1, Moscow',
        district: 'RU-MOW-CAO',
      })
      assert.equal(made.statusCode, 201, made.body)
      const id = made.json().id as string
      const listed = async (user: (typeof t.users)['health_authority']) =>
        ((await t.request(user, 'GET', '/api/v1/venues')).json().venues as { id: string }[]).some(
          (venue) => venue.id === id,
        )
      assert.equal(await listed(t.users.health_authority), false, 'St. Petersburg’s authority')
      assert.equal(await listed(t.users.administrator), false, 'St. Petersburg’s administrator')
      assert.equal(await listed(t.moscow.health_authority), true, 'Moscow’s authority')
      assert.equal(await listed(t.federal.health_authority), true, 'the federal authority')
      const read = await t.request(t.users.health_authority, 'GET', `/api/v1/venues/${id}`)
      assert.equal(read.statusCode, 403)
      const scan = await t.request(t.users.health_authority, 'POST', `/api/v1/venues/${id}/scan`, {
        qr: 'HC1:NOT-A-CODE',
        clientId: randomUUID(),
      })
      assert.equal(scan.statusCode, 403)
      assert.equal(scan.json().error.code, 'ERR_FORBIDDEN')
      const own = await t.request(t.moscow.health_authority, 'GET', `/api/v1/venues/${id}`)
      assert.equal(own.statusCode, 200, own.body)
    })

    it('shows a region’s authority the districts of its own region only on the dashboard', async () => {
      for (const [user, district, number] of [
        [t.users.clinician, 'RU-SPB-DASH', 'DASH0001'],
        [t.moscow.clinician, 'RU-MOW-DASH', 'DASH0002'],
      ] as const) {
        const body = personBody({ district, document: { type: 'passport', number, country: 'RU' } })
        const created = await t.request(user, 'POST', '/api/v1/people', body)
        assert.equal(created.statusCode, 201, created.body)
      }
      const day = t.clock().toISOString().slice(0, 10)
      await t.store.transaction((tx) =>
        tx.counters.add([
          { day, district: 'RU-SPB-DASH', metric: 'declarations', by: 2 },
          { day, district: 'RU-MOW-DASH', metric: 'declarations', by: 5 },
        ]),
      )
      const seen = async (user: TestUser, query = '') => {
        const answer = await t.request(user, 'GET', `/api/v1/dashboards/authority${query}`)
        assert.equal(answer.statusCode, 200, answer.body)
        const districts = answer.json().districts as { district: string; declarations: number }[]
        return new Map(districts.map((row) => [row.district, row.declarations]))
      }
      const spb = await seen(t.users.health_authority)
      assert.equal(spb.get('RU-SPB-DASH'), 2)
      assert.equal(spb.has('RU-MOW-DASH'), false, 'St. Petersburg sees none of Moscow')
      const mow = await seen(t.moscow.health_authority)
      assert.equal(mow.get('RU-MOW-DASH'), 5)
      assert.equal(mow.has('RU-SPB-DASH'), false, 'Moscow sees none of St. Petersburg')
      const federal = await seen(t.federal.health_authority)
      assert.deepEqual([federal.get('RU-SPB-DASH'), federal.get('RU-MOW-DASH')], [2, 5])
      // Naming another region's district shows nothing of it.
      assert.equal((await seen(t.users.health_authority, '?district=RU-MOW-DASH')).size, 0)
    })

    it('lets staff of the federal level act on a region two levels down, never a sibling', async () => {
      await t.store.transaction((tx) =>
        tx.issuers.upsert({
          id: 'ru-spb-vyb',
          name: 'Vyborgsky district',
          level: 'region',
          country: 'RU',
          parentId: 'ru-spb',
        }),
      )
      const body = personBody({
        issuerId: 'ru-spb-vyb',
        document: { type: 'passport', number: 'DEEP00001', country: 'RU' },
      })
      const bySpb = await t.request(t.users.clinician, 'POST', '/api/v1/people', body)
      assert.equal(bySpb.statusCode, 201, bySpb.body)
      const id = bySpb.json().id as string
      const byFederal = await t.request(t.federalAdmin, 'GET', `/api/v1/people/${id}`)
      assert.equal(byFederal.statusCode, 200)
      const byMoscow = await t.request(t.otherRegionClinician, 'GET', `/api/v1/people/${id}`)
      assert.equal(byMoscow.statusCode, 403)
    })
  })
})

/** A validity rule in the EU format: vaccinations count for 30 days. */
const validityRule = {
  Identifier: 'VR-RU-0200',
  Type: 'Acceptance',
  Country: 'RU',
  Version: '1.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '0.7.5',
  CertificateType: 'Vaccination',
  Description: [{ lang: 'en', desc: 'A vaccination is valid for 30 days.' }],
  ValidFrom: '2021-01-01T00:00:00Z',
  ValidTo: '2030-01-01T00:00:00Z',
  AffectedFields: ['v.0.dt'],
  Logic: {
    'not-after': [
      { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
      { plusTime: [{ var: 'payload.v.0.dt' }, 30, 'day'] },
    ],
  },
}
