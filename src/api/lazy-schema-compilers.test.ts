import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { loadConfig } from '../config/config.js'
import { openStore } from '../storage/open-store.js'
import { build } from './app.js'
import { lazySchemaCompilers } from './lazy-schema-compilers.js'

const ajv = {
  customOptions: { removeAdditional: false, coerceTypes: 'array' as const, useDefaults: true },
}

const body = {
  type: 'object',
  required: ['name', 'count'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 2 }, count: { type: 'integer' } },
}
const answer = {
  200: {
    type: 'object',
    properties: { name: { type: 'string' }, count: { type: 'integer' }, at: { type: 'string' } },
  },
}

/** Two routes with request and response schemas, on Fastify's own compilers or the lazy ones. */
async function twoRoutes(
  compilers?: ReturnType<typeof lazySchemaCompilers>,
): Promise<FastifyInstance> {
  const app = Fastify({
    ajv,
    ...(compilers ? { schemaController: { compilersFactory: compilers.compilersFactory } } : {}),
  })
  for (const url of ['/a', '/b']) {
    app.post(
      url,
      {
        schema: {
          body,
          querystring: { type: 'object', properties: { n: { type: 'integer', default: 3 } } },
          response: answer,
        },
      },
      async (request) => ({
        ...(request.body as object),
        n: (request.query as { n: number }).n,
        secret: 'not in the schema',
        at: new Date(0),
      }),
    )
  }
  await app.ready()
  return app
}

describe('lazySchemaCompilers', () => {
  it("compiles a route's schemas when its first request needs them, not at start", async () => {
    const compilers = lazySchemaCompilers()
    const app = await twoRoutes(compilers)
    const sent = await app.inject({ method: 'POST', url: '/a', payload: { name: 'Li', count: 1 } })
    assert.equal(sent.statusCode, 200)
    // /a's body, querystring and 200 answer are compiled; /b's three wait for its first request.
    assert.equal(compilers.compileAll(), 3)
    assert.equal(compilers.compileAll(), 0)
    await app.close()
  })

  it("answers as Fastify's own compilers do: coercion, defaults, errors and serialized bodies", async () => {
    const eager = await twoRoutes()
    const lazy = await twoRoutes(lazySchemaCompilers())
    const requests = [
      { method: 'POST' as const, url: '/a', payload: { name: 'Li', count: '7' } },
      { method: 'POST' as const, url: '/a?n=5', payload: { name: 'Li', count: 7 } },
      { method: 'POST' as const, url: '/b', payload: { name: 'L', count: 7 } },
      { method: 'POST' as const, url: '/b', payload: { name: 'Li', count: 7, extra: true } },
      { method: 'POST' as const, url: '/a?n=x', payload: { name: 'Li', count: 7 } },
      {
        method: 'POST' as const,
        url: '/b',
        payload: 'not json',
        headers: { 'content-type': 'application/json' },
      },
    ]
    for (const request of requests) {
      const [expected, actual] = [await eager.inject(request), await lazy.inject(request)]
      assert.equal(actual.statusCode, expected.statusCode, request.url)
      assert.equal(actual.body, expected.body, `${request.url} ${JSON.stringify(request.payload)}`)
    }
    await Promise.all([eager.close(), lazy.close()])
  })

  it('refuses a headers schema at start-up, whose names Fastify lowercases only for its own compiler', async () => {
    const app = Fastify({
      schemaController: { compilersFactory: lazySchemaCompilers().compilersFactory },
    })
    app.get(
      '/h',
      { schema: { headers: { type: 'object', required: ['X-Key'] } } },
      async () => 'ok',
    )
    await assert.rejects(async () => app.ready(), /GET \/h: a headers schema is not supported/)
  })

  it('names the route whose schema does not compile', async () => {
    const compilers = lazySchemaCompilers()
    const app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } })
    app.get('/broken', { schema: { response: { 200: { $ref: 'nowhere#' } } } }, async () => ({}))
    await app.ready()
    assert.throws(() => compilers.compileAll(), /GET \/broken: its schema does not compile/)
    await app.close()
  })
})

describe('build', () => {
  it("compiles every route's schemas when asked, and serves the same OpenAPI document lazily", async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' })
    const apps: FastifyInstance[] = []
    for (const schemaCompilation of ['eager', 'lazy'] as const) {
      const store = await openStore(
        join(mkdtempSync(join(tmpdir(), 'hc-schemas-')), 'store.sqlite'),
      )
      apps.push(await build({ config, store, schemaCompilation, logger: false }))
    }
    const [eager, lazy] = apps as [FastifyInstance, FastifyInstance]
    for (const url of ['/openapi.json', '/readyz', '/api/v1/me', '/api/v1/auth/providers']) {
      const [expected, actual] = [await eager.inject({ url }), await lazy.inject({ url })]
      assert.equal(actual.statusCode, expected.statusCode, url)
      assert.equal(actual.body, expected.body, url)
    }
    for (const payload of [{ login: 7 }, { login: 'a\u0000b', password: 'x' }, {}]) {
      const invalid = { method: 'POST' as const, url: '/api/v1/auth/sign-in', payload }
      const [expected, actual] = [await eager.inject(invalid), await lazy.inject(invalid)]
      assert.equal(actual.statusCode, 400, JSON.stringify(payload))
      assert.equal(actual.body, expected.body, JSON.stringify(payload))
    }
    await Promise.all(apps.map((app) => app.close()))
  })
})
