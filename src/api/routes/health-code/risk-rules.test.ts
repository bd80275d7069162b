import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, testApp } from '../../../../test/api/test-app.js'

interface Rule {
  id: string
  colour: string
  periodDays: number
}

forEachDialect((dialect) => {
  describe(`risk rule versions (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    it('shows the built-in rules as version 1 before any is stored', async () => {
      const versions = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-rules/versions',
      )
      assert.equal(versions.statusCode, 200, versions.body)
      assert.deepEqual(versions.json().versions, [])
      const first = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-rules/versions/1',
      )
      assert.equal(first.statusCode, 200, first.body)
      assert.equal(first.json().version, 1)
      assert.ok((first.json().rules as Rule[]).some((rule) => rule.id === 'positive-test'))
      assert.equal(first.json().createdAt, undefined)
    })

    it('stores a new version with who, when and why, and shows it by its number', async () => {
      const inForce = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      const rules = (inForce.rules as Rule[]).map((rule) =>
        rule.id === 'fever' ? { ...rule, periodDays: 5 } : rule,
      )
      const stored = await t.request(t.users.health_authority, 'PUT', '/api/v1/risk-rules', {
        rules,
        note: 'fever clears after 5 days',
      })
      assert.equal(stored.statusCode, 201, stored.body)
      assert.equal(stored.json().version, inForce.version + 1)

      const versions = (
        await t.request(t.users.health_authority, 'GET', '/api/v1/risk-rules/versions')
      ).json()
      assert.deepEqual(
        versions.versions.map((v: Record<string, unknown>) => [v['version'], v['note']]),
        [[inForce.version + 1, 'fever clears after 5 days']],
      )
      assert.equal(versions.versions[0].createdBy, t.users.health_authority.account.id)
      assert.equal(versions.versions[0].createdAt, '2026-11-23T09:00:00.000Z')
      assert.equal(versions.recompute.rulesetVersion, inForce.version + 1)

      const shown = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/risk-rules/versions/${inForce.version + 1}`,
      )
      assert.equal(shown.statusCode, 200, shown.body)
      assert.equal(shown.json().note, 'fever clears after 5 days')
      const fever = (shown.json().rules as Rule[]).find((rule) => rule.id === 'fever')
      assert.equal(fever?.periodDays, 5)
      // The earlier version is unchanged.
      const earlier = (
        await t.request(t.users.health_authority, 'GET', '/api/v1/risk-rules/versions/1')
      ).json()
      assert.equal((earlier.rules as Rule[]).find((rule) => rule.id === 'fever')?.periodDays, 7)
    })

    it('answers 404 for a version never stored, 400 for one that is not a number', async () => {
      const missing = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-rules/versions/99',
      )
      assert.equal(missing.statusCode, 404, missing.body)
      assert.equal(missing.json().error.code, 'ERR_NOT_FOUND')
      const word = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/risk-rules/versions/latest',
      )
      assert.equal(word.statusCode, 400, word.body)
      assert.equal(word.json().error.code, 'ERR_VALIDATION')
    })

    it('refuses a bad rule naming it and its field, and other staff', async () => {
      const inForce = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      const rules = (inForce.rules as Rule[]).map((rule, index) =>
        index === 1 ? { ...rule, colour: 'blue' } : rule,
      )
      const refused = await t.request(t.users.health_authority, 'PUT', '/api/v1/risk-rules', {
        rules,
      })
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_INVALID_FIELD')
      assert.equal(refused.json().error.field, 'rules[1].colour')
      assert.match(refused.json().error.message, /rule "confirmed-case"/)
      const after = (await t.request(undefined, 'GET', '/api/v1/risk-rules')).json()
      assert.equal(after.version, inForce.version, 'nothing was stored')

      const byClinician = await t.request(t.users.clinician, 'GET', '/api/v1/risk-rules/versions/1')
      assert.equal(byClinician.statusCode, 403)
      assert.equal(byClinician.json().error.code, 'ERR_FORBIDDEN')
    })
  })
})
