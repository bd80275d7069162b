import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { checkAuditChain } from '../../src/domain/audit/audit-chain.js'
import { forEachDialect } from '../support/dialects.js'
import { TEST_PASSWORD, type TestApp, personBody, testApp } from './test-app.js'

/** Pulls the session cookie out of a sign-in answer. */
function sessionCookie(setCookie: string | string[] | undefined): string {
  const cookies = [setCookie ?? []].flat()
  const session = cookies.find((cookie) => cookie.startsWith('hc_session='))
  assert.ok(session, 'a session cookie is set')
  assert.match(session, /HttpOnly/)
  assert.match(session, /SameSite=Lax/)
  return session.split(';')[0] as string
}

forEachDialect((dialect) => {
  describe(`the service platform (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    describe('health, metrics and the API document', () => {
      it('answers /healthz and /readyz', async () => {
        assert.deepEqual((await t.request(undefined, 'GET', '/healthz')).json(), { status: 'ok' })
        const ready = await t.request(undefined, 'GET', '/readyz')
        assert.equal(ready.statusCode, 200)
        assert.equal(ready.json().storage, dialect.name)
      })

      it('serves Prometheus metrics that count requests', async () => {
        await t.request(undefined, 'GET', '/healthz')
        const metrics = await t.request(undefined, 'GET', '/metrics')
        assert.equal(metrics.statusCode, 200)
        assert.match(
          metrics.body,
          /healthcode_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
        )
        assert.match(metrics.body, /process_cpu_user_seconds_total/)
      })

      it('publishes an OpenAPI 3 document with a schema for each route body and answer', async () => {
        const document = (await t.request(undefined, 'GET', '/openapi.json')).json() as {
          openapi: string
          paths: Record<
            string,
            Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>
          >
        }
        assert.match(document.openapi, /^3\./)
        const createPerson = document.paths['/api/v1/people']?.['post']
        assert.ok(createPerson?.requestBody, 'POST /api/v1/people documents its body')
        assert.ok(createPerson?.responses?.['201'])
        for (const [path, methods] of Object.entries(document.paths)) {
          for (const [method, operation] of Object.entries(methods)) {
            assert.ok(
              operation.responses && Object.keys(operation.responses).length > 0,
              `${method} ${path} documents its answers`,
            )
          }
        }
      })
    })

    describe('bad input', () => {
      it('answers an unknown route with 404 ERR_ROUTE_NOT_FOUND', async () => {
        const answer = await t.request(undefined, 'GET', '/api/v1/nothing-here')
        assert.equal(answer.statusCode, 404)
        assert.equal(answer.json().error.code, 'ERR_ROUTE_NOT_FOUND')
      })

      it('answers a body that breaks the schema with 400 ERR_VALIDATION naming the field', async () => {
        const answer = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ residency: 'tourist' }),
        )
        assert.equal(answer.statusCode, 400)
        assert.equal(answer.json().error.code, 'ERR_VALIDATION')
        assert.equal(answer.json().error.field, 'residency')
      })

      it('answers a body that is not JSON with 400, never 500', async () => {
        const answer = await t.app.inject({
          method: 'POST',
          url: '/api/v1/people',
          headers: {
            authorization: `Bearer ${t.users.clinician.token}`,
            'content-type': 'application/json',
          },
          payload: '{"familyName": ',
        })
        assert.equal(answer.statusCode, 400)
        assert.equal(answer.json().error.code, 'ERR_VALIDATION')
      })

      it('answers an oversized body with 413 ERR_BODY_TOO_LARGE', async () => {
        const answer = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ familyName: 'x'.repeat(2 * 1024 * 1024) }),
        )
        assert.equal(answer.statusCode, 413)
        assert.equal(answer.json().error.code, 'ERR_BODY_TOO_LARGE')
      })

      it('answers an impossible birth date with 400 ERR_INVALID_FIELD naming the field', async () => {
        for (const birthDate of ['2026-02-30', '2099-01-01', '1985-13-01', 'yesterday']) {
          const answer = await t.request(
            t.users.clinician,
            'POST',
            '/api/v1/people',
            personBody({ birthDate }),
          )
          assert.equal(answer.statusCode, 400, birthDate)
          assert.equal(answer.json().error.field, 'birthDate')
        }
      })
    })

    describe('sign-in, sessions and CSRF', () => {
      it('signs in with a password, and refuses a wrong one with the same answer as an unknown login', async () => {
        const wrong = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'clinician@test',
          password: 'wrong password!',
        })
        const unknown = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'nobody@test',
          password: 'wrong password!',
        })
        assert.equal(wrong.statusCode, 401)
        assert.deepEqual(wrong.json(), unknown.json())
        const ok = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'Clinician@test',
          password: TEST_PASSWORD,
        })
        assert.equal(ok.statusCode, 200)
        assert.deepEqual(ok.json().account.roles, ['clinician'])
        assert.equal(typeof ok.json().csrfToken, 'string')
      })

      it('requires the session’s CSRF token on unsafe requests made with the cookie', async () => {
        const signIn = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'clinician@test',
          password: TEST_PASSWORD,
        })
        const cookie = sessionCookie(signIn.headers['set-cookie'])
        const csrf = signIn.json().csrfToken as string
        const read = await t.app.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: { cookie },
        })
        assert.equal(read.statusCode, 200)
        assert.equal(read.json().via, 'session')
        const body = personBody({
          document: { type: 'passport', number: 'CSRF0001', country: 'RU' },
        })
        const forged = await t.app.inject({
          method: 'POST',
          url: '/api/v1/people',
          headers: { cookie },
          payload: body,
        })
        assert.equal(forged.statusCode, 403)
        assert.equal(forged.json().error.code, 'ERR_CSRF')
        const genuine = await t.app.inject({
          method: 'POST',
          url: '/api/v1/people',
          headers: { cookie, 'x-csrf-token': csrf },
          payload: body,
        })
        assert.equal(genuine.statusCode, 201, genuine.body)
        const signOut = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-out',
          headers: { cookie, 'x-csrf-token': csrf },
        })
        assert.equal(signOut.statusCode, 204)
        const afterSignOut = await t.app.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: { cookie },
        })
        assert.equal(afterSignOut.statusCode, 401)
      })

      it('expires a session after its lifetime', async () => {
        const signIn = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'citizen@test',
          password: TEST_PASSWORD,
        })
        const cookie = sessionCookie(signIn.headers['set-cookie'])
        t.clock.advance(13 * 3600_000)
        try {
          const answer = await t.app.inject({
            method: 'GET',
            url: '/api/v1/auth/session',
            headers: { cookie },
          })
          assert.equal(answer.statusCode, 401)
        } finally {
          t.clock.advance(-13 * 3600_000)
        }
      })

      it('revokes an API token so that it no longer signs in', async () => {
        const created = await t.request(t.users.venue_operator, 'POST', '/api/v1/api-tokens', {
          name: 'door scanner 1',
        })
        assert.equal(created.statusCode, 201)
        const { token, secret } = created.json() as { token: { id: string }; secret: string }
        const device = { ...t.users.venue_operator, token: secret }
        assert.equal((await t.request(device, 'GET', '/api/v1/auth/session')).statusCode, 200)
        const listed = await t.request(t.users.venue_operator, 'GET', '/api/v1/api-tokens')
        assert.ok(
          listed
            .json()
            .tokens.some(
              (item: { id: string; lastUsedAt?: string }) =>
                item.id === token.id && item.lastUsedAt,
            ),
        )
        assert.equal(
          (
            await t.request(
              t.users.venue_operator,
              'DELETE',
              `/api/v1/api-tokens/${token.id}?reason=lost`,
            )
          ).statusCode,
          204,
        )
        const after = await t.request(device, 'GET', '/api/v1/auth/session')
        assert.equal(after.statusCode, 401)
        assert.equal(after.json().error.code, 'ERR_AUTH_REQUIRED')
      })

      it('does not let one account revoke another account’s token', async () => {
        const created = await t.request(t.users.company_admin, 'POST', '/api/v1/api-tokens', {
          name: 'kiosk',
        })
        const id = created.json().token.id as string
        const answer = await t.request(t.users.venue_operator, 'DELETE', `/api/v1/api-tokens/${id}`)
        assert.equal(answer.statusCode, 403)
      })
    })

    describe('people and identity', () => {
      it('registers a person without an account, with the ICAO transliteration the DCC needs', async () => {
        const answer = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'national-id', number: '4000 000001', country: 'RU' } }),
        )
        assert.equal(answer.statusCode, 201, answer.body)
        const person = answer.json()
        assert.equal(person.familyNameIcao, 'PETROV')
        assert.equal(person.givenNameIcao, 'IVAN')
        assert.equal(person.issuerId, 'ru-spb')
        assert.equal(person.hasAccount, false)
        assert.deepEqual(person.document, {
          type: 'national-id',
          number: '4000000001',
          country: 'RU',
        })
      })

      it('refuses a second person with the same identity document with 409', async () => {
        const body = personBody({
          document: { type: 'passport', number: 'DUP000001', country: 'RU' },
        })
        assert.equal(
          (await t.request(t.users.clinician, 'POST', '/api/v1/people', body)).statusCode,
          201,
        )
        const again = await t.request(t.users.clinician, 'POST', '/api/v1/people', body)
        assert.equal(again.statusCode, 409)
        assert.equal(again.json().error.code, 'ERR_CONFLICT')
      })

      it('keeps staff within their issuer: a Moscow clinician neither registers into nor reads St. Petersburg', async () => {
        const spb = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'passport', number: 'SCOPE0001', country: 'RU' } }),
        )
        const id = spb.json().id as string
        assert.equal(
          (await t.request(t.otherRegionClinician, 'GET', `/api/v1/people/${id}`)).statusCode,
          403,
        )
        const into = await t.request(
          t.otherRegionClinician,
          'POST',
          '/api/v1/people',
          personBody({
            issuerId: 'ru-spb',
            document: { type: 'passport', number: 'SCOPE0002', country: 'RU' },
          }),
        )
        assert.equal(into.statusCode, 403)
        assert.equal(
          (await t.request(t.federalAdmin, 'GET', `/api/v1/people/${id}`)).statusCode,
          200,
        )
      })

      it('needs the ICAO form for a name in a script without a table, and takes it when given', async () => {
        const without = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({
            familyName: 'حداد',
            givenName: 'ليلى',
            residency: 'foreigner',
            document: { type: 'passport', number: 'L00000001', country: 'LB' },
          }),
        )
        assert.equal(without.statusCode, 400)
        assert.equal(without.json().error.field, 'familyNameIcao')
        // A Chinese name needs no hand-typed form: its Hanyu Pinyin is proposed and used.
        const chinese = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({
            familyName: '欧阳',
            givenName: '娜娜',
            residency: 'foreigner',
            document: { type: 'passport', number: 'E00000002', country: 'CN' },
            language: 'zh',
          }),
        )
        assert.equal(chinese.statusCode, 201, chinese.body)
        assert.deepEqual(
          [chinese.json().familyNameIcao, chinese.json().givenNameIcao],
          ['OUYANG', 'NANA'],
        )
        const withIcao = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({
            familyName: '王',
            givenName: '芳',
            familyNameIcao: 'WANG',
            givenNameIcao: 'FANG',
            residency: 'foreigner',
            document: { type: 'passport', number: 'E00000001', country: 'CN' },
            language: 'zh',
          }),
        )
        assert.equal(withIcao.statusCode, 201, withIcao.body)
      })

      it('lets a citizen register, then claim the record staff made by proving the same document', async () => {
        const staffMade = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({
            familyName: 'Кузнецова',
            givenName: 'Мария',
            birthDate: '1990-05-06',
            document: { type: 'national-id', number: '4011 222333', country: 'RU' },
          }),
        )
        assert.equal(staffMade.statusCode, 201)
        const claimCode = staffMade.json().claimCode as string
        assert.match(claimCode, /^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/)
        const registered = await t.request(undefined, 'POST', '/api/v1/auth/register', {
          login: 'maria@example.org',
          password: 'a long enough password',
          displayName: 'Мария',
        })
        assert.equal(registered.statusCode, 201, registered.body)
        const cookie = sessionCookie(registered.headers['set-cookie'])
        const csrf = registered.json().csrfToken as string
        const headers = { cookie, 'x-csrf-token': csrf }
        const wrongBirth = await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/claim',
          headers,
          payload: {
            document: { type: 'national-id', number: '4011222333', country: 'RU' },
            birthDate: '1990-05-07',
            claimCode,
          },
        })
        assert.equal(wrongBirth.statusCode, 422)
        assert.equal(wrongBirth.json().error.code, 'ERR_CLAIM_MISMATCH')
        const claimed = await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/claim',
          headers,
          payload: {
            document: { type: 'national-id', number: '4011 222 333', country: 'ru' },
            birthDate: '1990-05-06',
            // Typed as people type a code from paper: small letters, no dash.
            claimCode: claimCode.replace('-', ' ').toLowerCase(),
          },
        })
        assert.equal(claimed.statusCode, 200, claimed.body)
        assert.equal(claimed.json().hasAccount, true)
        const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })
        assert.equal(me.json().person.familyName, 'Кузнецова')
        const own = await t.app.inject({
          method: 'GET',
          url: `/api/v1/people/${claimed.json().id}`,
          headers: { cookie },
        })
        assert.equal(own.statusCode, 200)
        const twice = await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/claim',
          headers,
          payload: {
            document: { type: 'national-id', number: '4011222333', country: 'RU' },
            birthDate: '1990-05-06',
            claimCode,
          },
        })
        assert.equal(twice.statusCode, 409)
      })

      it('lets an administrator create staff within their issuer and not another', async () => {
        const ok = await t.request(t.users.administrator, 'POST', '/api/v1/accounts', {
          login: 'new.clinician@spb',
          password: 'a long enough password',
          displayName: 'New',
          roles: ['clinician'],
        })
        assert.equal(ok.statusCode, 201, ok.body)
        assert.equal(ok.json().issuerId, 'ru-spb')
        const other = await t.request(t.users.administrator, 'POST', '/api/v1/accounts', {
          login: 'x@mow',
          password: 'a long enough password',
          displayName: 'X',
          roles: ['clinician'],
          issuerId: 'ru-mow',
        })
        assert.equal(other.statusCode, 403)
      })
    })

    describe('audit', () => {
      it('records each change with who, when, what and why, in an intact hash chain', async () => {
        const created = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'passport', number: 'AUDIT0001', country: 'RU' } }),
        )
        const id = created.json().id as string
        const patched = await t.request(t.users.clinician, 'PATCH', `/api/v1/people/${id}`, {
          phone: '+7 812 555 0101',
          reason: 'the person gave a new phone number',
        })
        assert.equal(patched.statusCode, 200, patched.body)
        const log = await t.request(t.users.administrator, 'GET', '/api/v1/audit?limit=1000')
        const entries = log.json().entries as {
          action: string
          entityId: string
          actorAccountId: string
          reason?: string
        }[]
        const update = entries.find(
          (entry) => entry.action === 'person.update' && entry.entityId === id,
        )
        assert.equal(update?.actorAccountId, t.users.clinician.account.id)
        assert.equal(update?.reason, 'the person gave a new phone number')
        // A region's administrator reads the region's entries only; the federal one reads them all.
        const whole = await t.request(t.federalAdmin, 'GET', '/api/v1/audit?limit=1000')
        assert.equal(checkAuditChain(whole.json().entries).intact, true)
        const verify = await t.request(t.users.administrator, 'GET', '/api/v1/audit/verify')
        assert.equal(verify.json().intact, true)
        assert.ok(verify.json().entries >= 2)
      })

      it('writes nothing, neither the record nor its audit entry, when a change fails', async () => {
        const before = (
          await t.request(t.users.administrator, 'GET', '/api/v1/audit/verify')
        ).json().entries as number
        const refused = await t.request(
          t.users.clinician,
          'PATCH',
          '/api/v1/people/no-such-person',
          { phone: '+7 812 555 0102', reason: 'typo' },
        )
        assert.equal(refused.statusCode, 404)
        const afterCount = (
          await t.request(t.users.administrator, 'GET', '/api/v1/audit/verify')
        ).json().entries as number
        assert.equal(afterCount, before)
      })
    })
  })
})
