import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Account } from '../../../domain/people/person.js'
import { type PendingOidcLogin, pendingOidcLoginMaxAgeSeconds } from '../../auth/oidc/index.js'
import { type AppContext, requireActor } from '../../context.js'
import { ApiError } from '../../errors.js'
import type { FixedWindowLimit } from '../../../domain/limits/fixed-window-limit.js'
import { secondsUntil } from '../../../domain/limits/limit-reached-error.js'
import { presentAccount } from '../../presenters.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'hc_session'
/** The signed cookie that carries a login in flight at the identity provider. */
const OIDC_COOKIE = 'hc_oidc'

const sessionAnswer = {
  type: 'object',
  properties: {
    account: { $ref: 'Account#' },
    csrfToken: {
      type: 'string',
      description: 'send back as the x-csrf-token header on unsafe requests',
    },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const

/** ProvidersAnswer: how a visitor may sign in, for the sign-in page. */
const providersAnswer = {
  type: 'object',
  required: ['providers'],
  properties: {
    providers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind'],
        properties: {
          kind: { type: 'string', enum: ['password', 'oidc'] },
          name: {
            type: 'string',
            description: "the identity provider's host name, to name it on a button",
          },
          startUrl: { type: 'string', description: 'where a browser goes to sign in with it' },
        },
      },
    },
  },
} as const

/** One way to sign in, as `GET /api/v1/auth/providers` lists it. */
export interface SignInProvider {
  readonly kind: 'password' | 'oidc'
  readonly name?: string
  readonly startUrl?: string
}

/**
 * The ways to sign in: always a password; the identity provider when one is configured. Its
 * metadata is not fetched here, so the answer stays fast and public even when it is down.
 */
export function signInProviders(context: AppContext): SignInProvider[] {
  const providers: SignInProvider[] = [{ kind: 'password' }]
  if (context.oidc) {
    const issuer = context.config.oidc?.issuerUrl
    providers.push({
      kind: 'oidc',
      ...(issuer ? { name: new URL(issuer).hostname } : {}),
      startUrl: '/api/v1/auth/oidc/start',
    })
  }
  return providers
}

/** The answers of the identity-provider routes: a redirect, or an error (502: provider down). */
const redirectAnswers = {
  302: { type: 'null' },
  ...errorResponses,
  501: { $ref: 'Error#' },
  502: { $ref: 'Error#' },
} as const

/**
 * Counts a request against its client address (`request.ip`: the socket's peer, or what
 * `X-Forwarded-For` says when `TRUST_PROXY` trusts the proxy) in the shared limit store.
 *
 * @throws {ApiError} `ERR_RATE_LIMITED`, with `Retry-After` set, when the address used its minute.
 */
async function perAddress(
  limit: FixedWindowLimit,
  address: string,
  reply: FastifyReply,
  clock: () => Date,
): Promise<void> {
  const use = await limit.take(address)
  if (use.allowed) return
  reply.header('retry-after', String(secondsUntil(use.resetsAt, clock())))
  throw new ApiError(
    'ERR_RATE_LIMITED',
    `expected at most ${limit.options.max} attempts per minute from one address`,
  )
}

/** Sign-in with a password or an identity provider, sign-out, registration. */
export async function authRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  const secureCookies = context.config.publicUrl.startsWith('https:')

  async function startSession(reply: FastifyReply, account: Account) {
    const { session, token } = await context.signIn.startSession(account)
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      expires: new Date(session.expiresAt),
    })
    return {
      account: presentAccount(account),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    }
  }

  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Sign in with a login and password; sets the session cookie',
        tags: ['auth'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'password'],
          properties: {
            login: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
        response: { 200: sessionAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      await perAddress(context.limits.signInAddress, request.ip, reply, context.clock)
      const account = await context.limits.signIn.attempt(request.body.login, () =>
        context.signIn.checkPassword(request.body.login, request.body.password),
      )
      return startSession(reply, account)
    },
  )

  app.post(
    '/api/v1/auth/sign-out',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'End the session',
        tags: ['auth'],
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (request.session) await context.signIn.endSession(request.session.id)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send()
    },
  )

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Who is signed in',
        tags: ['auth'],
        response: {
          200: {
            type: 'object',
            properties: {
              accountId: { type: 'string' },
              login: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
              issuerId: { type: 'string' },
              personId: { type: 'string' },
              via: {
                type: 'string',
                enum: ['session', 'token', 'command-line'],
                description: 'session or token over HTTP (command-line is the CLI operator)',
              },
              csrfToken: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ ...requireActor(request), csrfToken: request.session?.csrfToken }),
  )

  app.get(
    '/api/v1/auth/providers',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The ways to sign in here: a password, and the identity provider when configured',
        tags: ['auth'],
        response: { 200: providersAnswer, ...errorResponses },
      },
    },
    async () => ({ providers: signInProviders(context) }),
  )

  app.post(
    '/api/v1/auth/register',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Create a citizen account that signs in with a password; signs it in',
        tags: ['auth'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'password', 'displayName'],
          properties: {
            login: { type: 'string', format: 'email', maxLength: 200 },
            password: { type: 'string', minLength: 10, maxLength: 256 },
            displayName: { type: 'string', minLength: 1, maxLength: 120 },
            language: { type: 'string', enum: ['en', 'ru', 'zh'] },
          },
        },
        response: { 201: sessionAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      await perAddress(context.limits.registerAddress, request.ip, reply, context.clock)
      const account = await context.accounts.registerCitizen(request.body)
      const answer = await startSession(reply, account)
      return reply.status(201).send(answer)
    },
  )

  app.get(
    '/api/v1/auth/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Start signing in through the identity provider (redirects to it)',
        tags: ['auth'],
        response: redirectAnswers,
      },
    },
    async (_request, reply) => {
      const login = await oidcLogin(context)
      const { url, pending } = login.start(context.clock())
      reply.setCookie(OIDC_COOKIE, JSON.stringify(pending), {
        path: '/api/v1/auth/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        signed: true,
        maxAge: pendingOidcLoginMaxAgeSeconds,
      })
      return reply.redirect(url, 302)
    },
  )

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Finish signing in through the identity provider; sets the session cookie',
        tags: ['auth'],
        response: redirectAnswers,
      },
    },
    async (request, reply) => {
      const login = await oidcLogin(context)
      const cookie = request.cookies[OIDC_COOKIE]
      const unsigned = cookie ? request.unsignCookie(cookie) : undefined
      if (!unsigned?.valid || !unsigned.value) {
        throw new ApiError('ERR_OIDC_LOGIN', 'no sign-in in progress: start again')
      }
      const pending = JSON.parse(unsigned.value) as PendingOidcLogin
      const callbackUrl = new URL(request.url, context.config.publicUrl)
      // A failed login answers with its own code (ERR_OIDC_STATE, ERR_OIDC_DENIED, …).
      const identity = await login.finish(callbackUrl, pending, context.clock())
      reply.clearCookie(OIDC_COOKIE, { path: '/api/v1/auth/oidc' })
      const account = await context.signIn.accountForOidc(identity)
      await startSession(reply, account)
      return reply.redirect('/', 302)
    },
  )
}

async function oidcLogin(context: AppContext) {
  if (!context.oidc) {
    throw new ApiError(
      'ERR_OIDC_NOT_CONFIGURED',
      'no identity provider is configured (OIDC_ISSUER)',
    )
  }
  try {
    return await context.oidc()
  } catch (error) {
    throw new ApiError(
      'ERR_OIDC_UNREACHABLE',
      `the identity provider cannot be reached: ${(error as Error).message}`,
    )
  }
}
