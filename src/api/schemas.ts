import { identityDocumentTypes, languages } from '../domain/people/person.js'
import { roles } from '../domain/access/roles.js'

/** A certificate as the API shows it (shared by the register, certificate and commission routes). */
export const certificateSchema = {
  $id: 'Certificate',
  type: 'object',
  required: [
    'id',
    'uvci',
    'personId',
    'recordId',
    'issuerId',
    'kind',
    'payloadType',
    'qr',
    'status',
    'issuedAt',
    'expiresAt',
  ],
  properties: {
    id: { type: 'string' },
    uvci: { type: 'string', description: 'unique certificate identifier (DCC `ci`)' },
    personId: { type: 'string' },
    recordId: { type: 'string' },
    issuerId: { type: 'string' },
    kind: { type: 'string', enum: ['vaccination', 'test', 'recovery', 'antibody'] },
    payloadType: {
      type: 'string',
      enum: ['eu-dcc', 'healthcode-antibody'],
      description: 'an EU DCC, or our antibody payload (docs/antibody-certificate.md)',
    },
    qr: { type: 'string', description: 'the `HC1:` text of the QR code' },
    status: { type: 'string', enum: ['valid', 'suspended', 'revoked'] },
    statusReason: { type: 'string' },
    statusChangedAt: { type: 'string', format: 'date-time' },
    issuedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const

/** Shared JSON schemas, registered once with `addSchema` and referenced as `{ $ref: 'Name#' }`. */
export const sharedSchemas = [
  certificateSchema,
  {
    $id: 'Error',
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: 'a stable code, listed in docs/errors.md' },
          message: { type: 'string' },
          field: { type: 'string', description: 'the request field the error concerns' },
        },
      },
    },
  },
  {
    $id: 'IdentityDocument',
    type: 'object',
    additionalProperties: false,
    required: ['type', 'number', 'country'],
    properties: {
      type: { type: 'string', enum: [...identityDocumentTypes] },
      number: { type: 'string', minLength: 1, maxLength: 40 },
      country: { type: 'string', minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2' },
    },
  },
  {
    $id: 'Person',
    type: 'object',
    required: [
      'id',
      'issuerId',
      'familyName',
      'givenName',
      'familyNameIcao',
      'givenNameIcao',
      'birthDate',
      'residency',
      'document',
      'language',
      'hasAccount',
      'createdAt',
      'updatedAt',
    ],
    properties: {
      id: { type: 'string' },
      issuerId: { type: 'string' },
      familyName: { type: 'string' },
      givenName: { type: 'string' },
      familyNameIcao: { type: 'string', description: 'ICAO 9303 transliteration (A-Z, <)' },
      givenNameIcao: { type: 'string' },
      birthDate: { type: 'string' },
      residency: { type: 'string', enum: ['resident', 'foreigner'] },
      document: { $ref: 'IdentityDocument#' },
      phone: { type: 'string' },
      email: { type: 'string' },
      language: { type: 'string', enum: [...languages] },
      district: { type: 'string' },
      hasAccount: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  {
    $id: 'Account',
    type: 'object',
    required: ['id', 'login', 'displayName', 'roles', 'signsInWith', 'createdAt'],
    properties: {
      id: { type: 'string' },
      login: { type: 'string' },
      displayName: { type: 'string' },
      roles: { type: 'array', items: { type: 'string', enum: [...roles] } },
      issuerId: { type: 'string' },
      personId: { type: 'string' },
      signsInWith: { type: 'array', items: { type: 'string', enum: ['password', 'oidc'] } },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  {
    $id: 'ApiToken',
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      revokedAt: { type: 'string', format: 'date-time' },
      lastUsedAt: { type: 'string', format: 'date-time' },
    },
  },
  {
    $id: 'Issuer',
    type: 'object',
    required: ['id', 'name', 'level', 'country'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      level: { type: 'string', enum: ['federal', 'region'] },
      country: { type: 'string' },
      parentId: { type: 'string' },
    },
  },
  {
    $id: 'AuditEntry',
    type: 'object',
    properties: {
      sequence: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actorAccountId: { type: 'string' },
      action: { type: 'string' },
      entityType: { type: 'string' },
      entityId: { type: 'string' },
      reason: { type: 'string' },
      data: {},
      previousHash: { type: 'string' },
      hash: { type: 'string' },
      issuerId: {
        type: 'string',
        description:
          'The issuer (region) the entry belongs to; absent for the system’s entries and those from before (the root’s). Hashed after the other fields when present.',
      },
    },
  },
] as const

/** The shared schemas requests use, which get the strict reading of input (strict-input.ts). */
export const requestSchemaIds: ReadonlySet<string> = new Set(['IdentityDocument'])

/** Error answers every route may give, for the OpenAPI document. */
export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
  413: { $ref: 'Error#' },
  422: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
  503: { $ref: 'Error#' },
} as const

/** Paging parameters of list routes. */
export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const
