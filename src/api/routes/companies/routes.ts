import type { FastifyInstance } from 'fastify'
import { companyAdminRoles } from '../../../domain/companies/company-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const
const company = {
  type: 'object',
  required: ['id', 'name', 'createdAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'string' } },
} as const
const colourCounts = {
  type: 'object',
  required: ['green', 'yellow', 'red', 'unknown'],
  properties: {
    green: { type: 'integer' },
    yellow: { type: 'integer' },
    red: { type: 'integer' },
    unknown: { type: 'integer' },
  },
} as const

/** Companies: employees by invitation and consent, and the company dashboard. */
export async function companyRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/companies',
    {
      config: { access: companyAdminRoles },
      schema: {
        summary: 'Create a company; the caller becomes its admin',
        tags: ['companies'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 201: company, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await context.companies.create(requireActor(request), request.body.name)),
  )

  app.get(
    '/api/v1/companies',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'The companies the caller belongs to, with role and consent',
        tags: ['companies'],
        response: {
          200: {
            type: 'object',
            required: ['companies'],
            properties: {
              companies: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['company', 'role', 'consent'],
                  properties: {
                    company,
                    role: { type: 'string' },
                    consent: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      companies: (await context.companies.mine(requireActor(request))).map((entry) => ({
        company: entry.company,
        role: entry.membership.role,
        consent: entry.membership.consent,
      })),
    }),
  )

  app.post(
    '/api/v1/companies/:id/invitations',
    {
      config: { access: companyAdminRoles },
      schema: {
        summary: 'Invite an employee: the token is shown once, for the employee to accept',
        tags: ['companies'],
        params: idParams,
        response: {
          201: {
            type: 'object',
            required: ['invitationId', 'token'],
            properties: { invitationId: { type: 'string' }, token: { type: 'string' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await context.companies.invite(requireActor(request), request.params.id)),
  )

  app.post(
    '/api/v1/company-invitations/accept',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Accept an employer’s invitation, and say whether it may see your colour and name',
        tags: ['companies'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['token', 'consent'],
          properties: { token: { type: 'string', maxLength: 200 }, consent: { type: 'boolean' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['companyId', 'consent'],
            properties: { companyId: { type: 'string' }, consent: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const member = await context.companies.accept(
        requireActor(request),
        request.body.token,
        request.body.consent,
      )
      return { companyId: member.companyId, consent: member.consent }
    },
  )

  app.put(
    '/api/v1/companies/:id/consent',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'An employee gives or withdraws consent to share their colour and name',
        tags: ['companies'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['consent'],
          properties: { consent: { type: 'boolean' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['consent'],
            properties: { consent: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await context.companies.setConsent(
        requireActor(request),
        request.params.id,
        request.body.consent,
      )
      return { consent: request.body.consent }
    },
  )

  app.get(
    '/api/v1/companies/:id/dashboard',
    {
      config: { access: companyAdminRoles },
      schema: {
        summary:
          'Employees by colour (consenting ones), declarations today, visitors by day, and who is not green',
        tags: ['companies'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { days: { type: 'integer', minimum: 1, maximum: 90, default: 14 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['company', 'employees', 'declarationsToday', 'visitorsByDay', 'notGreen'],
            properties: {
              company,
              employees: {
                type: 'object',
                required: ['total', 'consenting', 'byColour'],
                properties: {
                  total: { type: 'integer' },
                  consenting: { type: 'integer' },
                  byColour: colourCounts,
                },
              },
              declarationsToday: { type: 'integer' },
              visitorsByDay: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['day', 'checkins'],
                  properties: { day: { type: 'string' }, checkins: { type: 'integer' } },
                },
              },
              notGreen: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['personId', 'familyName', 'givenName', 'colour'],
                  properties: {
                    personId: { type: 'string' },
                    familyName: { type: 'string' },
                    givenName: { type: 'string' },
                    colour: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      context
        .reading(request)
        .companies.dashboard(requireActor(request), request.params.id, request.query.days),
  )
}
