import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, testApp } from './test-app.js'

forEachDialect((dialect) => {
  describe(`POST /api/v1/districts (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url(), { keys: false })
    })
    after(() => t.close())

    it('lets a region’s authority define its districts, which risk-area pickers then list', async () => {
      for (const [code, name] of [
        ['RU-SPE-ADM', 'Admiralteysky'],
        ['RU-SPE-CEN', 'Tsentralny'],
      ]) {
        const made = await t.request(t.users.health_authority, 'POST', '/api/v1/districts', {
          code,
          name,
        })
        assert.equal(made.statusCode, 201, made.body)
        assert.deepEqual(made.json(), { issuerId: 'ru-spb', code, name })
      }
      const renamed = await t.request(t.users.health_authority, 'POST', '/api/v1/districts', {
        code: 'RU-SPE-CEN',
        name: 'Central',
      })
      assert.equal(renamed.statusCode, 201, renamed.body)
      await t.request(t.moscow.health_authority, 'POST', '/api/v1/districts', {
        code: 'RU-MOW-CEN',
        name: 'Tsentralny',
      })
      const spb = await t.request(undefined, 'GET', '/api/v1/districts?issuerId=ru-spb')
      assert.deepEqual(
        spb.json().districts.map((d: { code: string; name: string }) => [d.code, d.name]),
        [
          ['RU-SPE-ADM', 'Admiralteysky'],
          ['RU-SPE-CEN', 'Central'],
        ],
      )
      const federal = await t.request(undefined, 'GET', '/api/v1/districts?issuerId=ru')
      assert.equal(federal.json().districts.length, 3, 'the federal level sees every region’s')
    })

    it('refuses another region’s districts and a code that is not an area code', async () => {
      const other = await t.request(t.moscow.health_authority, 'POST', '/api/v1/districts', {
        code: 'RU-SPE-VAS',
        name: 'Vasileostrovsky',
        issuerId: 'ru-spb',
      })
      assert.equal(other.statusCode, 403)
      assert.equal(other.json().error.code, 'ERR_FORBIDDEN')
      const bad = await t.request(t.users.health_authority, 'POST', '/api/v1/districts', {
        code: 'spb centre!',
        name: 'Centre',
      })
      assert.equal(bad.statusCode, 400)
      assert.equal(bad.json().error.field, 'code')
      const clinician = await t.request(t.users.clinician, 'POST', '/api/v1/districts', {
        code: 'RU-SPE-VAS',
        name: 'Vasileostrovsky',
      })
      assert.equal(clinician.statusCode, 403)
      const listed = await t.request(undefined, 'GET', '/api/v1/districts?issuerId=ru-spb')
      assert.ok(!JSON.stringify(listed.json()).includes('RU-SPE-VAS'))
    })
  })
})
