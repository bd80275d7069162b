import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import type { sharedSchemas } from './schemas.js'

/** How the route types are read from the JSON schemas: `{ $ref: 'Name#' }` names a shared schema. */
interface SchemaOptions {
  references: [...typeof sharedSchemas]
  parseIfThenElseKeywords: true
}

/** The same for answers, where a `format: 'binary'` string is sent as bytes (a PDF, a picture). */
interface AnswerSchemaOptions extends SchemaOptions {
  deserialize: [{ pattern: { type: 'string'; format: 'binary' }; output: string | Uint8Array }]
}

/**
 * A value as the serializer writes it: fast-json-stringify writes only the properties a response
 * schema declares, so the index signature json-schema-to-ts gives an object without
 * `additionalProperties: false` is dropped (a domain interface, which has none, then fits).
 */
export type Serialized<T> = T extends readonly (infer Item)[]
  ? readonly Serialized<Item>[]
  : T extends object
    ? { [Key in keyof T as string extends Key ? never : Key]: Serialized<T[Key]> }
    : T

/** An answer: `{ type: 'null' }` (204, a redirect) is sent without a body. */
type Answer<T> = [T] extends [null] ? undefined : Serialized<T>

/**
 * The type provider of every route (json-schema-to-ts): params, query and body are typed from the
 * route's own JSON schemas, and each response from its response schema, so a schema is written
 * once and its type derived from it.
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema'], SchemaOptions> : unknown
  serializer: this['schema'] extends JSONSchema
    ? Answer<FromSchema<this['schema'], AnswerSchemaOptions>>
    : unknown
}

/** A Fastify instance whose routes are typed from their schemas. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  SchemaTypeProvider
>

/** The Fastify instance given to a route family, typed from the route schemas. */
export function typedRoutes(app: FastifyInstance): ApiInstance {
  return app.withTypeProvider<SchemaTypeProvider>()
}

/** The id of a shared schema (`src/api/schemas.ts`). */
export type SharedSchemaId = (typeof sharedSchemas)[number]['$id']

/** The value a shared response schema describes: what a presenter returns. */
export type Presented<Id extends SharedSchemaId> = Serialized<
  FromSchema<Extract<(typeof sharedSchemas)[number], { $id: Id }>, SchemaOptions>
>

/** The value a route's own schema describes. */
export type FromRouteSchema<Schema extends JSONSchema> = FromSchema<Schema, SchemaOptions>
