import type { FastifyInstance } from 'fastify'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'
import { IssuerCreateBody } from './schema.js'

/** The issuers (the federal level and its regions) this deployment knows. */
export async function issuerRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
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
            required: ['issuers'],
            properties: { issuers: { type: 'array', items: { $ref: 'Issuer#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({ issuers: await context.issuers.list() }),
  )

  app.post(
    '/api/v1/issuers',
    {
      config: { access: ['administrator'] },
      schema: {
        summary: "Create an issuer (a region, …) in the federal administrator's tree",
        tags: ['issuers'],
        body: IssuerCreateBody,
        response: { 201: { $ref: 'Issuer#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const issuer = await context.issuers.create(requireActor(request), request.body)
      return reply.status(201).send(issuer)
    },
  )
}
