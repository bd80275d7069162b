import type { FastifyInstance } from 'fastify'
import { trustAdminRoles } from '../../../domain/trust/trust-admin.js'
import type { TrustPartner } from '../../../domain/trust/trust-partner.js'
import { DomainError } from '../../../domain/errors.js'
import { shcAsDcc } from '../../../domain/verification/shc-as-dcc.js'
import { verificationTime } from '../../../domain/verification/verification-time.js'
import { type AppContext, requireActor } from '../../context.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'
import { ApiError } from '../../errors.js'
import { secondsUntil } from '../../../domain/limits/limit-reached-error.js'

/** `POST /api/v1/validity-rules/{id}/test`: cases in the EU rule test shape, each naming its rule. */
const RuleTestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['tests'],
  properties: {
    rules: {
      description:
        'optional: rules (as an import takes them) to test as the next version of the set; the stored set otherwise',
    },
    tests: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'external', 'expected'],
        properties: {
          rule: {
            type: 'string',
            pattern: '^(GR|VR|TR|RR|IR|AR)-[A-Z]{2}-[0-9]{4}$',
            description: "the rule's Identifier",
          },
          version: {
            type: 'string',
            pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
            description: "the rule's Version; the highest when left out",
          },
          name: { type: 'string', maxLength: 200 },
          payload: { description: 'the DCC the rule reads as `payload`; absent is allowed' },
          external: {
            type: 'object',
            additionalProperties: true,
            description: 'valueSets, validationClock, countryCode, …',
          },
          expected: { description: 'what the logic must give, exactly (true or false)' },
        },
      },
    },
  },
} as const

const RuleTestAnswer = {
  type: 'object',
  properties: {
    ruleSet: {
      type: 'object',
      properties: { id: { type: 'string' }, version: { type: 'integer' } },
    },
    passed: { type: 'integer' },
    failed: { type: 'integer' },
    notCounted: {
      type: 'integer',
      description: "cases whose validationClock lies outside their rule's validity",
    },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          rule: { type: 'string' },
          version: { type: 'string' },
          name: { type: 'string' },
          outcome: { type: 'string', enum: ['passed', 'failed', 'not-counted'] },
          expected: {},
          actual: {},
          error: { type: 'string' },
        },
      },
    },
  },
} as const

const trustListEntry = {
  type: 'object',
  properties: {
    kid: { type: 'string', description: 'base64 of the 8-byte HCERT kid' },
    timestamp: { type: 'string' },
    country: { type: 'string' },
    certificateType: { type: 'string', enum: ['DSC', 'CSCA'] },
    thumbprint: { type: 'string', description: 'hex SHA-256 of the DER certificate' },
    signature: {
      type: 'string',
      description:
        'base64 ECDSA P-256/SHA-256 signature by our CSCA over the canonical JSON (RFC 8785) of the other fields',
    },
    rawData: { type: 'string', description: 'base64 DER certificate' },
  },
} as const

