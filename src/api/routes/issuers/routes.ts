import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../context.js'
import { errorResponses } from '../../schemas.js'

/** The issuers (the federal level and its regions) this deployment knows. */
export async function issuerRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/issuers',
    {
      config: { access: 'public' },
      schema: {
        summary: 'List issuers',
        tags: ['issuers'],
        response: {
          200: {
            type: 'object',
            properties: { issuers: { type: 'array', items: { $ref: 'Issuer#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({ issuers: await context.issuers.list() }),
  )
}
