import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { OidcLogin } from '../../src/api/auth/oidc/index.js'
import { startOidcTestProvider } from '../support/oidc-test-provider.js'
import { type TestApp, testApp } from './test-app.js'

const PUBLIC_URL = 'http://healthcode.test'
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/auth/oidc/callback`

describe('signing in through the identity provider (OpenID Connect)', () => {
  let provider: Awaited<ReturnType<typeof startOidcTestProvider>>
  let t: TestApp

  before(async () => {
    provider = await startOidcTestProvider({
      clients: [
        {
          clientId: 'healthcode',
          clientSecret: 'a client secret for tests',
          redirectUris: [REDIRECT_URI],
        },
      ],
      accounts: {
        alice: {
          sub: 'portal-user-1001',
          email: 'alice@example.org',
          name: 'Alice Ivanova',
          birthdate: '1991-04-12',
        },
      },
    })
    t = await testApp(join(mkdtempSync(join(tmpdir(), 'healthcode-oidc-')), 'store.sqlite'), {
      env: { PUBLIC_URL },
      oidc: () =>
        OidcLogin.discover({
          issuerUrl: provider.issuerUrl,
          clientId: 'healthcode',
          clientSecret: 'a client secret for tests',
          redirectUri: REDIRECT_URI,
          allowHttp: true,
        }),
    })
  })
  after(async () => {
    await t.close()
    await provider.close()
  })

  /** Runs the real flow: our start route, the provider's login pages, our callback route. */
  async function signIn(
    account: string,
  ): Promise<{ cookie: string; location: string | undefined }> {
    const start = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' })
    assert.equal(start.statusCode, 302)
    const pendingCookie = [start.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('hc_oidc='))
    assert.ok(pendingCookie)
    const callback = await provider.login(String(start.headers.location), account)
    assert.equal(callback.origin + callback.pathname, REDIRECT_URI)
    const finish = await t.app.inject({
      method: 'GET',
      url: callback.pathname + callback.search,
      headers: { cookie: pendingCookie.split(';')[0] as string },
    })
    assert.equal(finish.statusCode, 302, finish.body)
    const session = [finish.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('hc_session='))
    assert.ok(session, 'a session starts')
    return {
      cookie: session.split(';')[0] as string,
      location: finish.headers.location as string | undefined,
    }
  }

  it('creates a citizen account on first sign-in and starts a session', async () => {
    const { cookie, location } = await signIn('alice')
    assert.equal(location, '/')
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie },
    })
    assert.equal(session.statusCode, 200)
    assert.deepEqual(session.json().roles, ['citizen'])
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })
    assert.equal(me.json().account.displayName, 'Alice Ivanova')
    assert.deepEqual(me.json().account.signsInWith, ['oidc'])
  })

  it('finds the same account on the next sign-in', async () => {
    const first = await signIn('alice')
    const second = await signIn('alice')
    const idOf = async (cookie: string) =>
      (
        await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })
      ).json().accountId as string
    assert.equal(await idOf(first.cookie), await idOf(second.cookie))
  })

  it('refuses a callback without the login cookie with 400 ERR_OIDC_LOGIN', async () => {
    const answer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oidc/callback?code=x&state=y',
    })
    assert.equal(answer.statusCode, 400)
    assert.equal(answer.json().error.code, 'ERR_OIDC_LOGIN')
  })

  it('answers a callback whose state differs from the one sent with its own code, ERR_OIDC_STATE', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' })
    const pendingCookie = [start.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('hc_oidc='))
    assert.ok(pendingCookie)
    const answer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oidc/callback?code=x&state=not-the-one-sent',
      headers: { cookie: pendingCookie.split(';')[0] as string },
    })
    assert.equal(answer.statusCode, 400)
    assert.equal(answer.json().error.code, 'ERR_OIDC_STATE')
    assert.doesNotMatch(answer.json().error.message, /^ERR_/)
  })

  it('answers a login the person cancelled at the provider with 403 ERR_OIDC_DENIED', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' })
    const pendingCookie = [start.headers['set-cookie'] ?? []]
      .flat()
      .find((c) => c.startsWith('hc_oidc='))
    assert.ok(pendingCookie)
    const state = new URL(String(start.headers.location)).searchParams.get('state')
    const answer = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback?error=access_denied&state=${state}`,
      headers: { cookie: pendingCookie.split(';')[0] as string },
    })
    assert.equal(answer.statusCode, 403)
    assert.equal(answer.json().error.code, 'ERR_OIDC_DENIED')
  })

  it('answers 501 ERR_OIDC_NOT_CONFIGURED where no provider is configured', async () => {
    const plain = await testApp(
      join(mkdtempSync(join(tmpdir(), 'healthcode-oidc-')), 'store.sqlite'),
    )
    try {
      const answer = await plain.request(undefined, 'GET', '/api/v1/auth/oidc/start')
      assert.equal(answer.statusCode, 501)
      assert.equal(answer.json().error.code, 'ERR_OIDC_NOT_CONFIGURED')
    } finally {
      await plain.close()
    }
  })
})
