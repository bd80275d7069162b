import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import {
  type OidcTestProvider,
  startOidcTestProvider,
} from '../../../../test/support/oidc-test-provider.js'
import { OidcLogin, type OidcSettings, type PendingOidcLogin } from './index.js'

const REDIRECT_URI = 'http://healthcode.test/api/v1/auth/oidc/callback'
const CLIENT = { clientId: 'healthcode', clientSecret: 'a client secret for tests' }
const ALICE = {
  sub: 'portal-user-1001',
  email: 'alice@example.org',
  name: 'Alice Ivanova',
  birthdate: '1991-04-12',
}
const BORIS = {
  sub: 'portal-user-1002',
  email: 'boris@example.org',
  email_verified: true,
  name: 'Boris Petrov',
  given_name: 'Boris',
  family_name: 'Petrov',
  birthdate: '1985-09-30',
  locale: 'bg-BG',
}
const STARTED_AT = new Date('2026-11-23T09:00:00.000Z')

function minutesAfter(start: Date, minutes: number): Date {
  return new Date(start.getTime() + minutes * 60_000)
}

function settingsFor(provider: OidcTestProvider): OidcSettings {
  return { ...CLIENT, issuerUrl: provider.issuerUrl, redirectUri: REDIRECT_URI, allowHttp: true }
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('OidcLogin against a real OpenID provider', () => {
  let provider: OidcTestProvider
  let login: OidcLogin

  /** Starts a login at the pinned time and signs in at the provider as `account`. */
  async function signIn(
    account: string,
    options?: { deny?: boolean },
  ): Promise<{ callbackUrl: URL; pending: PendingOidcLogin }> {
    const { url, pending } = login.start(STARTED_AT)
    return { callbackUrl: await provider.login(url, account, options), pending }
  }

  before(async () => {
    provider = await startOidcTestProvider({
      clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }],
      accounts: { alice: ALICE },
    })
    login = await OidcLogin.discover(settingsFor(provider))
  })
  after(() => provider.close())

  it('returns the identity the provider vouches for, reading UserInfo for the profile claims', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    assert.equal(callbackUrl.origin + callbackUrl.pathname, REDIRECT_URI)

    const identity = await login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1))

    assert.deepEqual(identity, {
      issuer: provider.issuerUrl,
      subject: 'portal-user-1001',
      email: 'alice@example.org',
      name: 'Alice Ivanova',
      birthDate: '1991-04-12',
    })
  })

  it('sends the authorization code flow with PKCE S256, a state and a nonce', () => {
    const { url, pending } = login.start(STARTED_AT)
    const request = new URL(url)

    assert.equal(request.origin, provider.issuerUrl)
    assert.equal(request.searchParams.get('response_type'), 'code')
    assert.equal(request.searchParams.get('client_id'), 'healthcode')
    assert.equal(request.searchParams.get('redirect_uri'), REDIRECT_URI)
    assert.equal(request.searchParams.get('scope'), 'openid profile email')
    assert.equal(request.searchParams.get('state'), pending.state)
    assert.equal(request.searchParams.get('nonce'), pending.nonce)
    assert.equal(request.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(
      request.searchParams.get('code_challenge'),
      createHash('sha256').update(pending.codeVerifier).digest('base64url'),
    )
    assert.equal(pending.createdAt, '2026-11-23T09:00:00.000Z')
  })

  it('starts every login with its own state, nonce and code verifier', () => {
    const first = login.start(STARTED_AT).pending
    const second = login.start(STARTED_AT).pending
    assert.notEqual(first.state, second.state)
    assert.notEqual(first.nonce, second.nonce)
    assert.notEqual(first.codeVerifier, second.codeVerifier)
  })

  it('keeps the pending login intact through JSON, as a cookie carries it', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    const fromCookie = JSON.parse(JSON.stringify(pending)) as PendingOidcLogin

    const identity = await login.finish(callbackUrl, fromCookie, minutesAfter(STARTED_AT, 1))

    assert.equal(identity.subject, 'portal-user-1001')
  })

  it('rejects a callback whose state was changed with ERR_OIDC_STATE', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    callbackUrl.searchParams.set('state', 'a-state-this-login-never-sent')

    await assert.rejects(login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      name: 'OidcError',
      code: 'ERR_OIDC_STATE',
    })
  })

  it('rejects a callback without a state with ERR_OIDC_STATE', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    callbackUrl.searchParams.delete('state')

    await assert.rejects(login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      code: 'ERR_OIDC_STATE',
      message: /expected a state parameter/,
    })
  })

  it('rejects a pending login that lacks its fields with ERR_OIDC_STATE', async () => {
    const { callbackUrl } = await signIn('alice')
    const broken = { state: 'x' } as unknown as PendingOidcLogin

    await assert.rejects(login.finish(callbackUrl, broken, minutesAfter(STARTED_AT, 1)), {
      code: 'ERR_OIDC_STATE',
    })
  })

  it('accepts a login finished exactly ten minutes after it started', async () => {
    const { callbackUrl, pending } = await signIn('alice')

    const identity = await login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 10))

    assert.equal(identity.subject, 'portal-user-1001')
  })

  it('rejects a login older than ten minutes with ERR_OIDC_EXPIRED, even with a valid code', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    const tooLate = new Date(minutesAfter(STARTED_AT, 10).getTime() + 1)

    await assert.rejects(login.finish(callbackUrl, pending, tooLate), {
      name: 'OidcError',
      code: 'ERR_OIDC_EXPIRED',
    })
  })

  it('reports a login the person cancelled at the provider as ERR_OIDC_DENIED with its description', async () => {
    const { callbackUrl, pending } = await signIn('alice', { deny: true })
    assert.equal(callbackUrl.searchParams.get('error'), 'access_denied')

    await assert.rejects(login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      name: 'OidcError',
      code: 'ERR_OIDC_DENIED',
      message: /access_denied \(End-User aborted interaction\)/,
    })
  })

  it('rejects a code used a second time with ERR_OIDC_TOKEN', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    await login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1))

    await assert.rejects(login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      name: 'OidcError',
      code: 'ERR_OIDC_TOKEN',
      message: /invalid_grant/,
    })
  })

  it('rejects a callback that names another issuer with ERR_OIDC_TOKEN (RFC 9207 mix-up defence)', async () => {
    const { callbackUrl, pending } = await signIn('alice')
    callbackUrl.searchParams.set('iss', 'https://another-provider.example')

    await assert.rejects(login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      code: 'ERR_OIDC_TOKEN',
    })
  })

  it('rejects a code exchanged with the wrong client secret with ERR_OIDC_TOKEN', async () => {
    const impostor = await OidcLogin.discover({
      ...settingsFor(provider),
      clientSecret: 'not the secret',
    })
    const { url, pending } = impostor.start(STARTED_AT)
    const callbackUrl = await provider.login(url, 'alice')

    await assert.rejects(impostor.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1)), {
      code: 'ERR_OIDC_TOKEN',
      message: /invalid_client/,
    })
  })
})

