import type { FastifyInstance } from 'fastify'
import { authorityRoles } from '../../../domain/risk-areas/risk-area-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const
// Dates read strictly (src/api/strict-input.ts): a stay or a risk area's start happened by today;
// a risk area's end may be planned ahead.
const eventDay = { type: 'string', 'x-date': 'event', description: 'YYYY-MM-DD' } as const
const plannedDay = {
  type: 'string',
  'x-date': 'planned',
  description: 'YYYY-MM-DD, may lie ahead',
} as const
const text3 = {
  type: 'object',
  required: ['en', 'ru', 'zh'],
  properties: { en: { type: 'string' }, ru: { type: 'string' }, zh: { type: 'string' } },
} as const

const assessment = {
  type: 'object',
  required: ['colour', 'reasons', 'rulesetVersion', 'evaluatedAt'],
  properties: {
    colour: { type: 'string', enum: ['green', 'yellow', 'red'] },
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'colour', 'text', 'since', 'greenOn'],
        properties: {
          ruleId: { type: 'string' },
          colour: { type: 'string', enum: ['red', 'yellow'] },
          text: text3,
          since: { type: 'string' },
          greenOn: { type: 'string' },
        },
      },
    },
    greenOn: { type: 'string', description: 'YYYY-MM-DD: the day the code can turn green' },
    rulesetVersion: { type: 'integer' },
    evaluatedAt: { type: 'string' },
  },
} as const

const declarationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['symptoms'],
  properties: {
    symptoms: {
      type: 'object',
      additionalProperties: false,
      properties: {
        fever: { type: 'boolean', default: false },
        temperatureC: { type: 'number', description: 'measured body temperature, 34–43 °C' },
        cough: { type: 'boolean', default: false },
        soreThroat: { type: 'boolean', default: false },
        shortnessOfBreath: { type: 'boolean', default: false },
        lossOfTasteOrSmell: { type: 'boolean', default: false },
        fatigue: { type: 'boolean', default: false },
      },
    },
    visits: {
      type: 'array',
      maxItems: 30,
      default: [],
      description: 'stays elsewhere in the last 14 days',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['areaCode', 'from', 'until'],
        'x-ordered': [['from', 'until']],
        properties: {
          areaCode: { type: 'string', maxLength: 40 },
          from: eventDay,
          until: { ...eventDay, description: 'the day they left the area' },
        },
      },
    },
    confirmedCaseContact: { type: 'boolean', default: false },
  },
} as const

const riskArea = {
  type: 'object',
  required: ['id', 'areaCode', 'name', 'level', 'from', 'createdAt'],
  properties: {
    id: { type: 'string' },
    issuerId: { type: 'string', description: 'the region whose authority declared the area' },
    areaCode: { type: 'string' },
    name: { type: 'string' },
    level: { type: 'string', enum: ['high', 'medium'] },
    from: { type: 'string' },
    until: { type: 'string' },
    createdAt: { type: 'string' },
    supersededAt: { type: 'string' },
    supersededBy: { type: 'string' },
  },
} as const

/** A district as the API gives it. */
const district = {
  type: 'object',
  required: ['issuerId', 'code', 'name'],
  properties: {
    issuerId: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
  },
} as const

/** An optional issuer: whose version of the rules to read or store. */
const issuerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { issuerId: { type: 'string', maxLength: 64 } },
} as const

