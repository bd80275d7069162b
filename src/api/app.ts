import { randomBytes } from 'node:crypto'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { type ReplicaReads, compose, composeReplicaReads } from '../composition/compose.js'
import type { ChangeNotices } from '../domain/changes/change-notices.js'
import type { LimitCounterStore } from '../domain/limits/limit-counter-store.js'
import type { Config } from '../config/config.js'
import { sameSecret } from '../domain/access/bearer-secrets.js'
import { hasAnyRole } from '../domain/access/actor.js'
import { type Clock, systemClock } from '../domain/clock.js'
import { DomainError } from '../domain/errors.js'
import type { TrustListFetcher } from '../domain/trust/trust-partner-service.js'
import type { Store } from '../domain/ports.js'
import type { Access } from './access.js'
import type { OidcLogin } from './auth/oidc/index.js'
import type { AppContext } from './context.js'
import { lazySchemaCompilers } from './lazy-schema-compilers.js'
import { ApiError, handleError } from './errors.js'
import { accountRoutes } from './routes/accounts/routes.js'
import { apiTokenRoutes } from './routes/api-tokens/routes.js'
import { auditRoutes } from './routes/audit/routes.js'
import { certificateRoutes } from './routes/certificates/routes.js'
import { commissionRoutes } from './routes/commission/routes.js'
import { keyRoutes } from './routes/keys/routes.js'
import { companyRoutes } from './routes/companies/routes.js'
import { dashboardRoutes } from './routes/dashboards/routes.js'
import { healthCodeRoutes } from './routes/health-code/routes.js'
import { tracingRoutes } from './routes/tracing/routes.js'
import { venueRoutes } from './routes/venues/routes.js'
import { trustRoutes } from './routes/trust/routes.js'
import { gatewayRoutes } from './routes/gateway/routes.js'
import { SESSION_COOKIE, authRoutes } from './routes/auth/routes.js'
import { issuerRoutes } from './routes/issuers/routes.js'
import { nameRoutes } from './routes/names/routes.js'
import { peopleRoutes } from './routes/people/routes.js'
import { recordRoutes } from './routes/records/routes.js'
import { systemRoutes } from './routes/system/routes.js'
import { requestSchemaIds, sharedSchemas } from './schemas.js'
import { securityHeaders } from './security-headers.js'
import { strictInputPlugin, strictRequestSchema } from './strict-input.js'

/** What `build` needs: the configuration and the store; the clock and identity provider are optional. */
export interface BuildOptions {
  readonly config: Config
  readonly store: Store
  readonly clock?: Clock
  /** Finds the identity provider (discovery); called on first use and again after a failure. */
  readonly oidc?: () => Promise<OidcLogin>
  /** Fetches partners' trust lists; default: HTTP(S) with a time and size limit. */
  readonly fetchTrustList?: TrustListFetcher
  /**
   * Run the periodic jobs: deleting check-ins past retention (hourly) and recomputing colours due
   * to change by time (every minute). `startServer` turns them on; tests drive them by hand.
   */
  readonly scheduleJobs?: boolean
  /** A pino logger setting; default: the configured level. */
  readonly logger?: boolean | { level: string }
  /**
   * How this process hears of changes made by the other server processes on the store, and tells
   * them of its own (trust lists, rules, policies, colours, revoked tokens); default: alone.
   */
  readonly changeNotices?: ChangeNotices
  /** Where the abuse limits count; default: the store's own counters (`Store.limitCounters`). */
  readonly limitCounters?: LimitCounterStore
  /**
   * A read replica (`DATABASE_READ_URL`): its `store` reads from the replica while it is up (and
   * from the primary otherwise); dashboards and public lists read through it.
   */
  readonly readReplica?: ReadReplicaView
  /**
   * When route schemas are compiled: `lazy` (default) on each route part's first request, `eager`
   * all of them before `build` returns (as Fastify alone would), so a schema that does not compile
   * fails the build.
   */
  readonly schemaCompilation?: 'lazy' | 'eager'
}

/** What the app needs of a read replica (see `ReadReplica` in storage). */
export interface ReadReplicaView {
  readonly store: Store
  state(): { up: boolean; lagBytes: number | undefined; skippedReads: number }
}

