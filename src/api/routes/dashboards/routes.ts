import type { FastifyInstance } from 'fastify'
import { dashboardRoles } from '../../../domain/dashboards/authority-dashboard.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const day = { type: 'string', 'x-date': 'event', description: 'YYYY-MM-DD' } as const
const figures = {
  codes: {
    type: 'object',
    required: ['green', 'yellow', 'red'],
    properties: {
      green: { type: 'integer' },
      yellow: { type: 'integer' },
      red: { type: 'integer' },
    },
  },
  declarations: { type: 'integer' },
  scans: { type: 'integer' },
  checkins: { type: 'integer' },
  cases: { type: 'integer' },
  exposures: {
    type: 'object',
    required: ['closeContact', 'sameVenue', 'secondaryContact'],
    properties: {
      closeContact: { type: 'integer' },
      sameVenue: { type: 'integer' },
      secondaryContact: { type: 'integer' },
    },
  },
} as const
/** The figures every day and every district has. */
const figuresRequired = ['declarations', 'scans', 'checkins', 'cases', 'exposures'] as const

/** The people registered and their codes now, counted in the store (`notComputed`: no code yet). */
const current = {
  registered: { type: 'integer' },
  codes: {
    type: 'object',
    required: ['green', 'yellow', 'red', 'notComputed'],
    properties: {
      green: { type: 'integer' },
      yellow: { type: 'integer' },
      red: { type: 'integer' },
      notComputed: { type: 'integer' },
    },
  },
} as const

/** The health authority's dashboard. */
export async function dashboardRoutes(
  fastify: FastifyInstance,
  context: AppContext,
): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/dashboards/authority',
    {
      config: { access: dashboardRoles },
      schema: {
        summary:
          'People registered and their codes by colour now, codes by colour over time, declarations, scans and check-ins per day, cases and exposures, by district',
        tags: ['dashboards'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          'x-ordered': [['from', 'until']],
          properties: {
            from: day,
            until: day,
            district: { type: 'string', pattern: '^[A-Z0-9-]{2,40}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'until', 'current', 'days', 'districts'],
            properties: {
              from: { type: 'string' },
              until: { type: 'string' },
              current: { type: 'object', required: ['registered', 'codes'], properties: current },
              days: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['day', 'codes', ...figuresRequired],
                  properties: { day: { type: 'string' }, ...figures },
                },
              },
              districts: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['district', 'registered', 'codes', ...figuresRequired],
                  properties: { district: { type: 'string' }, ...figures, ...current },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      context.reading(request).dashboards.dashboard(requireActor(request), request.query),
  )
}
