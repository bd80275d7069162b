import { type JsonWebKey, generateKeyPair, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A client registered at the test provider (a relying party such as Healthcode). */
export interface OidcTestClient {
  clientId: string
  clientSecret: string
  redirectUris: string[]
}

/** A person the test provider knows, with the standard claims it releases for them. */
export interface OidcTestAccount {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  given_name?: string
  family_name?: string
  birthdate?: string
  locale?: string
}

/** What the test provider is started with. */
export interface OidcTestProviderOptions {
  clients: OidcTestClient[]
  /** The accounts by a name for tests (`alice`), which {@link OidcTestProvider.login} takes. */
  accounts: Record<string, OidcTestAccount>
  /**
   * Puts the scope's claims (`email`, `name`...) in the ID token as well. By default the provider
   * conforms to OpenID Connect Core 1.0 section 5.4 and releases them from UserInfo only.
   */
  claimsInIdToken?: boolean
}

/** How {@link OidcTestProvider.login} behaves on the provider's pages. */
export interface OidcTestLoginOptions {
  /** Cancels on the login page, so the provider answers `error=access_denied`. */
  deny?: boolean
}

/** A running OpenID provider for tests. */
export interface OidcTestProvider {
  /** `http://127.0.0.1:<port>`: pass `allowHttp` to the relying party. */
  issuerUrl: string
  /** Stops the server and drops its open connections. */
  close(): Promise<void>
  /**
   * Goes through the provider's login and consent pages like a browser, from an authorization
   * URL to the redirect back to the client, and returns that callback URL (`code`, `state`,
   * `iss`, or `error` when denied). `accountId` is a key of `accounts`.
   */
  login(authorizationUrl: string, accountId: string, options?: OidcTestLoginOptions): Promise<URL>
}

/**
 * Starts a real oidc-provider on 127.0.0.1 on a free port, with its development login and
 * consent pages, PKCE required, and short lifetimes.
 *
 * @example
 * ```ts
 * const provider = await startOidcTestProvider({
 *   clients: [{ clientId: 'healthcode', clientSecret: 's3cret', redirectUris: [REDIRECT_URI] }],
 *   accounts: { alice: { sub: 'portal-user-1001', email: 'alice@example.org' } },
 * })
 * const callbackUrl = await provider.login(authorizationUrl, 'alice')
 * await provider.close()
 * ```
 */
export async function startOidcTestProvider(
  options: OidcTestProviderOptions,
): Promise<OidcTestProvider> {
  const accountsBySub = new Map<string, OidcTestAccount>()
  for (const [login, account] of Object.entries(options.accounts)) {
    if (accountsBySub.has(account.sub)) {
      throw new Error(
        `expected every test account to have its own sub, found ${account.sub} twice (${login})`,
      )
    }
    accountsBySub.set(account.sub, account)
  }
  const Provider = await loadProvider()
  const signingKey = await testSigningKey()

  // The issuer URL holds the port, so the server listens before the provider exists and gets
  // its request handler once the provider is built; nobody knows the port until then.
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = await quietly(() => {
    try {
      return new Provider(issuerUrl, {
        clients: options.clients.map((client) => ({
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: client.redirectUris,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        })),
        // oidc-provider's account id is the `sub` it issues, so accounts are found by `sub`.
        async findAccount(_context, sub) {
          const account = accountsBySub.get(sub)
          return account ? { accountId: sub, claims: async () => ({ ...account }) } : undefined
        },
        claims: {
          acr: null,
          auth_time: null,
          iss: null,
          sid: null,
          openid: ['sub'],
          email: ['email', 'email_verified'],
          profile: ['name', 'given_name', 'family_name', 'birthdate', 'locale'],
        },
        conformIdTokenClaims: !options.claimsInIdToken,
        pkce: { required: () => true },
        features: { devInteractions: { enabled: true } },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        jwks: { keys: [signingKey] },
        ttl: {
          AccessToken: 300,
          AuthorizationCode: 60,
          Grant: 600,
          IdToken: 300,
          Interaction: 600,
          Session: 600,
        },
        async renderError(context, out) {
          context.type = 'json'
          context.body = out
        },
      })
    } catch (error) {
      // A configuration oidc-provider refuses must not leave the port open behind the test.
      server.close()
      throw error
    }
  })
  // Koa would print every server error to stderr; tests see them as HTTP answers instead.
  provider.silent = true
  server.on('request', provider.callback())

  const redirectUris = options.clients.flatMap((client) => client.redirectUris.map(withoutQuery))
  let closed: Promise<void> | undefined

  return {
    issuerUrl,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // The relying party's fetch keeps connections alive; close() alone would wait for them.
        server.closeAllConnections()
      })
      return closed
    },
    async login(authorizationUrl, accountId, loginOptions = {}) {
      const account = Object.hasOwn(options.accounts, accountId)
        ? options.accounts[accountId]
        : undefined
      if (!account) {
        throw new Error(
          `expected one of the test accounts ${Object.keys(options.accounts).join(', ')}, ` +
            `found ${JSON.stringify(accountId)}`,
        )
      }
      return driveLogin(
        new URL(authorizationUrl),
        new URL(issuerUrl).origin,
        (url) => redirectUris.includes(withoutQuery(url.href)),
        account.sub,
        loginOptions.deny === true,
      )
    },
  }
}

