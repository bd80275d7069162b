import type { FastifyInstance } from 'fastify'
import type { RecordKind } from '../../../domain/register/register-record.js'
import { recorderRoles } from '../../../domain/register/register-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { presentCertificate } from '../../presenters.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const country = {
  type: 'string',
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2',
} as const
// Dates read strictly (src/api/strict-input.ts): what happened by today, or a validity ahead.
const day = { type: 'string', 'x-date': 'event', description: 'YYYY-MM-DD' } as const
const plannedDay = {
  type: 'string',
  'x-date': 'planned',
  description: 'YYYY-MM-DD, may lie ahead',
} as const
const disease = {
  type: 'string',
  default: '840539006',
  description: 'value set disease-agent-targeted',
} as const

/** The body schema of each kind of record (`VaccinationCreateBody`, …). */
export const recordBodies = {
  vaccination: {
    type: 'object',
    additionalProperties: false,
    required: ['vaccine', 'product', 'manufacturer', 'doseNumber', 'totalDoses', 'date', 'country'],
    properties: {
      disease,
      vaccine: { type: 'string', description: 'value set vaccine-prophylaxis' },
      product: { type: 'string', description: 'value set vaccine-medicinal-product' },
      manufacturer: { type: 'string', description: 'value set vaccine-mah-manf' },
      doseNumber: { type: 'integer' },
      totalDoses: { type: 'integer' },
      date: day,
      country,
    },
  },
  test: {
    type: 'object',
    additionalProperties: false,
    required: ['testType', 'sampledAt', 'result', 'centre', 'country'],
    properties: {
      disease,
      testType: {
        type: 'string',
        description: 'value set test-type: LP6464-4 NAAT, LP217198-3 rapid antigen',
      },
      name: { type: 'string', maxLength: 80 },
      device: { type: 'string', description: 'value set test-manf (rapid antigen tests)' },
      sampledAt: {
        type: 'string',
        maxLength: 40,
        'x-time': 'event',
        description: 'ISO 8601 date-time with zone',
      },
      result: { type: 'string', description: 'value set test-result' },
      centre: { type: 'string', maxLength: 80 },
      country,
    },
  },
  recovery: {
    type: 'object',
    additionalProperties: false,
    required: ['firstPositive', 'validFrom', 'validUntil', 'country'],
    'x-ordered': [
      ['firstPositive', 'validFrom'],
      ['validFrom', 'validUntil'],
    ],
    properties: {
      disease,
      firstPositive: day,
      validFrom: plannedDay,
      validUntil: plannedDay,
      country,
    },
  },
  antibody: {
    type: 'object',
    additionalProperties: false,
    required: ['assay', 'value', 'unit', 'threshold', 'date', 'country'],
    properties: {
      disease,
      assay: { type: 'string', maxLength: 80 },
      value: { type: 'number', minimum: 0 },
      unit: { type: 'string', maxLength: 20 },
      threshold: { type: 'number', exclusiveMinimum: 0 },
      date: day,
      country,
    },
  },
} as const satisfies Record<RecordKind, object>

const recordAnswer = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    issuerId: { type: 'string' },
    kind: { type: 'string', enum: ['vaccination', 'test', 'recovery', 'antibody'] },
    data: { type: 'object', additionalProperties: true },
    recordedBy: { type: 'string' },
    recordedAt: { type: 'string', format: 'date-time' },
  },
} as const

const recordCreatedAnswer = {
  type: 'object',
  properties: {
    ...recordAnswer.properties,
    certificate: {
      description:
        'the certificate the record yielded (a vaccination, negative test, recovery, or antibody level at or above its threshold), when the issuer has a signing key',
      anyOf: [{ $ref: 'Certificate#' }, { type: 'null' }],
    },
    suspendedCertificates: {
      type: 'array',
      items: { type: 'string' },
      description:
        'ids of certificates a positive test suspended (policy SUSPEND_ON_POSITIVE_TEST)',
    },
    reinstatedCertificates: {
      type: 'array',
      items: { type: 'string' },
      description: 'ids of suspended certificates a recovery reinstated',
    },
  },
} as const

const paths: Record<RecordKind, string> = {
  vaccination: 'vaccinations',
  test: 'tests',
  recovery: 'recoveries',
  antibody: 'antibody-tests',
}

/** The medical register: clinicians enter vaccinations, tests, recoveries and antibody tests. */
export async function recordRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  for (const kind of Object.keys(paths) as RecordKind[]) {
    app.post(
      `/api/v1/people/:id/${paths[kind]}`,
      {
        config: { access: recorderRoles },
        schema: {
          summary: `Enter a ${kind} record for a person of the clinician's issuer`,
          tags: ['register'],
          params: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string', maxLength: 64 } },
          },
          body: recordBodies[kind],
          response: { 201: recordCreatedAnswer, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { record, effects } = await context.register.record(
          requireActor(request),
          request.params.id,
          kind,
          request.body,
        )
        return reply.status(201).send({
          ...record,
          certificate: effects.issued ? presentCertificate(effects.issued) : null,
          suspendedCertificates: effects.suspended,
          reinstatedCertificates: effects.reinstated,
        })
      },
    )
  }

  app.get(
    '/api/v1/people/:id/records',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: "A person's register records: staff of their issuer, or the person themselves",
        tags: ['register'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: { type: 'object', properties: { records: { type: 'array', items: recordAnswer } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      records: await context.register.list(requireActor(request), request.params.id),
    }),
  )
}
