import type { FastifyInstance } from 'fastify'
import { QRCode } from '../../qr-code-image.js'
import type { Venue } from '../../../domain/venues/venue.js'
import { venueCategories } from '../../../domain/venues/venue.js'
import { policyRoles } from '../../../domain/venues/entry-policy-service.js'
import { venueManagerRoles } from '../../../domain/venues/venue-registry-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const
const clientId = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{8,64}$',
  description: 'the client’s id for this check-in (a UUID): re-sending it changes nothing',
} as const
const at = {
  type: 'string',
  maxLength: 40,
  'x-time': 'event',
  description: 'when it happened (ISO 8601); default now — offline scanners send it',
} as const
const scanAt = {
  type: 'string',
  maxLength: 40,
  'x-time': 'any',
  description:
    'when the code was shown (ISO 8601), for a scan queued offline only: at most OFFLINE_SCAN_MAX_AGE (12 h) back (ERR_SCAN_TIME_TOO_OLD), not in the future beyond 5 minutes of clock skew. A dynamic code is judged at this time: one whose exp is before it fails at stage expired. A live scan sending it is refused (ERR_SCAN_TIME_NOT_QUEUED): it is judged at the server’s clock',
} as const
const offline = {
  type: 'boolean',
  description:
    'the scan was queued by an offline scanner and is sent now: only then is `at` read (batch items always are)',
} as const

const venueAnswer = {
  type: 'object',
  required: ['id', 'name', 'category', 'address', 'district', 'posterCode', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    category: { type: 'string' },
    address: { type: 'string' },
    district: { type: 'string' },
    companyId: { type: 'string' },
    posterCode: { type: 'string', description: 'the text of the poster QR code' },
    createdAt: { type: 'string' },
  },
} as const

const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['acceptGreenCode', 'acceptCertificates', 'testMaxAgeHours'],
  properties: {
    acceptGreenCode: { type: 'boolean' },
    admitYellowCode: {
      type: 'boolean',
      description: 'a yellow code admits too (where a green one does); a red code never',
    },
    acceptCertificates: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['vaccination', 'recovery', 'test', 'antibody'] },
    },
    testMaxAgeHours: { type: 'integer', minimum: 1, maximum: 336 },
    ruleSet: {
      type: 'string',
      maxLength: 40,
      description: 'the validity rule set certificates are judged by (default VALIDITY_RULESET)',
    },
    region: {
      type: 'string',
      pattern: '^[A-Z0-9-]{1,20}$',
      description: 'the region whose rules of the set apply (the rules’ Region); none: national',
    },
  },
} as const

const scanAnswer = {
  type: 'object',
  required: [
    'checkinId',
    'entryAllowed',
    'reason',
    'message',
    'recorded',
    'duplicate',
    'verification',
  ],
  properties: {
    checkinId: { type: 'string' },
    entryAllowed: { type: 'boolean' },
    reason: { type: 'string' },
    message: { type: 'string' },
    recorded: { type: 'boolean' },
    duplicate: { type: 'boolean' },
    holder: {
      type: 'object',
      description:
        'who to match against the visitor’s ID, the same for every kind of code: the masked name (first given name and the family name’s initial, “IVAN P.”) and the birth date; never the full name',
      required: ['name', 'birthDate'],
      properties: { name: { type: 'string' }, birthDate: { type: 'string' } },
    },
    colour: { type: 'string', enum: ['green', 'yellow', 'red'] },
    certificateKind: { type: 'string', enum: ['vaccination', 'recovery', 'test', 'antibody'] },
    verification: {
      type: 'object',
      required: ['stage'],
      properties: { stage: { type: 'string' }, code: { type: 'string' } },
    },
    rules: {
      type: 'object',
      required: ['ruleSet', 'allowed', 'failed'],
      properties: {
        ruleSet: {
          type: 'object',
          required: ['id', 'version'],
          properties: { id: { type: 'string' }, version: { type: 'integer' } },
        },
        allowed: { type: 'boolean' },
        failed: {
          type: 'array',
          items: {
            type: 'object',
            required: ['identifier', 'text'],
            properties: { identifier: { type: 'string' }, text: { type: 'string' } },
          },
        },
      },
    },
  },
} as const