/** Declarations, the health code and its dynamic token, risk areas and risk rules. */
export async function healthCodeRoutes(
  fastify: FastifyInstance,
  context: AppContext,
): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/people/:id/declarations',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Declare symptoms, stays elsewhere and contacts (the person, or staff for them)',
        tags: ['health code'],
        params: idParams,
        body: declarationBody,
        response: {
          201: {
            type: 'object',
            required: ['declaration', 'healthCode'],
            properties: {
              declaration: { type: 'object', additionalProperties: true },
              healthCode: assessment,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { declaration, assessment } = await context.declarations.declare(
        requireActor(request),
        request.params.id,
        request.body,
      )
      return reply.status(201).send({ declaration, healthCode: assessment })
    },
  )

  app.get(
    '/api/v1/people/:id/declarations',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: "A person's declarations of the last 30 days",
        tags: ['health code'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              declarations: {
                type: 'array',
                items: { type: 'object', additionalProperties: true },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      declarations: await context.declarations.declarations(
        requireActor(request),
        request.params.id,
      ),
    }),
  )

  app.get(
    '/api/v1/people/:id/health-code',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'The colour, every reason (rule and text in en/ru/zh) and the day it can turn green',
        tags: ['health code'],
        params: idParams,
        response: { 200: assessment, ...errorResponses },
      },
    },
    async (request) => context.healthCodes.current(requireActor(request), request.params.id),
  )

  app.get(
    '/api/v1/people/:id/health-code/token',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: `The dynamic code to show at doors: a signed token valid ${context.config.healthCodeTokenMinutes} minutes`,
        tags: ['health code'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['qr', 'expiresAt', 'healthCode'],
            properties: {
              qr: { type: 'string', description: 'the HC1: text of the QR code' },
              expiresAt: { type: 'string' },
              healthCode: assessment,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const token = await context.healthCodes.token(requireActor(request), request.params.id)
      return reply
        .header('cache-control', 'no-store')
        .send({ qr: token.qr, expiresAt: token.expiresAt, healthCode: token.assessment })
    },
  )

  app.get(
    '/api/v1/risk-areas',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'The risk areas of the authority’s region and the regions under it (or of issuerId’s, within reach): those in force, or every version with history=true',
        tags: ['health code'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            history: { type: 'boolean', default: false },
            areaCode: { type: 'string', maxLength: 40 },
            issuerId: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['riskAreas'],
            properties: { riskAreas: { type: 'array', items: riskArea } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      riskAreas: await context.riskAreas.riskAreas(requireActor(request), {
        history: request.query.history === true,
        areaCode: request.query.areaCode,
        issuerId: request.query.issuerId,
      }),
    }),
  )

  app.post(
    '/api/v1/risk-areas',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'Declare a risk area of the authority’s region (or of a region under it, issuerId), or change one (replaces: the version it supersedes, whose region it keeps); affected colours are recomputed',
        tags: ['health code'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['areaCode', 'name', 'level', 'from'],
          'x-ordered': [['from', 'until']],
          properties: {
            areaCode: { type: 'string', pattern: '^[A-Z0-9-]{2,40}$' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            level: { type: 'string', enum: ['high', 'medium'] },
            from: eventDay,
            until: plannedDay,
            replaces: { type: 'string', maxLength: 64 },
            issuerId: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { riskArea: riskArea, reassessed: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { area, reassessed } = await context.riskAreas.setRiskArea(
        requireActor(request),
        request.body,
      )
      return reply.status(201).send({ riskArea: area, reassessed })
    },
  )

  app.delete(
    '/api/v1/risk-areas/:id',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'Withdraw a risk area declared by mistake (the authority over its region): it no longer counts for anyone, the history keeps it; affected colours are recomputed',
        tags: ['health code'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: { riskArea: riskArea, reassessed: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { area, reassessed } = await context.riskAreas.withdrawRiskArea(
        requireActor(request),
        request.params.id,
      )
      return { riskArea: area, reassessed }
    },
  )

  app.get(
    '/api/v1/districts',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The districts an issuer’s region (and the regions under it) defined; every one without issuerId',
        tags: ['health code'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { issuerId: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['districts'],
            properties: { districts: { type: 'array', items: district } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ districts: await context.districts.districts(request.query.issuerId) }),
  )

  app.post(
    '/api/v1/districts',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'Define a district of the authority’s region (or of a region under it, issuerId), or rename one',
        tags: ['health code'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name'],
          properties: {
            code: { type: 'string', pattern: '^[A-Z0-9-]{2,40}$' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            issuerId: { type: 'string', maxLength: 64 },
          },
        },
        response: { 201: district, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await context.districts.defineDistrict(requireActor(request), request.body)),
  )

  app.get(
    '/api/v1/health-code/problems',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'Stored data the risk engine cannot evaluate: risk areas left out of every colour, and people (of your issuer) whose colour fails; each is also in the audit log (health.input-problem)',
        tags: ['health code'],
        response: {
          200: {
            type: 'object',
            properties: {
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    kind: { type: 'string', enum: ['risk-area', 'person'] },
                    id: { type: 'string' },
                    issuerId: { type: 'string' },
                    field: { type: 'string' },
                    message: { type: 'string' },
                    since: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ problems: await context.colours.inputProblems(requireActor(request)) }),
  )

  app.get(
    '/api/v1/risk-rules',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The risk rules in force in a region (its own version, else the nearest ancestor’s; default: the nationwide ones)',
        tags: ['health code'],
        querystring: issuerQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => context.riskRules.ruleSet(request.query.issuerId),
  )

  app.get(
    '/api/v1/risk-rules/versions',
    {
      config: { access: authorityRoles },
      schema: {
        summary: 'Every stored version of the risk rules, and the recomputation progress',
        tags: ['health code'],
        response: {
          200: {
            type: 'object',
            required: ['versions'],
            properties: {
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: true,
                  required: ['version', 'createdAt'],
                  properties: {
                    version: { type: 'integer' },
                    note: { type: 'string' },
                    createdBy: { type: 'string' },
                    createdAt: { type: 'string', format: 'date-time' },
                    issuerId: { type: 'string' },
                  },
                },
              },
              recompute: {
                type: 'object',
                additionalProperties: true,
                description: 'how far everyone’s recomputation after the last rule change has got',
                required: ['rulesetVersion', 'done', 'failed', 'startedAt'],
                properties: {
                  rulesetVersion: { type: 'integer' },
                  done: { type: 'integer' },
                  failed: { type: 'integer' },
                  startedAt: { type: 'string', format: 'date-time' },
                  finishedAt: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      versions: await context.riskRules.ruleSetVersions(requireActor(request)),
      recompute: context.riskRules.recomputeProgress(),
    }),
  )

  app.get(
    '/api/v1/risk-rules/versions/:version',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'One version of the risk rules, with who stored it, when and why (version 1: the built-in rules)',
        tags: ['health code'],
        params: {
          type: 'object',
          required: ['version'],
          properties: { version: { type: 'integer', minimum: 1 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
              note: { type: 'string' },
              createdBy: { type: 'string' },
              createdAt: { type: 'string', format: 'date-time' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      context.riskRules.ruleSetVersion(requireActor(request), request.params.version),
  )

  app.put(
    '/api/v1/risk-rules',
    {
      config: { access: authorityRoles },
      schema: {
        summary:
          'Store a new version of the risk rules of the authority’s region (or a region under it, with issuerId); everyone is recomputed in the background, in batches',
        tags: ['health code'],
        querystring: issuerQuery,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['rules'],
          properties: {
            rules: { type: 'array', maxItems: 200, items: { type: 'object' } },
            note: { type: 'string', maxLength: 500 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const ruleset = await context.riskRules.setRuleSet(
        requireActor(request),
        request.body.rules,
        request.body.note,
        request.query.issuerId,
      )
      return reply.status(201).send(ruleset)
    },
  )

  app.get(
    '/api/v1/me/feed',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'The signed-in person’s feed: exposures and colour changes, newest first',
        tags: ['health code'],
        response: {
          200: {
            type: 'object',
            required: ['notifications'],
            properties: {
              notifications: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: true,
                  required: ['id', 'kind', 'data', 'createdAt'],
                  properties: {
                    id: { type: 'string' },
                    kind: { type: 'string', enum: ['exposure', 'colour-change', 'commission'] },
                    data: { type: 'object', additionalProperties: true },
                    createdAt: { type: 'string' },
                    readAt: {
                      type: 'string',
                      description: 'when the person read it; absent while unread',
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
    async (request) => ({ notifications: await context.notifications.feed(requireActor(request)) }),
  )

  const unreadAnswer = {
    type: 'object',
    required: ['unread'],
    properties: { unread: { type: 'integer', minimum: 0 } },
  } as const

  app.get(
    '/api/v1/me/feed/unread',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'How many notifications of the signed-in person’s feed are unread (the badge)',
        tags: ['health code'],
        response: { 200: unreadAnswer, ...errorResponses },
      },
    },
    async (request) => ({ unread: await context.notifications.unreadCount(requireActor(request)) }),
  )

  app.post(
    '/api/v1/me/feed/read',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'Mark notifications of the signed-in person’s feed read (ids from GET /api/v1/me/feed); answers how many remain unread',
        tags: ['health code'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ids'],
          properties: {
            ids: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              uniqueItems: true,
              items: { type: 'string', minLength: 1, maxLength: 64 },
            },
          },
        },
        response: { 200: unreadAnswer, ...errorResponses },
      },
    },
    async (request) => ({
      unread: await context.notifications.markRead(requireActor(request), request.body.ids),
    }),
  )
}