const MAX_STEPS = 20

interface BrowserRequest {
  url: URL
  method: 'GET' | 'POST'
  body?: URLSearchParams
}

/**
 * Follows redirects and fills in the devInteractions pages: the login form (`prompt=login`)
 * gets `login=<sub>` (the account id oidc-provider will look up), the consent form (`prompt=consent`) is submitted as it is, or,
 * when denying, the page's abort link is followed.
 */
async function driveLogin(
  start: URL,
  providerOrigin: string,
  isRedirectUri: (url: URL) => boolean,
  sub: string,
  deny: boolean,
): Promise<URL> {
  const jar = new CookieJar()
  let request: BrowserRequest = { url: start, method: 'GET' }
  const visited: string[] = []
  for (let step = 0; step < MAX_STEPS; step += 1) {
    if (request.url.origin !== providerOrigin) {
      throw new Error(
        `expected the login to stay at ${providerOrigin} until it redirects to the client, ` +
          `found ${request.url.href} after ${visited.join(' -> ')}`,
      )
    }
    visited.push(`${request.method} ${request.url.pathname}`)
    const cookie = jar.header(request.url)
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(cookie ? { cookie } : {}),
        ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(request.body ? { body: request.body.toString() } : {}),
    })
    jar.store(request.url, response.headers.getSetCookie())
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel()
      const next = new URL(location, request.url)
      if (isRedirectUri(next)) return next
      request = { url: next, method: 'GET' }
      continue
    }
    const page = await response.text()
    if (response.status !== 200) {
      throw new Error(
        `expected the provider's page at ${request.url.pathname} to load, ` +
          `found HTTP ${response.status}: ${page.slice(0, 300)}`,
      )
    }
    request = deny ? abortRequest(page, request.url) : submitRequest(page, request.url, sub)
  }
  throw new Error(
    `expected a redirect to the client within ${MAX_STEPS} steps, found ${visited.join(' -> ')}`,
  )
}

function submitRequest(page: string, pageUrl: URL, sub: string): BrowserRequest {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page)
  if (!form) throw new Error(`expected a form on ${pageUrl.pathname}, found none`)
  const action = attribute(form[1] ?? '', 'action')
  const fields = new URLSearchParams()
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = input[1] ?? ''
    const name = attribute(attributes, 'name')
    if (name !== undefined && attribute(attributes, 'type') === 'hidden') {
      fields.append(name, attribute(attributes, 'value') ?? '')
    }
  }
  switch (fields.get('prompt')) {
    case 'login':
      // devInteractions accept any password; findAccount decides whether the login exists.
      fields.set('login', sub)
      fields.set('password', 'any password')
      break
    case 'consent':
      break
    default:
      throw new Error(
        `expected a login or consent form on ${pageUrl.pathname}, found prompt ${fields.get('prompt')}`,
      )
  }
  return { url: new URL(action ?? '', pageUrl), method: 'POST', body: fields }
}

function abortRequest(page: string, pageUrl: URL): BrowserRequest {
  for (const link of page.matchAll(/<a\b([^>]*)>/gi)) {
    const href = attribute(link[1] ?? '', 'href')
    if (href !== undefined && new URL(href, pageUrl).pathname.endsWith('/abort')) {
      return { url: new URL(href, pageUrl), method: 'GET' }
    }
  }
  throw new Error(`expected a cancel link on ${pageUrl.pathname}, found none`)
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(attributes)
  return match?.[1] === undefined ? undefined : decodeEntities(match[1])
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|#x2F);/g, (_entity, name: string) => {
    const characters: Record<string, string> = {
      amp: '&',
      lt: '<',
      gt: '>',
      quot: '"',
      '#39': "'",
      '#x27': "'",
      '#x2F': '/',
    }
    return characters[name] ?? ''
  })
}

