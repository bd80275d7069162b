import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { roles } from '../../src/domain/access/roles.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, testApp } from './test-app.js'

/**
 * Walks every route with every role (and with no one signed in) and checks the answer against the
 * route's declared access: 401 without an account where one is needed, 403 for a role the route
 * does not admit, and neither for a role it admits. A route added without an access decision makes
 * `build` throw, so it cannot slip past this test.
 */
forEachDialect((dialect) => {
  describe(`every route × every role (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    it('lists every route of the OpenAPI document in the access catalogue', async () => {
      const openapi = (await t.request(undefined, 'GET', '/openapi.json')).json() as {
        paths: Record<string, Record<string, unknown>>
      }
      const catalogue = new Set(t.app.routeCatalogue.map((route) => `${route.method} ${route.url}`))
      for (const [path, methods] of Object.entries(openapi.paths)) {
        for (const method of Object.keys(methods)) {
          const url = path.replace(/\{(\w+)\}/g, ':$1')
          assert.ok(
            catalogue.has(`${method.toUpperCase()} ${url}`),
            `${method} ${path} is not in the catalogue`,
          )
        }
      }
      assert.ok(t.app.routeCatalogue.length >= 20)
    })

    it('answers each route as its access rule says, for each role', async () => {
      const checked: string[] = []
      for (const route of t.app.routeCatalogue) {
        const url = route.url.replace(/:(\w+)/g, 'no-such-$1')
        const body = ['POST', 'PATCH', 'PUT'].includes(route.method) ? {} : undefined
        const anonymous = await t.request(undefined, route.method, url, body)
        const name = `${route.method} ${route.url}`
        if (route.access === 'public') {
          assert.ok(
            ![401, 403].includes(anonymous.statusCode),
            `${name} is public but answered ${anonymous.statusCode}`,
          )
        } else {
          assert.equal(anonymous.statusCode, 401, `${name} without an account`)
          assert.equal(anonymous.json().error.code, 'ERR_AUTH_REQUIRED')
        }
        for (const role of roles) {
          const answer = await t.request(t.users[role], route.method, url, body)
          const admitted =
            route.access === 'public' || route.access === 'signedIn' || route.access.includes(role)
          if (admitted) {
            assert.ok(
              ![401, 403].includes(answer.statusCode),
              `${name} admits ${role} but answered ${answer.statusCode} ${answer.body}`,
            )
          } else {
            assert.equal(answer.statusCode, 403, `${name} does not admit ${role}`)
            assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
          }
        }
        checked.push(name)
      }
      assert.equal(checked.length, t.app.routeCatalogue.length)
    })
  })
})
