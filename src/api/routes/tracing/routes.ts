import type { FastifyInstance } from 'fastify'
import { tracerRoles } from '../../../domain/tracing/case-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses, pageQuery } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const caseAnswer = {
  type: 'object',
  required: ['id', 'personId', 'confirmedAt', 'source'],
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    confirmedAt: { type: 'string' },
    source: { type: 'string', enum: ['test', 'authority'] },
    recordId: { type: 'string' },
    publishedAt: { type: 'string' },
    district: { type: 'string' },
    closedAt: { type: 'string' },
  },
} as const

/** A person on a case page: named in full, or masked where the policy says the actor may not. */
const tracedPerson = {
  personId: { type: 'string' },
  name: { type: 'string' },
  masked: { type: 'boolean' },
  birthDate: { type: 'string' },
  district: { type: 'string' },
  colour: { type: 'string', enum: ['green', 'yellow', 'red'] },
} as const

/** What a traced person always has: masked, a person has no birth date. */
const tracedPersonRequired = ['personId', 'name', 'masked'] as const

const exposureCounts = {
  type: 'object',
  required: ['closeContacts', 'sameVenue', 'secondary'],
  properties: {
    closeContacts: { type: 'integer' },
    sameVenue: { type: 'integer' },
    secondary: { type: 'integer' },
  },
} as const

const visitsAnswer = {
  type: 'array',
  items: {
    type: 'object',
    required: ['venueId', 'venueName', 'district', 'from', 'until'],
    properties: {
      venueId: { type: 'string' },
      venueName: { type: 'string' },
      district: { type: 'string' },
      from: { type: 'string' },
      until: { type: 'string' },
    },
  },
} as const

const caseParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const

/** Cases, their whereabouts and exposures, and the published exposure sites. */
export async function tracingRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
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
            required: ['case', 'created', 'reopened', 'queued', 'exposures'],
            properties: {
              case: caseAnswer,
              created: { type: 'boolean' },
              reopened: { type: 'boolean' },
              queued: {
                type: 'boolean',
                description:
                  'Same-venue visitors and contacts of contacts are being recorded in the background: the counts here are the close contacts, recorded before the answer; the case page counts them all',
              },
              exposures: {
                type: 'object',
                required: ['closeContacts', 'sameVenue', 'secondary'],
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
      const result = await context.caseConfirmation.confirmCase(
        requireActor(request),
        request.body.personId,
        'authority',
      )
      const count = (kind: string) => result.exposures.filter((e) => e.kind === kind).length
      return reply.status(201).send({
        case: result.case,
        created: result.created,
        reopened: result.reopened,
        queued: result.queued,
        exposures: {
          closeContacts: count('close-contact'),
          sameVenue: count('same-venue'),
          secondary: count('secondary-contact'),
        },
      })
    },
  )

  app.get(
    '/api/v1/cases',
    {
      config: { access: tracerRoles },
      schema: {
        summary:
          'The cases of the authority’s region (and the regions under it), newest first: open, closed or all',
        tags: ['tracing'],
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            status: { type: 'string', enum: ['open', 'closed', 'all'], default: 'all' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['cases'],
            properties: {
              cases: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['case', 'person'],
                  properties: {
                    case: caseAnswer,
                    person: {
                      type: 'object',
                      required: tracedPersonRequired,
                      properties: tracedPerson,
                    },
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
      cases: await context.cases.listCases(requireActor(request), request.query),
    }),
  )

  app.get(
    '/api/v1/cases/:id',
    {
      config: { access: tracerRoles },
      schema: {
        summary:
          'A case page: the person, where they were, and everyone exposed with their colours now (masked where the authority may not read the person)',
        tags: ['tracing'],
        params: caseParams,
        response: {
          200: {
            type: 'object',
            required: ['case', 'person', 'visits', 'contacts', 'exposures'],
            properties: {
              case: caseAnswer,
              person: { type: 'object', required: tracedPersonRequired, properties: tracedPerson },
              visits: visitsAnswer,
              contacts: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [...tracedPersonRequired, 'kind', 'venueName', 'at'],
                  properties: {
                    ...tracedPerson,
                    kind: {
                      type: 'string',
                      enum: ['close-contact', 'same-venue', 'secondary-contact'],
                    },
                    venueName: { type: 'string' },
                    at: { type: 'string' },
                  },
                },
              },
              exposures: exposureCounts,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => context.cases.caseDetail(requireActor(request), request.params.id),
  )

  for (const [verb, closed] of [
    ['close', true],
    ['reopen', false],
  ] as const) {
    app.post(
      `/api/v1/cases/:id/${verb}`,
      {
        config: { access: tracerRoles },
        schema: {
          summary: closed
            ? 'Close an open case'
            : 'Reopen a closed case and trace it again from now (new visitors are told)',
          tags: ['tracing'],
          params: caseParams,
          response: {
            200: { type: 'object', required: ['case'], properties: { case: caseAnswer } },
            ...errorResponses,
          },
        },
      },
      async (request) => ({
        case: await context.cases.setClosed(requireActor(request), request.params.id, closed),
      }),
    )
  }

  app.get(
    '/api/v1/cases/:id/whereabouts',
    {
      config: { access: tracerRoles },
      schema: {
        summary: 'Where a case was in the 14 days before: venues and time windows, and exposures',
        tags: ['tracing'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['case', 'visits', 'exposures'],
            properties: {
              case: caseAnswer,
              visits: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['venueId', 'venueName', 'district', 'from', 'until'],
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
                required: ['closeContacts', 'sameVenue', 'secondary'],
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
    async (request) => context.cases.whereabouts(requireActor(request), request.params.id),
  )

  app.post(
    '/api/v1/cases/:id/publish',
    {
      config: { access: tracerRoles },
      schema: {
        summary: 'Publish the case’s venues and times as anonymous exposure sites',
        tags: ['tracing'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await context.cases.publish(requireActor(request), request.params.id)
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
            required: ['sites'],
            properties: {
              sites: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['venueName', 'address', 'district', 'from', 'until'],
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
    async (request) => ({ sites: await context.reading(request).exposureSites.list() }),
  )
}