describe('OidcLogin with a provider that puts the claims in the ID token', () => {
  let provider: OidcTestProvider

  before(async () => {
    provider = await startOidcTestProvider({
      clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }],
      accounts: { boris: BORIS },
      claimsInIdToken: true,
    })
  })
  after(() => provider.close())

  it('maps every standard claim it knows to the identity', async () => {
    const login = await OidcLogin.discover(settingsFor(provider))
    const { url, pending } = login.start(STARTED_AT)
    const callbackUrl = await provider.login(url, 'boris')

    const identity = await login.finish(callbackUrl, pending, minutesAfter(STARTED_AT, 1))

    assert.deepEqual(identity, {
      issuer: provider.issuerUrl,
      subject: 'portal-user-1002',
      email: 'boris@example.org',
      emailVerified: true,
      name: 'Boris Petrov',
      givenName: 'Boris',
      familyName: 'Petrov',
      birthDate: '1985-09-30',
      locale: 'bg-BG',
    })
  })
})

describe('OidcLogin.discover', () => {
  it('reports an issuer nobody answers at as ERR_OIDC_DISCOVERY', async () => {
    const port = await closedPort()

    await assert.rejects(
      OidcLogin.discover({
        ...CLIENT,
        issuerUrl: `http://127.0.0.1:${port}`,
        redirectUri: REDIRECT_URI,
        allowHttp: true,
      }),
      { name: 'OidcError', code: 'ERR_OIDC_DISCOVERY', message: /ECONNREFUSED/ },
    )
  })

  it('refuses an http: issuer unless allowHttp is set, with ERR_OIDC_DISCOVERY', async () => {
    await assert.rejects(
      OidcLogin.discover({
        ...CLIENT,
        issuerUrl: 'http://login.example.org',
        redirectUri: REDIRECT_URI,
      }),
      { code: 'ERR_OIDC_DISCOVERY', message: /expected an https: issuer URL/ },
    )
  })

  it('refuses an issuer that is not a URL with ERR_OIDC_DISCOVERY', async () => {
    await assert.rejects(
      OidcLogin.discover({ ...CLIENT, issuerUrl: 'login.example.org', redirectUri: REDIRECT_URI }),
      { code: 'ERR_OIDC_DISCOVERY', message: /expected issuerUrl to be an absolute URL/ },
    )
  })
})
