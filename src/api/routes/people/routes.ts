import type { FastifyInstance } from 'fastify'
import { readerRoles, registrarRoles } from '../../../domain/people/people-service.js'
import { languages } from '../../../domain/people/person.js'
import { type AppContext, requireActor } from '../../context.js'
import { presentAccount, presentPerson } from '../../presenters.js'
import { errorResponses, pageQuery } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const personFields = {
  familyName: { type: 'string', minLength: 1, maxLength: 80 },
  givenName: { type: 'string', minLength: 1, maxLength: 80 },
  familyNameIcao: { type: 'string', pattern: '^[A-Z<]{1,80}$' },
  givenNameIcao: { type: 'string', pattern: '^[A-Z<]{1,80}$' },
  birthDate: {
    type: 'string',
    maxLength: 10,
    'x-date': 'birth',
    description: 'YYYY-MM-DD, or YYYY-MM / YYYY when only that is known',
  },
  residency: { type: 'string', enum: ['resident', 'foreigner'] },
  document: { $ref: 'IdentityDocument#' },
  phone: { type: 'string', pattern: '^\\+?[0-9 ()-]{5,20}$' },
  email: { type: 'string', format: 'email', maxLength: 200 },
  language: { type: 'string', enum: [...languages] },
  district: {
    type: 'string',
    pattern: '^[A-Z0-9-]{2,40}$',
    description: 'district of residence (an area code such as RU-SPB-ADM), for dashboards',
  },
} as const

/** PersonCreateBody: what staff send to register a person. */
export const PersonCreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['familyName', 'givenName', 'birthDate', 'residency', 'document'],
  properties: { issuerId: { type: 'string' }, ...personFields },
} as const

/** PersonUpdateBody: the fields to change, and why. */
export const PersonUpdateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  minProperties: 2,
  properties: { ...personFields, reason: { type: 'string', minLength: 3, maxLength: 500 } },
} as const

/** The registration slip: the new person and the one-time code they claim the record with. */
const registrationSlip = {
  allOf: [
    { $ref: 'Person#' },
    {
      type: 'object',
      required: ['claimCode'],
      properties: {
        claimCode: {
          type: 'string',
          description:
            'one-time code (XXXXX-XXXXX) the person gives with document and birth date to claim the record (POST /api/v1/me/claim); shown only here',
        },
      },
    },
  ],
} as const

/** The register's people: staff register and read within their issuer; citizens see their own. */
export async function peopleRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/people',
    {
      config: { access: registrarRoles },
      schema: {
        summary: 'Register a person from an identity document (also one without an account)',
        tags: ['people'],
        body: PersonCreateBody,
        response: { 201: registrationSlip, ...errorResponses },
      },
    },
    async (request, reply) => {
      const person = await context.people.register(requireActor(request), request.body)
      return reply.status(201).send({ ...presentPerson(person), claimCode: person.claimCode })
    },
  )

  app.post(
    '/api/v1/people/:id/claim-code',
    {
      config: { access: registrarRoles },
      schema: {
        summary:
          'Issue a new claim code for an unclaimed record (a new registration slip); the old code stops working',
        tags: ['people'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        response: {
          201: {
            type: 'object',
            required: ['claimCode', 'issuedAt'],
            properties: {
              claimCode: { type: 'string' },
              issuedAt: { type: 'string', format: 'date-time' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await context.personClaims.issueClaimCode(requireActor(request), request.params.id)),
  )

  app.get(
    '/api/v1/people',
    {
      config: { access: readerRoles },
      schema: {
        summary: "List the people of the staff member's issuer, newest first",
        tags: ['people'],
        querystring: {
          ...pageQuery,
          properties: { ...pageQuery.properties, issuerId: { type: 'string' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['people'],
            properties: { people: { type: 'array', items: { $ref: 'Person#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { issuerId, limit, offset } = request.query
      const people = await context.people.list(requireActor(request), issuerId, { limit, offset })
      return { people: people.map(presentPerson) }
    },
  )

  app.get(
    '/api/v1/people/:id',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'Read a person: staff of their issuer, or the person themselves',
        tags: ['people'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        response: { 200: { $ref: 'Person#' }, ...errorResponses },
      },
    },
    async (request) =>
      presentPerson(await context.people.get(requireActor(request), request.params.id)),
  )

  app.patch(
    '/api/v1/people/:id',
    {
      config: { access: registrarRoles },
      schema: {
        summary: 'Correct a person’s details; the reason goes to the audit log',
        tags: ['people'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
        },
        body: PersonUpdateBody,
        response: { 200: { $ref: 'Person#' }, ...errorResponses },
      },
    },
    async (request) => {
      const { reason, ...changes } = request.body
      return presentPerson(
        await context.people.update(requireActor(request), request.params.id, changes, reason),
      )
    },
  )

  app.get(
    '/api/v1/me',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'The signed-in account and the person record it holds',
        tags: ['people'],
        response: {
          200: {
            type: 'object',
            properties: { account: { $ref: 'Account#' }, person: { $ref: 'Person#' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = requireActor(request)
      const { account, person } = await context.personClaims.me(actor)
      return {
        account: account && presentAccount(account),
        person: person && presentPerson(person),
      }
    },
  )

  app.post(
    '/api/v1/me/claim',
    {
      config: { access: ['citizen'] },
      schema: {
        summary:
          'Claim the record clinic staff made, with the same document and birth date and the claim code of the registration slip or printed certificate',
        tags: ['people'],
        body: {
          type: 'object',
          additionalProperties: false,
          // The code is checked, not required by the schema: a claim without it is answered as
          // every other mismatch, and counts as a failure.
          required: ['document', 'birthDate'],
          properties: {
            document: { $ref: 'IdentityDocument#' },
            birthDate: { type: 'string', maxLength: 10, 'x-date': 'birth' },
            claimCode: { type: 'string', maxLength: 32 },
          },
        },
        response: { 200: { $ref: 'Person#' }, ...errorResponses },
      },
    },
    async (request) =>
      presentPerson(
        await context.personClaims.claim(
          requireActor(request),
          request.body.document,
          request.body.birthDate,
          request.body.claimCode,
        ),
      ),
  )

  app.post(
    '/api/v1/me/person',
    {
      config: { access: ['citizen'] },
      schema: {
        summary:
          'Register yourself (a resident or a foreigner) in the register of the region you live in',
        tags: ['people'],
        body: {
          ...PersonCreateBody,
          required: [...PersonCreateBody.required, 'issuerId'],
        },
        response: { 201: { $ref: 'Person#' }, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentPerson(
            await context.personClaims.registerSelf(requireActor(request), request.body),
          ),
        ),
  )
}
