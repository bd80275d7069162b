import type { FastifyInstance } from 'fastify'
import { QRCode } from '../../qr-code-image.js'
import { renderCertificatePdf } from '../../../certificate-pdf/index.js'
import { issuerRoles } from '../../../domain/certificates/certificate-issuing-service.js'
import { revokerRoles } from '../../../domain/certificates/certificate-revocation-service.js'
import { type AppContext, requireActor } from '../../context.js'
import { presentCertificate } from '../../presenters.js'
import { certificateSchema, errorResponses, pageQuery } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const

/** `GET /api/v1/certificates`: find an issuer's certificates by UVCI or status. */
const CertificateSearchQuery = {
  ...pageQuery,
  properties: {
    ...pageQuery.properties,
    uvci: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'one certificate by its UVCI; case and the `URN:UVCI:` prefix do not matter',
    },
    status: { type: 'string', enum: ['valid', 'suspended', 'revoked'] },
    issuerId: {
      type: 'string',
      maxLength: 64,
      description: "the issuer whose certificates to search; default the caller's",
    },
  },
} as const

const certificateWithHolder = {
  type: 'object',
  required: [...certificateSchema.required, 'holder'],
  properties: {
    ...certificateSchema.properties,
    holder: {
      type: 'object',
      required: [
        'personId',
        'familyName',
        'givenName',
        'familyNameIcao',
        'givenNameIcao',
        'birthDate',
      ],
      properties: {
        personId: { type: 'string' },
        familyName: { type: 'string' },
        givenName: { type: 'string' },
        familyNameIcao: { type: 'string' },
        givenNameIcao: { type: 'string' },
        birthDate: { type: 'string' },
      },
    },
  },
} as const

/** Certificates: the holder's QR codes and printable PDF, issuing by hand, revocation. */
export async function certificateRoutes(
  fastify: FastifyInstance,
  context: AppContext,
): Promise<void> {
  const app = typedRoutes(fastify)
  app.get(
    '/api/v1/certificates',
    {
      config: { access: revokerRoles },
      schema: {
        summary:
          "Find the issuer's certificates with their holders: one by its UVCI, or those in a status (revoked: latest revocation first), for staff who revoke",
        tags: ['certificates'],
        querystring: CertificateSearchQuery,
        response: {
          200: {
            type: 'object',
            required: ['certificates'],
            properties: { certificates: { type: 'array', items: certificateWithHolder } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { uvci, status, issuerId, limit, offset } = request.query
      const found = await context.certificateRevocation.search(
        requireActor(request),
        { uvci, status, issuerId },
        { limit, offset },
      )
      return {
        certificates: found.map(({ certificate, holder }) => ({
          ...presentCertificate(certificate),
          holder,
        })),
      }
    },
  )

  app.get(
    '/api/v1/people/:id/certificates',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: "A person's certificates, newest first: the person, or staff of their issuer",
        tags: ['certificates'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['certificates'],
            properties: { certificates: { type: 'array', items: { $ref: 'Certificate#' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      certificates: (
        await context.certificateLookup.listForPerson(requireActor(request), request.params.id)
      ).map(presentCertificate),
    }),
  )

  app.get(
    '/api/v1/certificates/:id',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'One certificate with its QR text: the holder, or staff of the issuer',
        tags: ['certificates'],
        params: idParams,
        response: { 200: { $ref: 'Certificate#' }, ...errorResponses },
      },
    },
    async (request) =>
      presentCertificate(
        (await context.certificateLookup.find(requireActor(request), request.params.id))
          .certificate,
      ),
  )

  app.get(
    '/api/v1/certificates/:id/qr.png',
    {
      config: { access: 'signedIn' },
      schema: {
        summary: 'The QR code as a PNG image (error correction Q)',
        tags: ['certificates'],
        params: idParams,
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { certificate } = await context.certificateLookup.find(
        requireActor(request),
        request.params.id,
      )
      const png = await QRCode.toBuffer(certificate.qrText, {
        type: 'png',
        errorCorrectionLevel: 'Q',
        margin: 4,
        scale: 6,
      })
      return reply.type('image/png').header('cache-control', 'private, no-store').send(png)
    },
  )

  app.get(
    '/api/v1/certificates/:id/pdf',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'A printable A4 PDF: the QR code and the fields in the holder’s language and English',
        tags: ['certificates'],
        params: idParams,
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { certificate, person, record, issuer } = await context.certificateLookup.find(
        requireActor(request),
        request.params.id,
      )
      // The clinic prints the claim code for a holder who has no account yet; nobody else sees it.
      const claimCode = await context.personClaims.claimCodeForPrint(
        requireActor(request),
        person.id,
      )
      const pdf = await renderCertificatePdf({
        claimCode,
        qrText: certificate.qrText,
        kind: record.kind,
        details: record.data,
        language: person.language,
        holder: {
          familyName: person.familyName,
          givenName: person.givenName,
          familyNameIcao: person.familyNameIcao,
          givenNameIcao: person.givenNameIcao,
          birthDate: person.birthDate,
        },
        uvci: certificate.uvci,
        issuer: { name: issuer?.name ?? certificate.issuerId, country: issuer?.country ?? '' },
        issuedAt: new Date(certificate.issuedAt),
        expiresAt: new Date(certificate.expiresAt),
        // A revoked or suspended certificate prints with its mark, never clean.
        status:
          certificate.status === 'valid'
            ? undefined
            : { state: certificate.status, reason: certificate.statusReason },
      })
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="certificate-${certificate.id}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf)
    },
  )

  app.post(
    '/api/v1/records/:id/certificates',
    {
      config: { access: issuerRoles },
      schema: {
        summary:
          'Issue the certificate of a record by hand (a record entered before its issuer had a key)',
        tags: ['certificates'],
        params: idParams,
        response: { 201: { $ref: 'Certificate#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const certificate = await context.certificateIssuing.issueForRecord(
        requireActor(request),
        request.params.id,
      )
      return reply.status(201).send(presentCertificate(certificate))
    },
  )

  app.post(
    '/api/v1/certificates/:id/revoke',
    {
      config: { access: revokerRoles },
      schema: {
        summary:
          'Revoke a certificate (wrong data, fraud): it goes on the revocation list, for good',
        tags: ['certificates'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 5, maxLength: 500 } },
        },
        response: { 200: { $ref: 'Certificate#' }, ...errorResponses },
      },
    },
    async (request) =>
      presentCertificate(
        await context.certificateRevocation.revoke(
          requireActor(request),
          request.params.id,
          request.body.reason,
        ),
      ),
  )
}
