import type { FastifyInstance } from 'fastify'
import { memberRoles } from '../../../domain/commission/commission-decision-service.js'
import type { CommissionRequestView } from '../../../domain/commission/commission-request-views.js'
import { type AppContext, requireActor } from '../../context.js'
import { presentCertificate } from '../../presenters.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'
import { SANDBOXED_FILE_POLICY, contentDisposition } from '../../security-headers.js'
import { recordBodies } from '../records/routes.js'

const statuses = [
  'submitted',
  'approved',
  'refused',
  'appealed',
  'appeal_approved',
  'appeal_refused',
] as const

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const

const decisionSchema = {
  type: 'object',
  required: ['outcome', 'decidedBy', 'decidedAt'],
  properties: {
    outcome: { type: 'string', enum: ['approved', 'refused'] },
    reason: { type: 'string' },
    decidedBy: { type: 'string' },
    decidedAt: { type: 'string', format: 'date-time' },
  },
} as const

const requestAnswer = {
  type: 'object',
  required: [
    'id',
    'personId',
    'issuerId',
    'evidence',
    'status',
    'submittedBy',
    'submittedAt',
    'attachments',
    'overdue',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    issuerId: { type: 'string' },
    evidence: {
      type: 'object',
      required: ['kind', 'data'],
      properties: {
        kind: { type: 'string', enum: ['test', 'antibody'] },
        data: { type: 'object', additionalProperties: true },
      },
    },
    status: { type: 'string', enum: statuses },
    submittedBy: { type: 'string' },
    submittedAt: { type: 'string', format: 'date-time' },
    decision: decisionSchema,
    appeal: {
      type: 'object',
      required: ['reason', 'appealedBy', 'appealedAt'],
      properties: {
        reason: { type: 'string' },
        appealedBy: { type: 'string' },
        appealedAt: { type: 'string', format: 'date-time' },
      },
    },
    appealDecision: decisionSchema,
    recordId: { type: 'string' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'fileName', 'mediaType', 'size', 'sha256', 'createdAt'],
        properties: {
          id: { type: 'string' },
          fileName: { type: 'string' },
          mediaType: { type: 'string' },
          size: { type: 'integer' },
          sha256: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    waitingSince: {
      type: 'string',
      format: 'date-time',
      description: 'when the current wait for a decision began (submission or appeal)',
    },
    waitingHours: { type: 'integer', description: 'hours waited so far' },
    dueBy: { type: 'string', format: 'date-time', description: 'the decision deadline' },
    overdue: { type: 'boolean' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

/** The medical commission: evidence, review, decision, appeal. */
export async function commissionRoutes(
  fastify: FastifyInstance,
  context: AppContext,
): Promise<void> {
  const app = typedRoutes(fastify)
  const limits = context.config.attachments
  const base64Length = Math.ceil(limits.maxBytes / 3) * 4

  app.post(
    '/api/v1/people/:id/commission-requests',
    {
      config: { access: 'signedIn' },
      // Attachments travel as base64 in the JSON body; sizes are checked file by file after
      // decoding, and the body limit bounds the whole.
      bodyLimit: limits.maxCount * base64Length + 64 * 1024,
      schema: {
        summary:
          'Submit evidence of an illness to the commission of the person’s issuer: the person, or a clinician for them',
        description: `A positive PCR/antigen result (approval enters a recovery) or an antibody test (approval enters an antibody record). Attachments: PDF, PNG or JPEG, base64, at most ${limits.maxCount} of ${limits.maxBytes} bytes each.`,
        tags: ['commission'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['evidence'],
          properties: {
            evidence: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'data'],
              properties: {
                kind: { type: 'string', enum: ['test', 'antibody'] },
                data: { type: 'object' },
              },
              if: { properties: { kind: { const: 'test' } } },
              then: { properties: { data: recordBodies.test } },
              else: { properties: { data: recordBodies.antibody } },
            },
            attachments: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['fileName', 'mediaType', 'content'],
                properties: {
                  fileName: { type: 'string', minLength: 1, maxLength: 200 },
                  mediaType: { type: 'string', maxLength: 100 },
                  content: {
                    type: 'string',
                    pattern: '^[A-Za-z0-9+/]*={0,2}$',
                    description: 'the file, base64',
                  },
                },
              },
            },
          },
        },
        response: { 201: requestAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const files = (request.body.attachments ?? []).map((file) => ({
        fileName: file.fileName,
        mediaType: file.mediaType,
        content: new Uint8Array(Buffer.from(file.content, 'base64')),
      }))
      const created = await context.commissionRequests.submit(
        requireActor(request),
        request.params.id,
        request.body.evidence,
        files,
      )
      return reply.status(201).send(created)
    },
  )

  app.get(
    '/api/v1/people/:id/commission-requests',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: "A person's commission requests with status, reasons and waiting time",
        tags: ['commission'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['requests'],
            properties: { requests: { type: 'array', items: requestAnswer } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      requests: await context.commissionRequests.listForPerson(
        requireActor(request),
        request.params.id,
      ),
    }),
  )

  app.get(
    '/api/v1/commission/requests',
    {
      config: { access: memberRoles },
      schema: {
        summary:
          'The commission’s queue: requests of the member’s issuer (or a region of it), longest waiting first',
        tags: ['commission'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: {
              type: 'array',
              items: { type: 'string', enum: statuses },
              description: 'default: submitted and appealed (waiting for a decision)',
            },
            issuerId: { type: 'string', maxLength: 64 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['requests'],
            properties: { requests: { type: 'array', items: requestAnswer } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      requests: await context.commissionDecisions.queue(requireActor(request), {
        issuerId: request.query.issuerId,
        statuses: request.query.status,
        limit: request.query.limit,
        offset: request.query.offset,
      }),
    }),
  )

  app.get(
    '/api/v1/commission/requests/:id',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'One request: the person, clinicians of their issuer, or its commission',
        tags: ['commission'],
        params: idParams,
        response: { 200: requestAnswer, ...errorResponses },
      },
    },
    async (request) => context.commissionRequests.find(requireActor(request), request.params.id),
  )

  app.get(
    '/api/v1/commission/requests/:id/attachments/:attachmentId',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'An evidence file, as uploaded: downloaded, or an image shown in the browser (inline, sandboxed); a PDF is always downloaded',
        tags: ['commission'],
        params: {
          type: 'object',
          required: ['id', 'attachmentId'],
          properties: {
            id: { type: 'string', maxLength: 64 },
            attachmentId: { type: 'string', maxLength: 64 },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            disposition: { type: 'string', enum: ['attachment', 'inline'], default: 'attachment' },
          },
        },
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const attachment = await context.commissionRequests.attachment(
        requireActor(request),
        request.params.id,
        request.params.attachmentId,
      )
      // Only images are shown in the browser, and under a sandbox: a PDF may carry scripts, and
      // browsers' PDF viewers do not open under a sandbox policy, so it is always downloaded.
      const inline =
        request.query.disposition === 'inline' && attachment.mediaType.startsWith('image/')
      if (inline) reply.header('content-security-policy', SANDBOXED_FILE_POLICY)
      return reply
        .type(attachment.mediaType)
        .header(
          'content-disposition',
          contentDisposition(inline ? 'inline' : 'attachment', attachment.fileName),
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(attachment.content))
    },
  )

  app.post(
    '/api/v1/commission/requests/:id/decision',
    {
      config: { access: memberRoles },
      schema: {
        summary:
          'Approve (enters the record and issues its certificate) or refuse with a written reason; an appeal is decided by a different member',
        tags: ['commission'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['outcome'],
          properties: {
            outcome: { type: 'string', enum: ['approved', 'refused'] },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['request', 'certificate'],
            properties: {
              request: requestAnswer,
              certificate: { anyOf: [{ $ref: 'Certificate#' }, { type: 'null' }] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const result = await context.commissionDecisions.decide(
        requireActor(request),
        request.params.id,
        request.body.outcome,
        request.body.reason,
      )
      const issued = result.effects?.issued
      return {
        request: result.request satisfies CommissionRequestView,
        certificate: issued ? presentCertificate(issued) : null,
      }
    },
  )

  app.post(
    '/api/v1/commission/requests/:id/appeal',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Appeal a refusal, once: the person, or a clinician for them',
        tags: ['commission'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 200: requestAnswer, ...errorResponses },
      },
    },
    async (request) =>
      context.commissionDecisions.appeal(
        requireActor(request),
        request.params.id,
        request.body.reason,
      ),
  )
}
