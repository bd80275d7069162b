import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, type TestUser, personBody, testApp } from '../../../../test/api/test-app.js'

interface RiskArea {
  id: string
  issuerId: string
  areaCode: string
  level: string
  supersededAt?: string
  supersededBy?: string
}

forEachDialect((dialect) => {
  describe(`risk areas belong to a region (${dialect.name})`, () => {
    let t: TestApp
    // St. Petersburg's area, and Moscow's.
    let spb: RiskArea
    let mow: RiskArea
    const list = async (user: TestUser | undefined, query = '') => {
      const answer = await t.request(user, 'GET', `/api/v1/risk-areas${query}`)
      assert.equal(answer.statusCode, 200, answer.body)
      return (answer.json().riskAreas as RiskArea[]).map((area) => area.areaCode).sort()
    }
    const inForce = async (code: string): Promise<RiskArea[]> =>
      (await t.store.transaction((tx) => tx.health.riskAreas({ includeSuperseded: true })))
        .filter((area) => area.areaCode === code)
        .map((area) => ({
          id: area.id,
          issuerId: area.issuerId ?? '',
          areaCode: area.areaCode,
          level: area.level,
          ...(area.supersededAt === undefined ? {} : { supersededAt: area.supersededAt }),
        }))
    before(async () => {
      t = await testApp(dialect.url())
      const declare = async (user: TestUser, areaCode: string, name: string) => {
        const answer = await t.request(user, 'POST', '/api/v1/risk-areas', {
          areaCode,
          name,
          level: 'high',
          from: '2026-11-15',
        })
        assert.equal(answer.statusCode, 201, answer.body)
        return answer.json().riskArea as RiskArea
      }
      spb = await declare(t.users.health_authority, 'RU-SPB-ADM', 'Admiralteysky')
      mow = await declare(t.moscow.health_authority, 'RU-MOW-CEN', 'Tverskoy')
    })
    after(() => t.close())

    it('gives a new area to the region of the authority that declared it', () => {
      assert.equal(spb.issuerId, 'ru-spb')
      assert.equal(mow.issuerId, 'ru-mow')
    })

    it('lists a region’s own areas to its authority, and every region’s below to the federal one', async () => {
      assert.deepEqual(await list(t.users.health_authority), ['RU-SPB-ADM'])
      assert.deepEqual(await list(t.moscow.health_authority), ['RU-MOW-CEN'])
      assert.deepEqual(await list(t.users.health_authority, '?history=true'), ['RU-SPB-ADM'])
      assert.deepEqual(await list(t.federal.health_authority), ['RU-MOW-CEN', 'RU-SPB-ADM'])
      assert.deepEqual(await list(t.federal.health_authority, '?issuerId=ru-mow'), ['RU-MOW-CEN'])
    })

    it('returns 403 for the list of another region’s areas, and to anyone but the authority', async () => {
      const other = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-areas?issuerId=ru-mow',
      )
      assert.equal(other.statusCode, 403, other.body)
      assert.equal(other.json().error.code, 'ERR_FORBIDDEN')
      const parent = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-areas?issuerId=ru',
      )
      assert.equal(parent.statusCode, 403, parent.body)
      for (const user of [t.users.citizen, t.users.clinician]) {
        const answer = await t.request(user, 'GET', '/api/v1/risk-areas')
        assert.equal(answer.statusCode, 403, answer.body)
        assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
      }
      assert.equal((await t.request(undefined, 'GET', '/api/v1/risk-areas')).statusCode, 401)
    })

    it('returns 403 to another region’s authority changing an area, and changes nothing', async () => {
      const before = await inForce('RU-SPB-ADM')
      const replaced = await t.request(t.moscow.health_authority, 'POST', '/api/v1/risk-areas', {
        areaCode: 'RU-SPB-ADM',
        name: 'Admiralteysky',
        level: 'medium',
        from: '2026-11-15',
        replaces: spb.id,
      })
      assert.equal(replaced.statusCode, 403, replaced.body)
      assert.equal(replaced.json().error.code, 'ERR_FORBIDDEN')
      // Nor may it declare one in St. Petersburg's name.
      const foreign = await t.request(t.moscow.health_authority, 'POST', '/api/v1/risk-areas', {
        areaCode: 'RU-SPB-VAS',
        name: 'Vasileostrovsky',
        level: 'high',
        from: '2026-11-15',
        issuerId: 'ru-spb',
      })
      assert.equal(foreign.statusCode, 403, foreign.body)
      assert.equal(foreign.json().error.code, 'ERR_FORBIDDEN')
      assert.deepEqual(await inForce('RU-SPB-ADM'), before)
      assert.deepEqual(await inForce('RU-SPB-VAS'), [])
    })

    it('returns 403 to another region’s authority withdrawing an area, and keeps it in force', async () => {
      const withdrawn = await t.request(
        t.moscow.health_authority,
        'DELETE',
        `/api/v1/risk-areas/${spb.id}`,
      )
      assert.equal(withdrawn.statusCode, 403, withdrawn.body)
      assert.equal(withdrawn.json().error.code, 'ERR_FORBIDDEN')
      assert.deepEqual(await list(t.users.health_authority), ['RU-SPB-ADM'])
      const missing = await t.request(
        t.users.health_authority,
        'DELETE',
        '/api/v1/risk-areas/00000000-0000-4000-8000-000000000000',
      )
      assert.equal(missing.statusCode, 404, missing.body)
    })

    it('keeps the region when the federal authority changes a region’s area', async () => {
      const changed = await t.request(t.federal.health_authority, 'POST', '/api/v1/risk-areas', {
        areaCode: 'RU-MOW-CEN',
        name: 'Tverskoy',
        level: 'medium',
        from: '2026-11-15',
        replaces: mow.id,
      })
      assert.equal(changed.statusCode, 201, changed.body)
      assert.equal(changed.json().riskArea.issuerId, 'ru-mow')
      mow = changed.json().riskArea
      assert.deepEqual(await list(t.moscow.health_authority), ['RU-MOW-CEN'])
    })

    it('counts a stay in another region’s area, until that region withdraws it', async () => {
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'AREA0001', country: 'RU' } }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const personId = person.json().id as string
      // A St. Petersburg resident declares a stay in Moscow's area.
      const declared = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/people/${personId}/declarations`,
        {
          symptoms: {},
          visits: [{ areaCode: 'RU-MOW-CEN', from: '2026-11-18', until: '2026-11-20' }],
        },
      )
      assert.equal(declared.statusCode, 201, declared.body)
      assert.equal(declared.json().healthCode.colour, 'yellow')
      assert.ok(
        (declared.json().healthCode.reasons as { ruleId: string }[]).some(
          (reason) => reason.ruleId === 'medium-risk-arrival',
        ),
        declared.body,
      )

      const withdrawn = await t.request(
        t.moscow.health_authority,
        'DELETE',
        `/api/v1/risk-areas/${mow.id}`,
      )
      assert.equal(withdrawn.statusCode, 200, withdrawn.body)
      assert.equal(withdrawn.json().reassessed, 1)
      assert.ok(withdrawn.json().riskArea.supersededAt)
      assert.equal(withdrawn.json().riskArea.supersededBy, undefined)
      assert.deepEqual(await list(t.moscow.health_authority), [])
      assert.deepEqual(await list(t.moscow.health_authority, '?history=true'), [
        'RU-MOW-CEN',
        'RU-MOW-CEN',
      ])
      const code = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/people/${personId}/health-code`,
      )
      assert.equal(code.json().colour, 'green', code.body)
      const again = await t.request(
        t.moscow.health_authority,
        'DELETE',
        `/api/v1/risk-areas/${mow.id}`,
      )
      assert.equal(again.statusCode, 409, again.body)
      assert.equal(again.json().error.code, 'ERR_RISK_AREA_SUPERSEDED')
    })
  })
})