/** The cookie that sends a browser that just wrote to the primary for its next reads. */
const READ_PRIMARY_COOKIE = 'hc_read_primary'

/** A route and who may call it. */
export interface RouteAccess {
  readonly method: string
  readonly url: string
  readonly access: Access
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access rule. */
    routeCatalogue: readonly RouteAccess[]
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Builds the Healthcode HTTP app without listening, so that tests drive it with `inject()`.
 *
 * @example
 * ```ts
 * const app = await build({ config: loadConfig(), store: await openStore(url) })
 * await app.listen({ port: 8080 })
 * ```
 */
export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options
  const clock = options.clock ?? systemClock
  const schemas = lazySchemaCompilers()
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    schemaController: { compilersFactory: schemas.compilersFactory },
    bodyLimit: config.bodyLimit,
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
      plugins: [strictInputPlugin(clock)],
    },
    // A path the router refuses (a parameter over maxParamLength, a malformed escape) answers
    // like every other error: a status and a code.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A hop count trusts that many proxies in front (as proxy-addr reads a number).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
  })

  let oidcPromise: Promise<OidcLogin> | undefined
  const discoverOidc = options.oidc
  const services = compose(config, options.store, clock, {
    ...(options.fetchTrustList ? { fetchTrustList: options.fetchTrustList } : {}),
    ...(options.changeNotices ? { changeNotices: options.changeNotices } : {}),
    ...(options.limitCounters ? { limitCounters: options.limitCounters } : {}),
    // Read when the lists change, which is never during compose(): replicaReads is set by then.
    onTrustChange: () => replicaReads?.trustLists.invalidate(),
    log: app.log,
  })
  const replica = options.readReplica
  // Reads a replica may serve: the same services over the replica's store, chosen per request.
  const replicaReads: ReplicaReads | undefined = replica
    ? composeReplicaReads(config, replica.store, clock, services)
    : undefined
  const primaryReads: ReplicaReads = {
    dashboards: services.dashboards,
    companies: services.companies,
    exposureSites: services.exposureSites,
    trustLists: services.trustLists,
  }
  // Whoever just wrote reads from the primary for a while: their own writes, whatever the lag.
  const wroteUntil = new Map<string, number>()
  const pinMs = config.readPrimaryAfterWriteSeconds * 1000
  const readFrom = new WeakMap<FastifyRequest, 'replica' | 'primary'>()
  const reading = (request: FastifyRequest): ReplicaReads => {
    if (!replicaReads) return primaryReads
    const accountId = request.actor?.accountId
    const justWrote =
      request.cookies[READ_PRIMARY_COOKIE] !== undefined ||
      (accountId !== undefined && (wroteUntil.get(accountId) ?? 0) > clock().getTime())
    readFrom.set(request, justWrote ? 'primary' : 'replica')
    return justWrote ? primaryReads : replicaReads
  }
  const context: AppContext = {
    ...services,
    config,
    clock,
    reading,
    oidc: discoverOidc
      ? () => {
          oidcPromise ??= discoverOidc().catch((error: unknown) => {
            oidcPromise = undefined
            throw error
          })
          return oidcPromise
        }
      : undefined,
  }

  for (const schema of sharedSchemas) {
    app.addSchema(requestSchemaIds.has(schema.$id) ? strictRequestSchema(schema, 'body') : schema)
  }
  app.decorateRequest('actor', undefined)
  app.decorateRequest('session', undefined)

  // Every route declares who may call it (see access.ts); the catalogue lists them for tests and
  // operators.
  const routeCatalogue: RouteAccess[] = []
  app.decorate('routeCatalogue', routeCatalogue)
  app.addHook('onRoute', (route) => {
    const access = route.config?.access
    if (access === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no access (config.access)`)
    }
    // Every string of every request gets the strict reading (control characters, length) unless
    // its schema says otherwise (src/api/strict-input.ts).
    if (route.schema) {
      const schema = { ...route.schema }
      for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
        if (schema[part] !== undefined) schema[part] = strictRequestSchema(schema[part], part)
      }
      route.schema = schema
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalogue.push({ method, url: route.url, access })
    }
  })

  await app.register(cookie, { secret: config.cookieSecret ?? randomBytes(32).toString('hex') })
  await app.register(rateLimit, { global: false })
  securityHeaders(app, { publicUrl: config.publicUrl })
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Healthcode API',
        version: '1',
        description:
          'Health QR codes: register, certificates, health codes, venues. Errors answer `{ error: { code, message, field? } }` with the codes of docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    refResolver: { buildLocalReference: (json) => String(json['$id']) },
  })

  const metrics = new Registry()
  collectDefaultMetrics({ register: metrics })
  const requestDuration = new Histogram({
    name: 'healthcode_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  })
  app.addHook('onResponse', async (request, reply) => {
    requestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    )
  })

  if (replicaReads) {
    new Gauge({
      name: 'healthcode_read_replica_up',
      help: 'Whether reads go to the read replica (1), or it is skipped for the primary (0: down, not a replica, or too far behind)',
      registers: [metrics],
      collect() {
        this.set(replica?.state().up ? 1 : 0)
      },
    })
    new Gauge({
      name: 'healthcode_read_replica_lag_bytes',
      help: 'How far the read replica replays behind the primary, in bytes of WAL (-1: it did not answer)',
      registers: [metrics],
      collect() {
        this.set(replica?.state().lagBytes ?? -1)
      },
    })
    new Gauge({
      name: 'healthcode_read_replica_skipped_reads',
      help: 'Reads sent to the primary because the read replica was skipped, since the start',
      registers: [metrics],
      collect() {
        this.set(replica?.state().skippedReads ?? 0)
      },
    })
    app.addHook('onSend', async (request, reply, payload) => {
      // Where a read the replica may serve went: the replica, unless the caller had just written
      // or the replica was skipped (down, or too far behind).
      const from = readFrom.get(request)
      if (from !== undefined) {
        reply.header(
          'x-healthcode-read-from',
          from === 'replica' && replica?.state().up ? 'replica' : 'primary',
        )
      }
      if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return payload
      const accountId = request.actor?.accountId
      if (accountId !== undefined) wroteUntil.set(accountId, clock().getTime() + pinMs)
      if (wroteUntil.size > 100_000) wroteUntil.clear()
      reply.setCookie(READ_PRIMARY_COOKIE, '1', {
        path: '/',
        maxAge: config.readPrimaryAfterWriteSeconds,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https:'),
      })
      return payload
    })
  }

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access
    // Not-found answers and public routes need no identity (and no store: /healthz stays up).
    if (access === undefined) return
    if (access === 'public') {
      if (request.routeOptions.config.identifyCaller) await identifyIfAny(request, context)
      return
    }
    await identify(request, context)
    authorise(request, access)
  })

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply))
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'ERR_ROUTE_NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  )

  await app.register(async (scoped) => systemRoutes(scoped, { ...context, metrics }))
  await app.register(async (scoped) => authRoutes(scoped, context))
  await app.register(async (scoped) => peopleRoutes(scoped, context))
  await app.register(async (scoped) => nameRoutes(scoped))
  await app.register(async (scoped) => recordRoutes(scoped, context))
  await app.register(async (scoped) => accountRoutes(scoped, context))
  await app.register(async (scoped) => apiTokenRoutes(scoped, context))
  await app.register(async (scoped) => issuerRoutes(scoped, context))
  await app.register(async (scoped) => auditRoutes(scoped, context))
  await app.register(async (scoped) => certificateRoutes(scoped, context))
  await app.register(async (scoped) => commissionRoutes(scoped, context))
  await app.register(async (scoped) => trustRoutes(scoped, context))
  await app.register(async (scoped) => gatewayRoutes(scoped, context))
  await app.register(async (scoped) => keyRoutes(scoped, context))
  await app.register(async (scoped) => healthCodeRoutes(scoped, context))
  await app.register(async (scoped) => venueRoutes(scoped, context))
  await app.register(async (scoped) => tracingRoutes(scoped, context))
  await app.register(async (scoped) => companyRoutes(scoped, context))
  await app.register(async (scoped) => dashboardRoutes(scoped, context))
  await app.register(async (scoped) =>
    (await import('./routes/web/routes.js')).webRoutes(
      scoped,
      config.webRoot === undefined ? {} : { root: config.webRoot },
    ),
  )
  const timers: NodeJS.Timeout[] = []
  if (options.scheduleJobs) {
    for (const job of services.jobs) {
      // Each period's run happens in one server process of the store (runJobOnce).
      const run = () => {
        runJobOnce(
          services.store,
          services.limitCounters,
          clock,
          job.name,
          job.everyMs,
          job.run,
        ).then(
          (outcome) => {
            if (outcome.ran) {
              app.log.info(
                { job: job.name, slot: outcome.slot, count: outcome.count, pid: process.pid },
                `${job.name} done`,
              )
            }
          },
          (error: unknown) => app.log.error({ err: error, job: job.name }, `${job.name} failed`),
        )
      }
      const timer = setInterval(run, job.everyMs)
      timer.unref()
      timers.push(timer)
      if (job.atStart) {
        const first = setTimeout(run, 0)
        first.unref()
        timers.push(first)
      }
    }
  }
  // Check-ins queued for the group commit are written before the store closes.
  app.addHook('onClose', async () => {
    for (const timer of timers) clearInterval(timer)
    await services.close()
  })
  await app.ready()
  if (options.schemaCompilation === 'eager') schemas.compileAll()
  return app
}

/** Finds who is calling: a bearer API token, or the session cookie. */
async function identify(request: FastifyRequest, context: AppContext): Promise<void> {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const match = /^Bearer (\S+)$/i.exec(authorization)
    const actor = match?.[1] ? await context.apiTokens.actorForSecret(match[1]) : undefined
    if (!actor) throw new ApiError('ERR_AUTH_REQUIRED', 'the API token is unknown or revoked')
    request.actor = actor
    return
  }
  const token = request.cookies[SESSION_COOKIE]
  if (!token) return
  const found = await context.signIn.actorForSession(token)
  if (!found) return
  request.actor = found.actor
  request.session = found.session
}

/**
 * Finds who calls a public route, if anyone: an unknown token leaves the caller anonymous, and so
 * does a cookie session without its CSRF header on an unsafe method (another site's form).
 */
async function identifyIfAny(request: FastifyRequest, context: AppContext): Promise<void> {
  try {
    await identify(request, context)
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ERR_AUTH_REQUIRED') return
    throw error
  }
  if (request.session && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token']
    if (typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) {
      request.actor = undefined
      request.session = undefined
    }
  }
}

/** Applies the route's access rule, and CSRF protection to cookie sessions on unsafe methods. */
function authorise(request: FastifyRequest, access: Access): void {
  if (access === 'public') return
  const actor = request.actor
  if (!actor) throw new ApiError('ERR_AUTH_REQUIRED', 'sign in first (session cookie or API token)')
  if (request.session && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token']
    if (typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) {
      throw new ApiError('ERR_CSRF', 'expected the x-csrf-token header of this session')
    }
  }
  if (access !== 'signedIn' && !hasAnyRole(actor, access)) {
    throw new DomainError('ERR_FORBIDDEN', `expected one of the roles ${access.join(', ')}`)
  }
}

/**
 * Runs a periodic job once per period across every server process on the store: the period's slot
 * is claimed in the shared limit counters (the first process to count it runs it; the others see a
 * count above 1 and skip), and an advisory lock keeps a long run from overlapping the next one's.
 */
export async function runJobOnce(
  store: Store,
  counters: LimitCounterStore,
  clock: Clock,
  name: string,
  periodMs: number,
  job: () => Promise<number>,
): Promise<{ ran: true; slot: string; count: number } | { ran: false }> {
  const now = clock()
  const start = Math.floor(now.getTime() / periodMs) * periodMs
  const slot = new Date(start).toISOString()
  const outcome = await store.runAlone(`job:${name}`, async () => {
    const claims = await counters.add(
      { bucket: 'job', key: name, window: slot },
      1,
      new Date(start + 2 * periodMs),
      now,
    )
    if (claims !== 1) return undefined
    return job()
  })
  if (!outcome.ran || outcome.value === undefined) return { ran: false }
  return { ran: true, slot, count: outcome.value }
}
