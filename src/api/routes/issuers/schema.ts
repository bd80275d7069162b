import {
  ISSUER_ID_LENGTH,
  ISSUER_ID_PATTERN,
  ISSUER_NAME_MAX_LENGTH,
} from '../../../domain/issuers/issuer-service.js'

/** IssuerCreateBody: a new issuer (a region, …) below one of the federal administrator's tree. */
export const IssuerCreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'parentId'],
  properties: {
    id: {
      type: 'string',
      minLength: ISSUER_ID_LENGTH.min,
      maxLength: ISSUER_ID_LENGTH.max,
      pattern: ISSUER_ID_PATTERN,
      description: 'lower-case letters, digits and single hyphens, such as `ru-spb`',
    },
    name: {
      type: 'string',
      minLength: 1,
      maxLength: ISSUER_NAME_MAX_LENGTH,
      pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$',
    },
    parentId: { type: 'string', minLength: 1, maxLength: ISSUER_ID_LENGTH.max },
    country: {
      type: 'string',
      pattern: '^[A-Z]{2}$',
      description: "ISO 3166-1 alpha-2; by default the parent's",
    },
  },
} as const
