import type { FastifyInstance } from 'fastify'
import type { Role } from '../../../domain/access/roles.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const keyAdminRoles: readonly Role[] = ['administrator']

const keyAnswer = {
  type: 'object',
  required: [
    'id',
    'purpose',
    'kid',
    'certificatePem',
    'status',
    'notBefore',
    'notAfter',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    purpose: {
      type: 'string',
      enum: [
        'csca',
        'document-signer',
        'domestic-signer',
        'legacy-signer',
        'gateway-trust-anchor',
        'gateway-upload',
      ],
      description:
        'document-signer: EU-facing (EU DCCs, on /api/v1/trust-list); domestic-signer: dynamic codes and antibody certificates (on /api/v1/trust-list/domestic); legacy-signer: made before the two were split, on both lists until it expires; gateway-trust-anchor and gateway-upload: sign the DCC Gateway-format trust list and revocation batches',
    },
    issuerId: { type: 'string' },
    kid: { type: 'string' },
    certificatePem: { type: 'string' },
    status: { type: 'string', enum: ['active', 'retired'] },
    notBefore: { type: 'string', format: 'date-time' },
    notAfter: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    retiredAt: { type: 'string', format: 'date-time' },
  },
} as const

/** Signing keys: listing (public parts only) and rotation by administrators. */
export async function keyRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/keys',
    {
      config: { access: keyAdminRoles },
      schema: {
        summary: 'The CSCA and document signers: certificates and status, never private keys',
        tags: ['keys'],
        response: {
          200: {
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: keyAnswer } },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({ keys: await context.keys.list() }),
  )

  app.post(
    '/api/v1/keys/rotate',
    {
      config: { access: keyAdminRoles },
      schema: {
        summary:
          'Make a new signer for an issuer on a list (EU-facing by default, or domestic) and retire the old one (codes it signed keep verifying)',
        tags: ['keys'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['issuerId'],
          properties: {
            issuerId: { type: 'string', maxLength: 64 },
            list: { type: 'string', enum: ['eu', 'domestic'], default: 'eu' },
          },
        },
        response: { 201: keyAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request)
      const key = await context.keys.rotateDocumentSigner(
        actor,
        request.body.issuerId,
        request.body.list ?? 'eu',
      )
      context.trustLists.changed()
      context.gatewayExport.invalidate()
      const { sealedPrivateKey: _sealed, ...shown } = key
      return reply.status(201).send(shown)
    },
  )
}
