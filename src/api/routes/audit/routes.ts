import type { FastifyInstance } from 'fastify'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** The append-only audit log: read it, and check its hash chain. */
export async function auditRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/audit',
    {
      config: { access: ['administrator', 'health_authority'] },
      schema: {
        summary: 'Audit entries of the caller’s issuer and the issuers below it, in order',
        tags: ['audit'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'integer', minimum: 1, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { entries: { type: 'array', items: { $ref: 'AuditEntry#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      entries: await context.audit.list(requireActor(request), {
        from: request.query.from,
        limit: request.query.limit,
      }),
    }),
  )

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: ['administrator'] },
      schema: {
        summary: 'Check the hash chain; names the first tampered entry',
        tags: ['audit'],
        response: {
          200: {
            type: 'object',
            properties: {
              intact: { type: 'boolean' },
              entries: { type: 'integer' },
              firstBadSequence: { type: 'integer' },
              problem: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => context.audit.verify(requireActor(request)),
  )
}
