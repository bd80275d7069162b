import type { FastifyInstance } from 'fastify'
import { checkAuditChainStream } from '../../../domain/audit/audit-chain.js'
import type { AppContext } from '../../context.js'
import { errorResponses } from '../../schemas.js'

/** The append-only audit log: read it, and check its hash chain. */
export async function auditRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  app.get<{ Querystring: { from: number; limit: number } }>(
    '/api/v1/audit',
    {
      config: { access: ['administrator', 'health_authority'] },
      schema: {
        summary: 'Audit entries in order, from a sequence number',
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
      entries: await context.store.transaction((tx) =>
        tx.audit.list({ fromSequence: request.query.from, limit: request.query.limit }),
      ),
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
    async () => context.store.transaction((tx) => checkAuditChainStream(tx.audit.all())),
  )
}
