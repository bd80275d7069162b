import type { FastifyInstance } from 'fastify'
import { roles } from '../../../domain/access/roles.js'
import { type AppContext, requireActor } from '../../context.js'
import { presentAccount } from '../../presenters.js'
import { errorResponses, pageQuery } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** AccountCreateBody: a staff or partner account, made by an administrator. */
export const AccountCreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'password', 'displayName', 'roles'],
  properties: {
    login: { type: 'string', minLength: 3, maxLength: 200, pattern: '^[^\\s]+$' },
    password: { type: 'string', minLength: 10, maxLength: 256 },
    displayName: { type: 'string', minLength: 1, maxLength: 120 },
    roles: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: [...roles] },
    },
    issuerId: { type: 'string', maxLength: 40 },
  },
} as const

/** Accounts: administrators create staff and partner accounts within their issuer. */
export async function accountRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/accounts',
    {
      config: { access: ['administrator'] },
      schema: {
        summary: 'Create a staff or partner account',
        tags: ['accounts'],
        body: AccountCreateBody,
        response: { 201: { $ref: 'Account#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = await context.accounts.createAccount(requireActor(request), request.body)
      return reply.status(201).send(presentAccount(account))
    },
  )

  app.get(
    '/api/v1/accounts',
    {
      config: { access: ['administrator'] },
      schema: {
        summary: "List accounts: citizens, partners, and staff of the administrator's issuer",
        tags: ['accounts'],
        querystring: pageQuery,
        response: {
          200: {
            type: 'object',
            properties: { accounts: { type: 'array', items: { $ref: 'Account#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      accounts: (await context.accounts.listAccounts(requireActor(request), request.query)).map(
        presentAccount,
      ),
    }),
  )
}
