import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, testApp } from './test-app.js'

forEachDialect((dialect) => {
  describe(`POST /api/v1/issuers (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url(), { keys: false })
    })
    after(() => t.close())

    const issuerIds = async () =>
      (await t.store.transaction((tx) => tx.issuers.list())).map((issuer) => issuer.id)

    it('lets the federal administrator create a region under the root, audited', async () => {
      const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', {
        id: 'ru-kgd',
        name: 'Kaliningrad Oblast',
        parentId: 'ru',
      })
      assert.equal(answer.statusCode, 201, answer.body)
      assert.deepEqual(answer.json(), {
        id: 'ru-kgd',
        name: 'Kaliningrad Oblast',
        level: 'region',
        country: 'RU',
        parentId: 'ru',
      })
      const listed = (await t.request(undefined, 'GET', '/api/v1/issuers')).json() as {
        issuers: { id: string }[]
      }
      assert.ok(listed.issuers.some((issuer) => issuer.id === 'ru-kgd'))
      const entries = await t.store.transaction((tx) => tx.audit.list({ limit: 10_000 }))
      const created = entries.find(
        (entry) => entry.action === 'issuer.create' && entry.entityId === 'ru-kgd',
      )
      assert.equal(created?.actorAccountId, t.federalAdmin.account.id)
      assert.equal(created?.entityType, 'issuer')
    })

    it('lets the federal administrator create an issuer deeper in the tree, with its own country', async () => {
      const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', {
        id: 'ru-spb-vyborg',
        name: 'Vyborg district',
        parentId: 'ru-spb',
        country: 'FI',
      })
      assert.equal(answer.statusCode, 201, answer.body)
      assert.equal(answer.json().parentId, 'ru-spb')
      assert.equal(answer.json().country, 'FI')
    })

    it('returns 403 for a regional administrator, even under their own region', async () => {
      for (const parentId of ['ru', 'ru-spb']) {
        const answer = await t.request(t.users.administrator, 'POST', '/api/v1/issuers', {
          id: 'ru-spb-kolpino',
          name: 'Kolpino',
          parentId,
        })
        assert.equal(answer.statusCode, 403, answer.body)
        assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
      }
      assert.ok(!(await issuerIds()).includes('ru-spb-kolpino'))
    })

    it('returns 403 for a citizen and for the health authority', async () => {
      for (const user of [t.users.citizen, t.users.health_authority]) {
        const answer = await t.request(user, 'POST', '/api/v1/issuers', {
          id: 'ru-tver',
          name: 'Tver Oblast',
          parentId: 'ru',
        })
        assert.equal(answer.statusCode, 403, answer.body)
        assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
      }
      assert.ok(!(await issuerIds()).includes('ru-tver'))
    })

    it('returns 401 without an account', async () => {
      const answer = await t.request(undefined, 'POST', '/api/v1/issuers', {
        id: 'ru-tver',
        name: 'Tver Oblast',
        parentId: 'ru',
      })
      assert.equal(answer.statusCode, 401)
      assert.equal(answer.json().error.code, 'ERR_AUTH_REQUIRED')
    })

    it('returns 409 for an id that exists, and leaves the stored issuer as it was', async () => {
      const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', {
        id: 'ru-mow',
        name: 'Not Moscow',
        parentId: 'ru',
      })
      assert.equal(answer.statusCode, 409, answer.body)
      assert.equal(answer.json().error.code, 'ERR_CONFLICT')
      assert.equal(answer.json().error.field, 'id')
      const moscow = await t.store.transaction((tx) => tx.issuers.find('ru-mow'))
      assert.equal(moscow?.name, 'Moscow')
    })

    it('returns 404 naming parentId for an unknown parent', async () => {
      const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', {
        id: 'ru-nowhere',
        name: 'Nowhere',
        parentId: 'ru-atlantis',
      })
      assert.equal(answer.statusCode, 404, answer.body)
      assert.equal(answer.json().error.code, 'ERR_NOT_FOUND')
      assert.equal(answer.json().error.field, 'parentId')
      assert.ok(!(await issuerIds()).includes('ru-nowhere'))
    })

    it("returns 403 for a parent in another root's tree", async () => {
      await t.store.transaction((tx) =>
        tx.issuers.create({
          id: 'kz',
          name: 'Kazakhstan',
          level: 'federal',
          country: 'KZ',
          parentId: undefined,
        }),
      )
      const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', {
        id: 'kz-ala',
        name: 'Almaty',
        parentId: 'kz',
      })
      assert.equal(answer.statusCode, 403, answer.body)
      assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
    })

    it('returns 400 naming the field for a malformed id, name or country', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ id: 'RU-SPB2', name: 'Upper case', parentId: 'ru' }, 'id'],
        [{ id: 'ru_tver', name: 'Underscore', parentId: 'ru' }, 'id'],
        [{ id: 'ru--tver', name: 'Double hyphen', parentId: 'ru' }, 'id'],
        [{ id: 'ru-tver', name: 'Tver\u0000', parentId: 'ru' }, 'name'],
        [{ id: 'ru-tver', name: 'Tver', parentId: 'ru', country: 'ru' }, 'country'],
        [{ id: 'ru-tver', name: 'Tver', parentId: 'ru', country: 'XX' }, 'country'],
        [{ id: 'ru-tver', name: 'Tver' }, 'parentId'],
      ]
      for (const [body, field] of cases) {
        const answer = await t.request(t.federalAdmin, 'POST', '/api/v1/issuers', body)
        assert.equal(answer.statusCode, 400, `${JSON.stringify(body)}: ${answer.body}`)
        assert.match(answer.json().error.code, /^ERR_(VALIDATION|INVALID_FIELD)$/)
        assert.equal(answer.json().error.field, field, JSON.stringify(body))
      }
      assert.ok(!(await issuerIds()).includes('ru-tver'))
    })
  })
})