function withoutQuery(url: string): string {
  const parsed = new URL(url)
  return parsed.origin + parsed.pathname
}

interface StoredCookie {
  name: string
  value: string
  path: string
}

/** Just enough of RFC 6265 for one host: names, values, paths and deletion. */
class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>()

  store(requestUrl: URL, setCookieHeaders: string[]): void {
    for (const header of setCookieHeaders) {
      const [pair = '', ...attributes] = header.split(';')
      const separator = pair.indexOf('=')
      if (separator <= 0) continue
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      let path = defaultPath(requestUrl)
      let expired = false
      for (const attributeText of attributes) {
        const [key = '', attributeValue = ''] = attributeText
          .split('=', 2)
          .map((part) => part.trim())
        switch (key.toLowerCase()) {
          case 'path':
            if (attributeValue.startsWith('/')) path = attributeValue
            break
          case 'max-age':
            if (Number(attributeValue) <= 0) expired = true
            break
          case 'expires':
            if (Date.parse(attributeValue) <= Date.now()) expired = true
            break
        }
      }
      const key = `${name};${path}`
      if (expired) this.#cookies.delete(key)
      else this.#cookies.set(key, { name, value, path })
    }
  }

  header(url: URL): string | undefined {
    const pairs = [...this.#cookies.values()]
      .filter((cookie) => pathMatches(url.pathname, cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
    return pairs.length > 0 ? pairs.join('; ') : undefined
  }
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/')
  return slash <= 0 ? '/' : url.pathname.slice(0, slash)
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  )
}

// oidc-provider ships no type declarations (they live in @types/oidc-provider, not installed):
// these describe the part of its API used here.

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void

interface ProviderContext {
  type: string
  body: unknown
}

interface ProviderAccount {
  accountId: string
  claims(): Promise<Record<string, unknown>>
}

interface ProviderConfiguration {
  clients: Record<string, unknown>[]
  findAccount(context: unknown, accountId: string): Promise<ProviderAccount | undefined>
  claims: Record<string, string[] | null>
  conformIdTokenClaims: boolean
  pkce: { required(): boolean }
  features: { devInteractions: { enabled: boolean } }
  cookies: { keys: string[] }
  jwks: { keys: JsonWebKey[] }
  ttl: Record<string, number>
  renderError(context: ProviderContext, out: Record<string, string>): Promise<void>
}

interface ProviderInstance {
  silent: boolean
  callback(): RequestListener
}

type ProviderClass = new (issuer: string, configuration: ProviderConfiguration) => ProviderInstance

let providerClass: Promise<ProviderClass> | undefined

function loadProvider(): Promise<ProviderClass> {
  // A specifier typed `string` keeps TypeScript from looking for the missing declarations.
  const specifier: string = 'oidc-provider'
  providerClass ??= quietly(async () => {
    const module = (await import(specifier)) as { default: ProviderClass }
    return module.default
  })
  return providerClass
}

let signingKey: Promise<JsonWebKey> | undefined

/** One RS256 key per test process: the provider's built-in development keys are public. */
function testSigningKey(): Promise<JsonWebKey> {
  signingKey ??= new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) return reject(error)
      resolve({
        ...privateKey.export({ format: 'jwk' }),
        alg: 'RS256',
        use: 'sig',
        kid: 'test-rs256',
      })
    })
  })
  return signingKey
}

const PROVIDER_NOTICE = /oidc-provider (WARNING|NOTICE):/
let quietDepth = 0
let loudConsole: { warn: typeof console.warn; info: typeof console.info } | undefined

/**
 * Runs `work` while dropping oidc-provider's console notices: on Node 20 it warns that the runtime
 * is unsupported, and it always warns that devInteractions are for development. Other output
 * passes through.
 */
async function quietly<T>(work: () => T | Promise<T>): Promise<T> {
  if (quietDepth === 0) {
    const original = { warn: console.warn, info: console.info }
    loudConsole = original
    const filtered =
      (print: (...data: unknown[]) => void) =>
      (...data: unknown[]) => {
        if (!PROVIDER_NOTICE.test(String(data[0]))) print.apply(console, data)
      }
    console.warn = filtered(original.warn)
    console.info = filtered(original.info)
  }
  quietDepth += 1
  try {
    return await work()
  } finally {
    quietDepth -= 1
    if (quietDepth === 0 && loudConsole) {
      console.warn = loudConsole.warn
      console.info = loudConsole.info
      loudConsole = undefined
    }
  }
}
