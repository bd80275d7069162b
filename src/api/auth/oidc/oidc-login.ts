import { createHash, timingSafeEqual } from 'node:crypto'
import type * as OpenIdClient from 'openid-client'
import { importOnFirstUse } from '../../../codec/load-on-first-use.js'
import { OidcError } from './oidc-error.js'

/** How to reach the OpenID provider and who Healthcode is to it. */
export interface OidcSettings {
  /** The provider's issuer identifier; its metadata is read from `.well-known/openid-configuration` below it. */
  issuerUrl: string
  clientId: string
  clientSecret: string
  /** Where the provider sends the person back: exactly as registered at the provider. */
  redirectUri: string
  /** Space-separated scopes; default `openid profile email`. `openid` is added when missing. */
  scopes?: string
  /** Allows an `http:` issuer. Only for a provider on this machine, in tests. */
  allowHttp?: boolean
}

/**
 * What the caller keeps between {@link OidcLogin.start} and {@link OidcLogin.finish}, for example
 * in a signed, httpOnly cookie. Every field is a string so that it survives JSON unchanged.
 */
export interface PendingOidcLogin {
  /** Binds the callback to this browser (RFC 6749 section 10.12). */
  state: string
  /** Binds the ID token to this login (OpenID Connect Core 1.0 section 3.1.2.1). */
  nonce: string
  /** The PKCE secret whose S256 hash went to the provider (RFC 7636 section 4.1). */
  codeVerifier: string
  /** When the login started, ISO 8601. */
  createdAt: string
}

/** The person as the provider vouches for them, from the validated ID token (and UserInfo). */
export interface OidcIdentity {
  /** The `iss` claim: with `subject`, the stable key of the person at this provider. */
  issuer: string
  /** The `sub` claim. */
  subject: string
  email?: string
  emailVerified?: boolean
  name?: string
  givenName?: string
  familyName?: string
  /** The `birthdate` claim as the provider sends it: `YYYY-MM-DD`, `0000-MM-DD` or `YYYY`. */
  birthDate?: string
  locale?: string
}

/** How long a login may take from {@link OidcLogin.start} to {@link OidcLogin.finish}. */
export const pendingOidcLoginMaxAgeSeconds = 600

const DEFAULT_SCOPES = 'openid profile email'
/** The provider's error texts arrive in the URL: kept short in messages that may be shown. */
const MAX_ERROR_TEXT = 200
/** Discovery, token and UserInfo requests give up after this long (openid-client's default is 30). */
const REQUEST_TIMEOUT_SECONDS = 10

// openid-client is loaded by the first discovery, so a server without an identity provider never
// loads it. Every use of `client` below runs in a discovery or on a login it returned.
const openIdClient = importOnFirstUse(
  'the OpenID Connect client (openid-client)',
  () => import('openid-client'),
)
let client: typeof OpenIdClient

/**
 * The relying-party side of an OpenID Connect login: the authorization code flow with PKCE
 * (S256), `state` and `nonce`, against one provider discovered once.
 */
export class OidcLogin {
  readonly #config: OpenIdClient.Configuration
  readonly #redirectUri: string
  readonly #scope: string

  private constructor(config: OpenIdClient.Configuration, redirectUri: string, scope: string) {
    this.#config = config
    this.#redirectUri = redirectUri
    this.#scope = scope
  }

