import type { FastifyInstance } from 'fastify'
import { trustAdminRoles } from '../../../domain/trust/trust-admin.js'
import { type AppContext, requireActor } from '../../context.js'
import { ApiError } from '../../errors.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** The Gateway's `TrustListDto`. */
const gatewayTrustListEntry = {
  type: 'object',
  properties: {
    kid: { type: 'string', description: 'base64 of the first 8 bytes of the SHA-256 of rawData' },
    timestamp: { type: 'string', description: "yyyy-MM-dd'T'HH:mm:ssXXX" },
    country: { type: 'string' },
    certificateType: { type: 'string', enum: ['DSC', 'UPLOAD', 'CSCA', 'AUTHENTICATION'] },
    thumbprint: { type: 'string', description: 'hex SHA-256 of the DER certificate' },
    signature: {
      type: 'string',
      description:
        'base64 DER of a detached CMS SignedData over rawData: by our Gateway trust anchor (CSCA, UPLOAD), by our UPLOAD certificate (DSC)',
    },
    rawData: { type: 'string', description: 'base64 DER certificate' },
  },
} as const

const batchId = {
  type: 'string',
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
} as const

/** The Gateway's first date (its documentation: "on the initial call … 2021-06-01T00:00:00Z"). */
const GATEWAY_EPOCH = '2021-06-01T00:00:00Z'

const partnerParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const

/**
 * Trust exchange in the DCC Gateway's formats: our trust list and revocation batches as the Gateway
 * serves them to national backends, and imports of a partner's.
 */
export async function gatewayRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/gateway/trust-list',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'Our trust list exactly as the DCC Gateway serves GET /trustList: CSCA, UPLOAD and the EU-facing document signers, each entry CMS-signed',
        tags: ['trust'],
        response: { 200: { type: 'array', items: gatewayTrustListEntry }, ...errorResponses },
      },
    },
    async (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=60')
        .send(await context.gatewayExport.trustList()),
  )

  app.get(
    '/api/v1/gateway/trust-anchor',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The certificate of our Gateway trust anchor, PEM: partners check our Gateway-format lists against it',
        tags: ['trust'],
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (_request, reply) =>
      reply
        .type('application/x-pem-file')
        .send(await context.gatewayExport.trustAnchorCertificate()),
  )

  app.get(
    '/api/v1/gateway/revocation-list',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'Our revocation batch list as the DCC Gateway serves GET /revocation-list: batches changed after If-Modified-Since (default 2021-06-01T00:00:00Z), at most 1000, with more; 204 when none',
        tags: ['trust'],
        response: {
          200: {
            type: 'object',
            properties: {
              more: { type: 'boolean' },
              batches: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    batchId: { type: 'string' },
                    country: { type: 'string' },
                    date: { type: 'string' },
                    deleted: { type: 'boolean' },
                  },
                },
              },
            },
          },
          204: { type: 'null', description: 'nothing changed since If-Modified-Since' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const header = request.headers['if-modified-since'] ?? GATEWAY_EPOCH
      const since = Date.parse(header)
      if (header.length > 64 || Number.isNaN(since)) {
        throw new ApiError(
          'ERR_VALIDATION',
          `expected If-Modified-Since as an ISO 8601 or HTTP date, but found ${JSON.stringify(header.slice(0, 64))}`,
        )
      }
      const page = await context.gatewayExport.batchList(new Date(since))
      if (!page) return reply.status(204).send()
      return reply.header('cache-control', 'public, max-age=30').send(page)
    },
  )

  app.get(
    '/api/v1/gateway/revocation-list/:batchId',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'One revocation batch as the DCC Gateway serves GET /revocation-list/{batchId}: base64 of a CMS SignedData over the batch JSON, signed by our UPLOAD certificate; 410 when deleted',
        tags: ['trust'],
        params: { type: 'object', required: ['batchId'], properties: { batchId } },
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .type('application/cms-text')
        .header('etag', request.params.batchId)
        .send(await context.gatewayExport.signedBatch(request.params.batchId)),
  )

  app.post(
    '/api/v1/trust-partners/:id/gateway-trust-list',
    {
      config: { access: trustAdminRoles },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary:
          'Import a partner’s trust list in the DCC Gateway’s form, checked against the trust anchor configured for it (its signingCertificate)',
        tags: ['trust'],
        params: partnerParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['trustList'],
          properties: {
            trustList: {
              type: 'array',
              maxItems: 10_000,
              items: { type: 'object' },
              description: 'the list as the Gateway’s GET /trustList gives it',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              signers: { type: 'integer' },
              uploadCertificates: { type: 'integer' },
              importedAt: { type: 'string', format: 'date-time' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { partner, signers, uploadCertificates } = await context.gatewayImport.importTrustList(
        requireActor(request),
        request.params.id,
        request.body.trustList,
      )
      return { id: partner.id, signers, uploadCertificates, importedAt: partner.gatewayImportedAt }
    },
  )

  app.post(
    '/api/v1/trust-partners/:id/gateway-revocation-batches',
    {
      config: { access: trustAdminRoles },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        summary:
          'Import a partner’s revocation batches as its Gateway interface serves them (CMS-signed by an UPLOAD certificate on its imported Gateway trust list); all or none',
        tags: ['trust'],
        params: partnerParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['batches'],
          properties: {
            batches: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['batchId'],
                properties: {
                  batchId,
                  signedBatch: {
                    type: 'string',
                    maxLength: 200_000,
                    pattern: '^[A-Za-z0-9+/=\\s]+$',
                    description: 'base64 CMS, as GET /revocation-list/{batchId} gives it',
                  },
                  deleted: { type: 'boolean', description: 'the batch list marks it deleted' },
                },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              imported: { type: 'integer' },
              deleted: { type: 'integer' },
              hashes: { type: 'integer' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      context.gatewayImport.importRevocationBatches(
        requireActor(request),
        request.params.id,
        request.body.batches,
      ),
  )
}
