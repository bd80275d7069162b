import type { FastifyInstance } from 'fastify'
import { proposeLatinName } from '../../../domain/people/hanyu-pinyin.js'
import { errorResponses } from '../../schemas.js'
import { typedRoutes } from '../../type-provider.js'

/** NameTransliterateBody: a name as typed in its own script. */
const NameTransliterateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['family', 'given'],
  properties: {
    family: { type: 'string', maxLength: 80 },
    given: { type: 'string', maxLength: 80 },
  },
} as const

const proposal = {
  type: ['string', 'null'],
  description: 'null when the script has no table here: the Latin form must be typed',
} as const

/** Names: the Latin form proposed for a name, for the forms where people are registered. */
export async function nameRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typedRoutes(fastify)
  app.post(
    '/api/v1/names/transliterate',
    {
      config: { access: 'signedIn' },
      schema: {
        summary:
          'Propose the Latin form of a name (Hanyu Pinyin for a Chinese name, the ICAO 9303 tables for Latin and Cyrillic) and its ICAO form (DCC fnt/gnt), to confirm or correct',
        tags: ['people'],
        body: NameTransliterateBody,
        response: {
          200: {
            type: 'object',
            properties: {
              familyLatin: proposal,
              givenLatin: proposal,
              familyIcao: proposal,
              givenIcao: proposal,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const family = proposeLatinName(request.body.family, 'family')
      const given = proposeLatinName(request.body.given, 'given')
      return {
        familyLatin: family?.latin ?? null,
        givenLatin: given?.latin ?? null,
        familyIcao: family?.icao ?? null,
        givenIcao: given?.icao ?? null,
      }
    },
  )
}