  /**
   * Reads the provider's metadata (OpenID Connect Discovery 1.0) and returns a login for it.
   *
   * @throws {@link OidcError} `ERR_OIDC_DISCOVERY` when the settings are not usable URLs, the
   *   issuer is `http:` without `allowHttp`, or the provider cannot be reached or answers with
   *   metadata that is not valid for this issuer.
   * @example
   * ```ts
   * const login = await OidcLogin.discover({
   *   issuerUrl: 'https://login.example.org',
   *   clientId: 'healthcode',
   *   clientSecret: process.env.OIDC_CLIENT_SECRET ?? '',
   *   redirectUri: 'https://healthcode.example.org/api/v1/auth/oidc/callback',
   * })
   * const { url, pending } = login.start()
   * // store `pending`, redirect to `url`; on the callback:
   * const identity = await login.finish(new URL(callbackUrl), pending)
   * ```
   */
  static async discover(settings: OidcSettings): Promise<OidcLogin> {
    client = await openIdClient()
    const issuer = parseUrl('issuerUrl', settings.issuerUrl)
    const redirectUri = parseUrl('redirectUri', settings.redirectUri)
    if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && settings.allowHttp)) {
      throw new OidcError(
        'ERR_OIDC_DISCOVERY',
        `expected an https: issuer URL, found ${issuer.href}` +
          (issuer.protocol === 'http:' ? ' (allowHttp is for a local provider in tests only)' : ''),
      )
    }
    let config: OpenIdClient.Configuration
    try {
      config = await client.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        clientSecretAuthentication(settings.clientSecret),
        {
          // openid-client marks this deprecated only to make it stand out; allowHttp says why.
          execute: settings.allowHttp ? [client.allowInsecureRequests] : [],
          timeout: REQUEST_TIMEOUT_SECONDS,
        },
      )
    } catch (error) {
      throw new OidcError(
        'ERR_OIDC_DISCOVERY',
        `cannot read the provider metadata of ${issuer.href} ` +
          `(OpenID Connect Discovery 1.0 section 4): ${describeFailure(error)}`,
        { cause: error },
      )
    }
    return new OidcLogin(config, redirectUri.href, normaliseScopes(settings.scopes))
  }

  /** The provider's issuer identifier, as its metadata states it. */
  get issuer(): string {
    return this.#config.serverMetadata().issuer
  }

  /**
   * Starts a login: returns where to send the person and what to keep until they come back.
   *
   * @param now - when the login starts; pass the clock that {@link OidcLogin.finish} will get.
   */
  start(now: Date = new Date()): { url: string; pending: PendingOidcLogin } {
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const url = client.buildAuthorizationUrl(this.#config, {
      redirect_uri: this.#redirectUri,
      scope: this.#scope,
      state,
      nonce,
      code_challenge: pkceS256(codeVerifier),
      code_challenge_method: 'S256',
    })
    return { url: url.href, pending: { state, nonce, codeVerifier, createdAt: now.toISOString() } }
  }

  /**
   * Finishes a login from the URL the provider redirected the person to: checks the pending
   * login, exchanges the code and validates the ID token, then reads the person's claims.
   *
   * UserInfo is read as well when the ID token lacks `email` (with the `email` scope) or `name`
   * (with the `profile` scope); claims in the ID token win over UserInfo.
   *
   * @param callbackUrl - the callback request's URL; only its query parameters are read, the
   *   code is exchanged with the configured `redirectUri`.
   * @param pending - what {@link OidcLogin.start} returned for this browser.
   * @param now - the current time, to check that the login is at most ten minutes old.
   * @throws {@link OidcError} `ERR_OIDC_STATE` when `pending` is not a login this server started
   *   or the callback's `state` is missing or different; `ERR_OIDC_EXPIRED` when the login is
   *   older than {@link pendingOidcLoginMaxAgeSeconds}; `ERR_OIDC_DENIED` when the provider
   *   answered with an `error`; `ERR_OIDC_TOKEN` when the code exchange, the ID token or the
   *   UserInfo request fails (a code used twice among them).
   */
  async finish(
    callbackUrl: URL,
    pending: PendingOidcLogin,
    now: Date = new Date(),
  ): Promise<OidcIdentity> {
    const login = checkPending(pending)
    // A start ahead of `now` is not refused: it means the clock that started the login runs ahead
    // of this one, not that the login is old. The caller keeps `pending` where the browser cannot
    // change it (a signed cookie).
    const ageMs = now.getTime() - Date.parse(login.createdAt)
    if (!(ageMs <= pendingOidcLoginMaxAgeSeconds * 1000)) {
      throw new OidcError(
        'ERR_OIDC_EXPIRED',
        `expected a sign-in started at most ${pendingOidcLoginMaxAgeSeconds / 60} minutes ago, ` +
          `found one started at ${login.createdAt} (now ${now.toISOString()}): start again`,
      )
    }
    const parameters = callbackUrl.searchParams
    const state = parameters.get('state')
    if (state === null) {
      throw new OidcError(
        'ERR_OIDC_STATE',
        'expected a state parameter in the callback, found none (RFC 6749 section 4.1.2)',
      )
    }
    if (!sameSecret(state, login.state)) {
      throw new OidcError(
        'ERR_OIDC_STATE',
        'expected the callback state to be the one this sign-in sent, found another ' +
          '(RFC 6749 section 10.12)',
      )
    }
    const error = parameters.get('error')
    if (error !== null) {
      const description = parameters.get('error_description')
      throw new OidcError(
        'ERR_OIDC_DENIED',
        `the identity provider refused the sign-in: ${error.slice(0, MAX_ERROR_TEXT)}` +
          (description ? ` (${description.slice(0, MAX_ERROR_TEXT)})` : '') +
          ' (OpenID Connect Core 1.0 section 3.1.2.6)',
      )
    }
    if (!parameters.get('code')) {
      throw new OidcError(
        'ERR_OIDC_TOKEN',
        'expected a code parameter in the callback, found none (RFC 6749 section 4.1.2)',
      )
    }

    // The token request must repeat the redirect_uri of the authorization request exactly
    // (RFC 6749 section 4.1.3), whatever host or path the callback reached us through.
    const response = new URL(this.#redirectUri)
    for (const [name, value] of parameters) response.searchParams.append(name, value)
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
    try {
      tokens = await client.authorizationCodeGrant(this.#config, response, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      })
    } catch (cause) {
      throw new OidcError(
        'ERR_OIDC_TOKEN',
        `the provider did not exchange the code for a valid ID token: ${describeFailure(cause)}`,
        { cause },
      )
    }
    const idToken = tokens.claims()
    if (!idToken) {
      // Unreachable: expectedNonce makes openid-client require an ID token.
      throw new OidcError(
        'ERR_OIDC_TOKEN',
        'expected an ID token in the token response, found none',
      )
    }

    let userInfo: OpenIdClient.UserInfoResponse | undefined
    if (this.#needsUserInfo(idToken)) {
      try {
        userInfo = await client.fetchUserInfo(this.#config, tokens.access_token, idToken.sub)
      } catch (cause) {
        throw new OidcError(
          'ERR_OIDC_TOKEN',
          `the provider's UserInfo endpoint did not answer with this person's claims: ` +
            describeFailure(cause),
          { cause },
        )
      }
    }
    return identityFromClaims(idToken, userInfo)
  }

  #needsUserInfo(idToken: OpenIdClient.IDToken): boolean {
    if (this.#config.serverMetadata().userinfo_endpoint === undefined) return false
    const scopes = this.#scope.split(' ')
    return (
      (scopes.includes('email') && stringClaim(idToken, 'email') === undefined) ||
      (scopes.includes('profile') && stringClaim(idToken, 'name') === undefined)
    )
  }
}

function parseUrl(setting: string, value: string): URL {
  const url = URL.parse(value)
  if (!url) {
    throw new OidcError(
      'ERR_OIDC_DISCOVERY',
      `expected ${setting} to be an absolute URL, found ${JSON.stringify(value)}`,
    )
  }
  return url
}

function normaliseScopes(scopes: string | undefined): string {
  const list = (scopes ?? DEFAULT_SCOPES).split(/\s+/).filter((scope) => scope.length > 0)
  // Without `openid` the provider issues no ID token and this is not OpenID Connect.
  return (list.includes('openid') ? list : ['openid', ...list]).join(' ')
}

/**
 * `client_secret_basic`, the default of OpenID Connect Dynamic Client Registration 1.0 section 2
 * and RFC 8414 section 2, unless the provider lists only `client_secret_post`.
 */
function clientSecretAuthentication(clientSecret: string): OpenIdClient.ClientAuth {
  const basic = client.ClientSecretBasic(clientSecret)
  const post = client.ClientSecretPost(clientSecret)
  return (server, clientMetadata, body, headers) => {
    const methods = server.token_endpoint_auth_methods_supported
    const usePost =
      methods !== undefined &&
      !methods.includes('client_secret_basic') &&
      methods.includes('client_secret_post')
    ;(usePost ? post : basic)(server, clientMetadata, body, headers)
  }
}

/** The PKCE S256 challenge (RFC 7636 section 4.2); synchronous, unlike openid-client's. */
function pkceS256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url')
}

function sameSecret(found: string, expected: string): boolean {
  const a = Buffer.from(found)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

/** The pending login comes back from the browser: its shape is checked, not trusted. */
function checkPending(pending: PendingOidcLogin): PendingOidcLogin {
  const value: unknown = pending
  const fields =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  const { state, nonce, codeVerifier, createdAt } = fields
  if (
    !isNonEmptyString(state) ||
    !isNonEmptyString(nonce) ||
    !isNonEmptyString(codeVerifier) ||
    !isNonEmptyString(createdAt)
  ) {
    throw new OidcError(
      'ERR_OIDC_STATE',
      'expected a pending sign-in with state, nonce, codeVerifier and createdAt, found ' +
        (Object.keys(fields).length > 0 ? `fields ${Object.keys(fields).join(', ')}` : 'none'),
    )
  }
  return { state, nonce, codeVerifier, createdAt }
}

type Claims = Readonly<Record<string, unknown>>

function stringClaim(claims: Claims | undefined, name: string): string | undefined {
  const value = claims?.[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** `email_verified` is a boolean (OpenID Connect Core 1.0 section 5.1); some providers send a string. */
function booleanClaim(claims: Claims | undefined, name: string): boolean | undefined {
  const value = claims?.[name]
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

function identityFromClaims(
  idToken: OpenIdClient.IDToken,
  userInfo: OpenIdClient.UserInfoResponse | undefined,
): OidcIdentity {
  const claim = (name: string) => stringClaim(idToken, name) ?? stringClaim(userInfo, name)
  // `email_verified` speaks of the `email` next to it, so both come from the same source.
  const emailSource = stringClaim(idToken, 'email') !== undefined ? idToken : userInfo
  const identity: OidcIdentity = {
    issuer: idToken.iss,
    subject: idToken.sub,
    email: stringClaim(emailSource, 'email'),
    emailVerified: booleanClaim(emailSource, 'email_verified'),
    name: claim('name'),
    givenName: claim('given_name'),
    familyName: claim('family_name'),
    birthDate: claim('birthdate'),
    locale: claim('locale'),
  }
  return Object.fromEntries(
    Object.entries(identity).filter(([, value]) => value !== undefined),
  ) as OidcIdentity
}

/** One line from an openid-client or fetch failure, down its chain of causes. */
function describeFailure(error: unknown): string {
  const parts: string[] = []
  const codes = new Set<string>()
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof client.ResponseBodyError) {
      parts.push(
        `${current.error}` + (current.error_description ? ` (${current.error_description})` : ''),
      )
      break
    }
    if (current instanceof client.WWWAuthenticateChallengeError) {
      // A 401 from the token endpoint, typically invalid_client (RFC 6749 section 5.2).
      parts.push(
        current.cause
          .map(({ scheme, parameters }) =>
            [
              scheme,
              parameters.error,
              parameters.error_description && `(${parameters.error_description})`,
            ]
              .filter(Boolean)
              .join(' '),
          )
          .join(', '),
      )
      break
    }
    const code: unknown = (current as { code?: unknown }).code
    if (typeof code === 'string') codes.add(code)
    parts.push(current.message)
    current = current.cause
  }
  if (parts.length === 0) return String(error)
  return parts.join(': ') + (codes.size > 0 ? ` [${[...codes].join(', ')}]` : '')
}