const offlineBundleAnswer = {
  type: 'object',
  description:
    'What a door scanner needs to judge codes without the network (docs/health-code.md, “The offline scanner”)',
  properties: {
    format: { type: 'integer', description: 'the bundle format (1)' },
    venueId: { type: 'string' },
    category: { type: 'string' },
    generatedAt: { type: 'string', format: 'date-time' },
    signers: {
      type: 'array',
      description: 'our and our partners’ document signers, as public keys',
      items: {
        type: 'object',
        properties: {
          kid: { type: 'string', description: 'the HCERT kid, base64' },
          keyType: { type: 'string', enum: ['ec-p256', 'rsa'] },
          publicKey: {
            type: 'object',
            description: 'the public key as a JWK (RFC 7517): EC P-256 or RSA',
            properties: {
              kty: { type: 'string' },
              crv: { type: 'string' },
              x: { type: 'string' },
              y: { type: 'string' },
              n: { type: 'string' },
              e: { type: 'string' },
            },
          },
          notBefore: { type: ['string', 'null'] },
          notAfter: { type: ['string', 'null'] },
          extendedKeyUsage: { type: 'array', items: { type: 'string' } },
          subject: { type: ['string', 'null'] },
          payloadTypes: {
            type: ['array', 'null'],
            items: { type: 'string', enum: ['eu-dcc', 'healthcode-antibody', 'healthcode-status'] },
            description:
              'what the list that gave the signer trusts it for: an EU-facing signer EU DCCs, a domestic one our own codes; null: every kind its key usage allows',
          },
        },
      },
    },
    revocations: {
      type: 'array',
      description: 'revoked and suspended certificates as DCC revocation hashes',
      items: {
        type: 'object',
        properties: { hashType: { type: 'string' }, hash: { type: 'string' } },
      },
    },
    policy: policySchema,
    rules: {
      type: ['object', 'null'],
      description: 'the validity rules certificates are judged by; null when none are',
      properties: {
        ruleSetId: { type: 'string' },
        ruleSet: {
          type: ['object', 'null'],
          properties: {
            id: { type: 'string' },
            version: { type: 'integer' },
            rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
        countryCode: { type: 'string' },
        region: { type: ['string', 'null'] },
        valueSets: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const

/** An optional issuer to read or set a region's version of something. */
const issuerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { issuerId: { type: 'string', maxLength: 64 } },
} as const

/** A check-in's answer: 201 for a new one, 200 for a repeat of one already recorded. */
const checkinAnswer = {
  type: 'object',
  required: ['checkinId', 'venue', 'at', 'duplicate', 'entryAllowed', 'reason', 'message'],
  properties: {
    checkinId: { type: 'string' },
    venue: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
    at: { type: 'string' },
    duplicate: { type: 'boolean' },
    colour: { type: 'string', enum: ['green', 'yellow', 'red'] },
    entryAllowed: { type: 'boolean' },
    reason: { type: 'string' },
    message: { type: 'string' },
  },
} as const

/** Venues, posters, entry policies, check-ins and door scans. */
export async function venueRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  const present = (venue: Venue) => ({
    id: venue.id,
    name: venue.name,
    category: venue.category,
    address: venue.address,
    district: venue.district,
    companyId: venue.companyId,
    posterCode: context.venues.posterCode(venue),
    createdAt: venue.createdAt,
  })

  app.post(
    '/api/v1/venues',
    {
      config: { access: venueManagerRoles },
      schema: {
        summary: 'Register a venue (a company admin may register it for the company)',
        tags: ['venues'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'category', 'address', 'district'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            category: { type: 'string', enum: [...venueCategories] },
            address: { type: 'string', minLength: 1, maxLength: 300 },
            district: { type: 'string', pattern: '^[A-Z0-9-]{2,40}$' },
            companyId: { type: 'string', maxLength: 64 },
            issuerId: {
              type: 'string',
              maxLength: 64,
              description:
                'The region the venue is in (default: the caller’s issuer, or the region of the record the caller holds)',
            },
          },
        },
        response: { 201: venueAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const venue = await context.venues.register(requireActor(request), request.body)
      return reply.status(201).send(present(venue))
    },
  )

  app.get(
    '/api/v1/venues',
    {
      config: { access: [...venueManagerRoles, 'health_authority', 'administrator'] },
      schema: {
        summary: 'The venues the caller runs (every venue for the health authority)',
        tags: ['venues'],
        response: {
          200: {
            type: 'object',
            required: ['venues'],
            properties: { venues: { type: 'array', items: venueAnswer } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      venues: (await context.venues.list(requireActor(request))).map(present),
    }),
  )

  app.get(
    '/api/v1/venues/:id',
    {
      config: { access: [...venueManagerRoles, 'health_authority'] },
      schema: {
        summary: 'One venue the caller runs',
        tags: ['venues'],
        params: idParams,
        response: { 200: venueAnswer, ...errorResponses },
      },
    },
    async (request) => present(await context.venues.find(requireActor(request), request.params.id)),
  )

  app.get(
    '/api/v1/venues/:id/poster.png',
    {
      config: { access: [...venueManagerRoles, 'health_authority'] },
      schema: {
        summary: 'The poster QR code visitors scan to check in (PNG, error correction Q)',
        tags: ['venues'],
        params: idParams,
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const venue = await context.venues.find(requireActor(request), request.params.id)
      const png = await QRCode.toBuffer(context.venues.posterCode(venue), {
        type: 'png',
        errorCorrectionLevel: 'Q',
        margin: 4,
        scale: 12,
      })
      return reply.type('image/png').header('cache-control', 'private, no-store').send(png)
    },
  )

  app.post(
    '/api/v1/venues/:id/poster/rotate',
    {
      config: { access: venueManagerRoles },
      schema: {
        summary: 'A new poster code: posters printed before stop working',
        tags: ['venues'],
        params: idParams,
        response: { 200: venueAnswer, ...errorResponses },
      },
    },
    async (request) =>
      present(await context.venues.rotatePoster(requireActor(request), request.params.id)),
  )

  app.get(
    '/api/v1/entry-policies',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'What each venue category admits in an issuer’s region (its own policy, else the nearest ancestor’s; default: the nationwide ones)',
        tags: ['venues'],
        querystring: issuerQuery,
        response: {
          200: { type: 'object', additionalProperties: policySchema },
          ...errorResponses,
        },
      },
    },
    async (request) => context.entryPolicies.list(request.query.issuerId),
  )

  app.put(
    '/api/v1/entry-policies/:category',
    {
      config: { access: policyRoles },
      schema: {
        summary:
          'Set what a venue category admits in the authority’s region (or a region under it, with issuerId)',
        tags: ['venues'],
        querystring: issuerQuery,
        params: {
          type: 'object',
          required: ['category'],
          properties: { category: { type: 'string', enum: [...venueCategories] } },
        },
        body: policySchema,
        response: { 200: policySchema, ...errorResponses },
      },
    },
    async (request) => {
      await context.entryPolicies.set(
        requireActor(request),
        request.params.category,
        request.body,
        request.query.issuerId,
      )
      return request.body
    },
  )

  app.post(
    '/api/v1/checkins',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'Check in by scanning a venue’s poster; the answer says whether the venue admits you',
        tags: ['venues'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['venueCode', 'clientId'],
          properties: { venueCode: { type: 'string', maxLength: 200 }, clientId, at },
        },
        response: { 200: checkinAnswer, 201: checkinAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await context.checkIns.checkInByPoster(requireActor(request), request.body)
      return reply.status(result.duplicate ? 200 : 201).send({
        checkinId: result.checkin.id,
        venue: { id: result.venue.id, name: result.venue.name },
        at: result.checkin.at,
        duplicate: result.duplicate,
        colour: result.checkin.colour,
        entryAllowed: result.decision.allowed,
        reason: result.decision.reason,
        message: result.decision.message,
      })
    },
  )

  app.post(
    '/api/v1/venues/:id/scan',
    {
      config: { access: [...venueManagerRoles, 'health_authority'] },
      schema: {
        summary:
          'The door scanner: verify a dynamic code, EU DCC, antibody certificate or SMART Health Card, decide entry by the venue’s policy, record the check-in',
        description:
          'A live scan is judged at the server’s clock; `at` is read only for a scan queued offline (`offline: true`). The answer shows the door what it needs and no more: allowed or not, the reason, the masked name and birth date.',
        tags: ['venues'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['qr', 'clientId'],
          properties: { qr: { type: 'string', maxLength: 10_000 }, clientId, at: scanAt, offline },
        },
        response: { 200: scanAnswer, ...errorResponses },
      },
    },
    async (request) =>
      context.doorScans.scan(requireActor(request), request.params.id, {
        qr: request.body.qr,
        clientId: request.body.clientId,
        at: request.body.at,
        offline: request.body.offline,
      }),
  )

  app.get(
    '/api/v1/venues/:id/offline-bundle',
    {
      config: { access: [...venueManagerRoles, 'health_authority'] },
      schema: {
        summary:
          'The door scanner’s offline bundle: trusted signers (public keys), revocation hashes, the venue’s entry policy and validity rules; for the venue’s operators only, never cached',
        tags: ['venues'],
        params: idParams,
        response: { 200: offlineBundleAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const bundle = await context.doorScans.offlineBundle(
        requireActor(request),
        request.params.id,
        {
          trust: () => context.verification.deviceTrust(),
          ruleSet: (id, issuerId) => context.validityRuleSets.find(id, issuerId),
        },
      )
      return reply.header('cache-control', 'private, no-store').send(bundle)
    },
  )

  app.post(
    '/api/v1/venues/:id/scans',
    {
      config: { access: [...venueManagerRoles, 'health_authority'] },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        summary:
          'An offline scanner’s batch: each item answered on its own; re-sent items are not counted twice',
        tags: ['venues'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['qr', 'clientId'],
                // A queued scan's time is judged per item (one bad item does not refuse the batch):
                // here it must only be a real time; its bounds are the domain's.
                properties: { qr: { type: 'string', maxLength: 10_000 }, clientId, at: scanAt },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    clientId: { type: 'string' },
                    ok: { type: 'boolean' },
                    ...scanAnswer.properties,
                    error: {
                      type: 'object',
                      properties: {
                        code: { type: 'string' },
                        message: { type: 'string' },
                        field: { type: 'string' },
                      },
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
      results: await context.doorScans.scanBatch(
        requireActor(request),
        request.params.id,
        request.body.items,
      ),
    }),
  )
}
