import type { FastifyInstance } from 'fastify'
import { tracerRoles } from '../../../domain/tracing/tracing-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'

const caseAnswer = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    confirmedAt: { type: 'string' },
    source: { type: 'string', enum: ['test', 'authority'] },
    recordId: { type: 'string' },
    publishedAt: { type: 'string' },
    district: { type: 'string' },
  },
} as const

/** Cases, their whereabouts and exposures, and the published exposure sites. */
export async function tracingRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  app.post<{ Body: { personId: string } }>(
    '/api/v1/cases',
    {
      config: { access: tracerRoles },
      schema: {
        summary:
          'Confirm a case by decision and trace it: close contacts, same-venue visitors, contacts of contacts',
        tags: ['tracing'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['personId'],
          properties: { personId: { type: 'string', maxLength: 64 } },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              case: caseAnswer,
              created: { type: 'boolean' },
              exposures: {
                type: 'object',
                properties: {
                  closeContacts: { type: 'integer' },
                  sameVenue: { type: 'integer' },
                  secondary: { type: 'integer' },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await context.tracing.confirmCase(
        requireActor(request),
        request.body.personId,
        'authority',
      )
      const count = (kind: string) => result.exposures.filter((e) => e.kind === kind).length
      return reply.status(201).send({
        case: result.case,
        created: result.created,
        exposures: {
          closeContacts: count('close-contact'),
          sameVenue: count('same-venue'),
          secondary: count('secondary-contact'),
        },
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id/whereabouts',
    {
      config: { access: tracerRoles },
      schema: {
        summary: 'Where a case was in the 14 days before: venues and time windows, and exposures',
        tags: ['tracing'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              case: caseAnswer,
              visits: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    venueId: { type: 'string' },
                    venueName: { type: 'string' },
                    district: { type: 'string' },
                    from: { type: 'string' },
                    until: { type: 'string' },
                  },
                },
              },
              exposures: {
                type: 'object',
                properties: {
                  closeContacts: { type: 'integer' },
                  sameVenue: { type: 'integer' },
                  secondary: { type: 'integer' },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => context.tracing.whereabouts(requireActor(request), request.params.id),
  )

  app.post<{ Params: { id: string } }>(
    '/api/v1/cases/:id/publish',
    {
      config: { access: tracerRoles },
      schema: {
        summary: 'Publish the case’s venues and times as anonymous exposure sites',
        tags: ['tracing'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await context.tracing.publish(requireActor(request), request.params.id)
      return reply.status(204).send()
    },
  )

  app.get(
    '/api/v1/exposure-sites',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Published exposure sites of the last 14 days: venue, address, district, time',
        tags: ['tracing'],
        response: {
          200: {
            type: 'object',
            properties: {
              sites: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    venueName: { type: 'string' },
                    address: { type: 'string' },
                    district: { type: 'string' },
                    from: { type: 'string' },
                    until: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ sites: await context.reading(request).tracing.exposureSites() }),
  )
}
