import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { AppContext } from '../../context.js'
import { pageContentSecurityPolicy } from '../../security-headers.js'
import { typedRoutes } from '../../type-provider.js'

const HOME_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}code{background:#f2f2f2;padding:0 .25rem}'
const HOME_POLICY = pageContentSecurityPolicy([HOME_STYLE])

const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Healthcode</title>
<style>${HOME_STYLE}</style>
</head><body>
<h1>Healthcode</h1>
<p>The health QR-code service is running.</p>
<p><a href="/app/"><strong>Open the web app</strong></a> — the citizen portal (my code, declarations,
certificates, check-in) and the venue door scanner, in English, Russian and Chinese.</p>
<ul>
<li><a href="/openapi.json">OpenAPI document</a> of every route under <code>/api/v1</code></li>
<li><a href="/healthz">/healthz</a> (alive) and <a href="/readyz">/readyz</a> (storage reachable)</li>
<li><a href="/metrics">/metrics</a> for Prometheus</li>
</ul>
<p>Sign in with <code>POST /api/v1/auth/sign-in</code> and <code>{"login","password"}</code>.</p>
</body></html>
`

/** Liveness, readiness, metrics, the OpenAPI document and the home page. */
/**
 * The probes' answers are a few fixed words made here, written with `JSON.stringify`: an
 * orchestrator's first probe then waits neither for the schema compilers to load nor for a
 * serializer to be compiled (both happen on a route's first request, src/api/lazy-schema-compilers.ts);
 * their schemas still describe them in /openapi.json.
 */
const probeSerializer = () => (data: unknown) => JSON.stringify(data)

export async function systemRoutes(
  fastify: FastifyInstance,
  context: AppContext & { metrics: Registry },
): Promise<void> {
  const app = typedRoutes(fastify)
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    // Its one inline style is allowed by its hash.
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', HOME_POLICY)
      .send(HOME_PAGE),
  )

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      serializerCompiler: probeSerializer,
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['system'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  )

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      serializerCompiler: probeSerializer,
      schema: {
        summary: 'Readiness: the store answers',
        tags: ['system'],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, storage: { type: 'string' } },
          },
          503: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      try {
        await context.store.ping()
        return { status: 'ready', storage: context.store.dialect }
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed')
        return reply.status(503).send({
          error: { code: 'ERR_STORAGE_UNAVAILABLE', message: 'the store cannot be reached' },
        })
      }
    },
  )

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { summary: 'Prometheus metrics', tags: ['system'] } },
    async (_request, reply) =>
      reply.type(context.metrics.contentType).send(await context.metrics.metrics()),
  )

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
}
