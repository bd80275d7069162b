import type { FastifyInstance } from 'fastify'
import { type AppContext, requireActor } from '../../context.js'
import { presentApiToken } from '../../presenters.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** Revocable API tokens for devices (scanners, kiosks) and partner apps. */
export async function apiTokenRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/api-tokens',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Issue an API token for the signed-in account; the secret is shown only here',
        tags: ['api-tokens'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              token: { $ref: 'ApiToken#' },
              secret: { type: 'string', description: 'send as Authorization: Bearer <secret>' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { token, secret } = await context.apiTokens.create(
        requireActor(request),
        request.body.name,
      )
      return reply.status(201).send({ token: presentApiToken(token), secret })
    },
  )

  app.get(
    '/api/v1/api-tokens',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: "The signed-in account's API tokens",
        tags: ['api-tokens'],
        response: {
          200: {
            type: 'object',
            properties: { tokens: { type: 'array', items: { $ref: 'ApiToken#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      tokens: (await context.apiTokens.list(requireActor(request))).map(presentApiToken),
    }),
  )

  app.delete(
    '/api/v1/api-tokens/:id',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Revoke an API token (its owner, or an administrator)',
        tags: ['api-tokens'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 500 } },
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await context.apiTokens.revoke(requireActor(request), request.params.id, request.query.reason)
      return reply.status(204).send()
    },
  )
}