const verification = {
  type: 'object',
  properties: {
    kind: {
      type: 'string',
      enum: ['dcc', 'shc'],
      description:
        'dcc: an HC1 code (EU DCC, our certificates and tokens); shc: a SMART Health Card',
    },
    valid: { type: 'boolean' },
    stage: { type: 'string', description: 'ok, or the stage that failed (docs/errors.md)' },
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    certificate: { type: 'object', additionalProperties: true },
    entry: {
      type: 'object',
      description: 'for a certificate: whether it admits its holder under the validity rule set',
      properties: {
        ruleSet: {
          type: 'object',
          properties: { id: { type: 'string' }, version: { type: 'integer' } },
        },
        allowed: { type: 'boolean' },
        certificateType: { type: 'string' },
        reason: { type: 'string' },
        failed: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              identifier: { type: 'string' },
              language: { type: 'string' },
              text: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const

const partnerAnswer = {
  type: 'object',
  required: ['id', 'name', 'signingCertificate', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    signingCertificate: { type: 'string' },
    sourceUrl: { type: 'string' },
    list: { type: 'string', enum: ['eu', 'domestic'] },
    importedAt: { type: 'string', format: 'date-time' },
    gatewayImportedAt: {
      type: 'string',
      format: 'date-time',
      description: 'when its trust list in the DCC Gateway form was last imported',
    },
    signers: { type: 'integer' },
    problem: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const

function presentPartner(partner: TrustPartner, extra: { signers?: number; problem?: string }) {
  return {
    id: partner.id,
    name: partner.name,
    signingCertificate: partner.signingCertificatePem,
    sourceUrl: partner.sourceUrl,
    list: partner.list,
    importedAt: partner.importedAt,
    gatewayImportedAt: partner.gatewayImportedAt,
    createdAt: partner.createdAt,
    ...extra,
  }
}

/** An optional issuer: whose version of the rules to read or store. */
const issuerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { issuerId: { type: 'string', maxLength: 64 } },
} as const

/** Trust between deployments: our published lists, partners' lists, and verification. */
export async function trustRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/trust-list',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'Our EU-facing list: the EU-facing document signers (EU DCCs only) and CSCA in the DCC Gateway trust-list shape, each entry signed by our CSCA',
        tags: ['trust'],
        response: { 200: { type: 'array', items: trustListEntry }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const list = await context.reading(request).trustLists.publishedTrustList()
      return reply.header('cache-control', 'public, max-age=60').send(list)
    },
  )

  app.get(
    '/api/v1/trust-list/domestic',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'Our domestic list: the signers of our dynamic health codes and antibody certificates and CSCA, in the same signed shape, for partners of our own codes (never exported in the EU DCC Gateway format)',
        tags: ['trust'],
        response: { 200: { type: 'array', items: trustListEntry }, ...errorResponses },
      },
    },
    async (_request, reply) => {
      const list = await context.trustLists.publishedDomesticTrustList()
      return reply.header('cache-control', 'public, max-age=60').send(list)
    },
  )

  app.get(
    '/api/v1/trust-list/signer',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The certificate our trust and revocation lists are signed with (our CSCA), PEM: partners configure it',
        tags: ['trust'],
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const pem = await context.reading(request).trustLists.listSigningCertificate()
      if (pem === undefined) {
        throw new DomainError(
          'ERR_SIGNING_UNAVAILABLE',
          'this deployment has no CSCA yet (healthcode keys init)',
        )
      }
      return reply.type('application/x-pem-file').send(pem)
    },
  )

  app.get(
    '/api/v1/revocation-list',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'Revoked and suspended certificates as DCC revocation hashes (UCI, COUNTRYCODEUCI, SIGNATURE), signed by our CSCA',
        tags: ['trust'],
        response: {
          200: {
            type: 'object',
            required: ['entries'],
            properties: {
              issuer: { type: 'string' },
              timestamp: { type: 'string' },
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['hash'],
                  properties: { hashType: { type: 'string' }, hash: { type: 'string' } },
                },
              },
              signature: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const list = await context.reading(request).trustLists.publishedRevocationList()
      return reply.header('cache-control', 'public, max-age=30').send(list)
    },
  )

  app.post(
    '/api/v1/verify',
    {
      config: {
        access: 'public',
        // Anyone may verify; staff may also ask about another time (`at`).
        identifyCaller: true,
      },
      // Counted per client address across every server process (VERIFY_RATE_LIMIT per minute).
      preHandler: async (request, reply) => {
        const use = context.limits.verifyAddress.take(request.ip)
        if (use.allowed) return
        reply.header('retry-after', String(secondsUntil(use.resetsAt, context.clock())))
        throw new ApiError(
          'ERR_RATE_LIMITED',
          `expected at most ${context.limits.verifyAddress.options.max} verifications per minute from one address`,
        )
      },
      schema: {
        summary:
          'Verify a health QR code against our trust list, partners’ lists and the revocation list',
        description:
          'A code is judged now. `at` is read only from signed-in staff (clinician, commission member, health authority, administrator; by API token, or by session with its x-csrf-token), from 2019-12-01 to a year ahead (else 400 ERR_INVALID_FIELD); from anyone else it is ignored, so an expired certificate or an old dynamic code stays expired.',
        tags: ['trust'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['qr'],
          properties: {
            qr: { type: 'string', maxLength: 10_000, description: 'the text of the QR code' },
            at: {
              type: 'string',
              'x-time': 'any',
              description:
                'the validation time, for signed-in staff only; ignored from anyone else (judged now)',
            },
            ruleSet: {
              type: 'string',
              maxLength: 40,
              description: `the validity rule set to judge a certificate by (default ${context.config.validityRuleSet})`,
            },
            region: {
              type: 'string',
              pattern: '^[A-Z0-9-]{1,20}$',
              description: 'the region whose rules of the set apply (the rules’ Region)',
            },
            language: {
              type: 'string',
              enum: ['en', 'ru', 'zh'],
              default: 'en',
              description: 'the language of failed rules’ descriptions',
            },
          },
        },
        response: { 200: verification, ...errorResponses },
      },
    },
    async (request) => {
      const at = verificationTime(request.actor, request.body.at, context.clock())
      const result = await context.verification.verifyAny(request.body.qr, at)
      // "The signature is valid" (valid, stage) apart from "entry allowed under rule set X" (entry).
      const options = {
        ruleSetId: request.body.ruleSet ?? context.config.validityRuleSet,
        at,
        language: request.body.language ?? 'en',
        region: request.body.region,
      }
      let entry
      if (result.kind === 'dcc') {
        entry = await context.validityJudge.judge(result, options)
      } else if (result.valid && result.certificate?.summary) {
        // A SMART Health Card counts under the same rules, through its immunizations.
        const dcc = shcAsDcc(result.certificate.summary, result.certificate.issuer ?? '')
        if (dcc) {
          entry = await context.validityJudge.judgeCertificate(
            { payloadType: 'eu-dcc', payload: dcc, expiresAt: result.certificate.expiresAt },
            options,
          )
        }
      }
      return { ...result, ...(entry ? { entry } : {}) }
    },
  )

  app.get(
    '/api/v1/shc-issuers',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The SMART Health Card issuers we trust',
        tags: ['trust'],
        response: {
          200: {
            type: 'object',
            properties: {
              issuers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    iss: { type: 'string' },
                    keys: { type: 'integer' },
                    importedAt: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({ issuers: await context.shcIssuers.list() }),
  )

  app.post(
    '/api/v1/shc-issuers',
    {
      config: { access: trustAdminRoles },
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        summary:
          'Trust a SMART Health Card issuer: its JWKS and revocation lists, checked before they are stored',
        tags: ['trust'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['iss', 'jwks'],
          properties: {
            iss: { type: 'string', pattern: '^https://', maxLength: 500 },
            jwks: { type: 'object' },
            crls: { type: 'array', maxItems: 100, items: { type: 'object' } },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { iss: { type: 'string' }, keys: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await context.shcIssuers.importIssuer(requireActor(request), {
          iss: request.body.iss,
          jwks: request.body.jwks,
          crls: request.body.crls ?? [],
        }),
      ),
  )

  app.get(
    '/api/v1/validity-rules',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The validity rule sets (EU CertLogic rules) as they apply in a region (its own versions, else the nearest ancestor’s; default: the nationwide ones)',
        tags: ['trust'],
        querystring: issuerQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              ruleSets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    version: { type: 'integer' },
                    rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ ruleSets: await context.validityRuleSets.list(request.query.issuerId) }),
  )

  app.post(
    '/api/v1/validity-rules/:id',
    {
      config: { access: ['health_authority'] },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        summary:
          'Import rules in the EU rule JSON format as the next version of a rule set of the authority’s region (or a region under it, with issuerId); invalid logic and empty sets are refused here, with the reason',
        tags: ['trust'],
        querystring: issuerQuery,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 40 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['rules'],
          properties: {
            rules: { description: 'a rule, or an array of rules, as the EU publishes them' },
            note: { type: 'string', maxLength: 500 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              version: { type: 'integer' },
              rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await context.validityRuleSets.import(
            requireActor(request),
            request.params.id,
            request.body.rules,
            request.body.note,
            request.query.issuerId,
          ),
        ),
  )

  app.post(
    '/api/v1/validity-rules/:id/test',
    {
      config: { access: ['health_authority'] },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        summary:
          'Run test cases (the EU rule test shape) on a rule set, or on rules given as its next version, before publishing; writes nothing',
        tags: ['trust'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 40 } },
        },
        body: RuleTestBody,
        response: {
          200: RuleTestAnswer,
          ...errorResponses,
        },
      },
    },
    async (request) =>
      context.ruleTests.testRules(requireActor(request), request.params.id, {
        ...(request.body.rules === undefined ? {} : { rules: request.body.rules }),
        tests: request.body.tests,
      }),
  )

  app.get(
    '/api/v1/trust-partners',
    {
      config: { access: trustAdminRoles },
      schema: {
        summary:
          'Partners whose trust lists we import, with how many signers each imported list gives',
        tags: ['trust'],
        response: {
          200: {
            type: 'object',
            required: ['partners'],
            properties: { partners: { type: 'array', items: partnerAnswer } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      partners: (await context.trustPartners.partners(requireActor(request))).map((partner) =>
        presentPartner(partner, {
          ...(partner.problem === undefined ? {} : { problem: partner.problem }),
          ...(partner.signers === undefined ? {} : { signers: partner.signers }),
        }),
      ),
    }),
  )

  app.post(
    '/api/v1/trust-partners',
    {
      config: { access: trustAdminRoles },
      schema: {
        summary:
          'Register a partner (another region, the federal register, a partner city) and the certificate it signs its trust list with',
        tags: ['trust'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'signingCertificate'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            signingCertificate: {
              type: 'string',
              maxLength: 20_000,
              'x-text': 'multiline',
              description: 'PEM',
            },
            sourceUrl: { type: 'string', maxLength: 2000 },
            list: {
              type: 'string',
              enum: ['eu', 'domestic'],
              description:
                'which of the partner’s lists this is: eu (its signers trusted for EU DCCs only) or domestic (for its own codes: dynamic codes, antibody certificates); absent: every kind',
            },
          },
        },
        response: { 201: partnerAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const partner = await context.trustPartners.addPartner(requireActor(request), {
        name: request.body.name,
        signingCertificatePem: request.body.signingCertificate,
        sourceUrl: request.body.sourceUrl,
        list: request.body.list,
      })
      return reply.status(201).send(presentPartner(partner, {}))
    },
  )

  app.post(
    '/api/v1/trust-partners/:id/import',
    {
      config: { access: trustAdminRoles },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary:
          'Import a partner’s trust list: the uploaded list, or fetched from its source URL; checked against its signing certificate',
        tags: ['trust'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            trustList: {
              description: 'the list as the partner publishes it (a JSON array); omit to fetch',
            },
          },
        },
        response: { 200: partnerAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const uploaded = request.body?.trustList
      const { partner, signers } = await context.trustPartners.importPartnerList(
        requireActor(request),
        request.params.id,
        uploaded === undefined ? undefined : JSON.stringify(uploaded),
      )
      return presentPartner(partner, { signers })
    },
  )
}
