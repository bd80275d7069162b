// The strict reading of input at the HTTP edge: Ajv keywords that apply the domain's one reading
// of dates, times and text (src/domain/input/strict-input.ts) to every body, query and path
// parameter, and the walk that gives every request string a text rule and a length cap by
// default. A bad value is 400 ERR_VALIDATION naming the field, before a handler runs.
import type { ErrorObject, KeywordDefinition, Plugin, SchemaValidateFunction } from 'ajv'
import type { Clock } from '../domain/clock.js'
import {
  type DateKind,
  type TextKind,
  type TimeKind,
  checkDate,
  checkFreeForm,
  checkOrdered,
  checkText,
  checkTime,
} from '../domain/input/strict-input.js'

/** The longest string a request field takes when its schema names no `maxLength`. */
export const DEFAULT_MAX_LENGTH = 1000

type Problem = Partial<ErrorObject>

/** A keyword's validate function, with the errors it reports. */
function keyword(
  name: string,
  schemaType: KeywordDefinition['schemaType'],
  type: KeywordDefinition['type'],
  check: (schema: never, data: never, context: { instancePath: string }) => Problem | undefined,
): KeywordDefinition {
  const validate: SchemaValidateFunction = (schema, data, _parent, context) => {
    const problem = check(schema as never, data as never, context ?? { instancePath: '' })
    validate.errors = problem ? [{ keyword: name, params: {}, ...problem }] : []
    return problem === undefined
  }
  return {
    keyword: name,
    schemaType,
    ...(type === undefined ? {} : { type }),
    errors: true,
    validate,
  }
}

/**
 * An Ajv plugin adding the strict-input keywords; "today" comes from `clock`, the app's clock.
 *
 * - `x-date: 'birth' | 'event' | 'planned'` on a string: a real calendar date within the kind's
 *   bounds.
 * - `x-time: 'event' | 'any'` on a string: an ISO 8601 date-time with a zone within the kind's
 *   bounds.
 * - `x-text: 'line' | 'multiline' | 'identifier'` on a string: no control characters (and no
 *   bidirectional formatting in identifiers).
 * - `x-free-form: true` on free-form JSON: every key and string checked as text, no prototype
 *   keys, bounded nesting.
 * - `x-ordered: [[from, until], …]` on an object: each pair of its date fields in order.
 *
 * @example
 * Fastify({ ajv: { plugins: [strictInputPlugin(clock)] } })
 */
export function strictInputPlugin(clock: Clock): Plugin<unknown> {
  const problem = (message: string | undefined): Problem | undefined =>
    message === undefined ? undefined : { message }
  return (ajv) => {
    ajv.addKeyword(
      keyword('x-date', 'string', 'string', (kind: DateKind, data: string) =>
        problem(checkDate(data, kind, clock())),
      ),
    )
    ajv.addKeyword(
      keyword('x-time', 'string', 'string', (kind: TimeKind, data: string) =>
        problem(checkTime(data, kind, clock())),
      ),
    )
    ajv.addKeyword(
      keyword('x-text', 'string', 'string', (kind: TextKind, data: string) =>
        problem(checkText(data, kind)),
      ),
    )
    ajv.addKeyword(
      keyword('x-free-form', 'boolean', undefined, (_on: boolean, data: unknown, context) => {
        const found = checkFreeForm(data)
        return found && { instancePath: context.instancePath + found.path, message: found.problem }
      }),
    )
    ajv.addKeyword(
      keyword(
        'x-ordered',
        'array',
        'object',
        (pairs: [string, string][], data: Record<string, unknown>, context) => {
          for (const [from, until] of pairs) {
            const start = data[from]
            const end = data[until]
            if (typeof start !== 'string' || typeof end !== 'string') continue
            const message = checkOrdered(start, end)
            if (message) return { instancePath: `${context.instancePath}/${until}`, message }
          }
          return undefined
        },
      ),
    )
    return ajv
  }
}

/** The part of a request a schema reads. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers'

// Fields whose names say they hold an identifier or a code, checked as `identifier`.
const identifierName = /^(id|login|token|replaces|clientId|uvci|kid|number)$|(Id|Ids|Code)$/
// Fields whose names say they hold free text over lines (a reason, a note).
const multilineName = /^(reason|note|comment)$/

type Schema = Record<string, unknown>

/**
 * Returns a copy of a request schema in which every string has a text rule (`x-text`) and a
 * length cap, and every free-form object is checked as free-form JSON (`x-free-form`), unless
 * the schema says otherwise. Fields named `reason`, `note` or `comment` are multi-line text; path
 * and query parameters, fields named like identifiers (`id`, `issuerId`, `areaCode`) and
 * patterned strings are identifiers; other strings are one line.
 */
export function strictRequestSchema<T>(schema: T, part: RequestPart): T {
  return strictNode(schema, part === 'params' || part === 'querystring', '') as T
}

function strictNode(node: unknown, identifiers: boolean, name: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node
  const schema: Schema = { ...(node as Schema) }
  if (typeof schema['$ref'] === 'string') return schema
  const types = [schema['type']].flat()
  if (types.includes('string') && schema['x-text'] === undefined && schema['enum'] === undefined) {
    schema['x-text'] = multilineName.test(name)
      ? 'multiline'
      : identifiers || identifierName.test(name) || schema['pattern'] !== undefined
        ? 'identifier'
        : 'line'
    if (schema['maxLength'] === undefined && schema['pattern'] === undefined) {
      schema['maxLength'] = DEFAULT_MAX_LENGTH
    }
  }
  const properties = schema['properties'] as Record<string, unknown> | undefined
  const freeForm =
    schema['type'] === undefined && Object.keys(schema).every((key) => key === 'description')
  if (
    (freeForm || (types.includes('object') && properties === undefined)) &&
    schema['x-free-form'] === undefined
  ) {
    schema['x-free-form'] = true
  }
  if (properties) {
    schema['properties'] = Object.fromEntries(
      Object.entries(properties).map(([key, child]) => [key, strictNode(child, identifiers, key)]),
    )
  }
  if (typeof schema['additionalProperties'] === 'object') {
    schema['additionalProperties'] = strictNode(schema['additionalProperties'], identifiers, '')
  }
  if (schema['items'] !== undefined)
    schema['items'] = strictNode(schema['items'], identifiers, name)
  for (const combinator of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[combinator]
    if (Array.isArray(branches)) {
      schema[combinator] = branches.map((branch) => strictNode(branch, identifiers, name))
    }
  }
  return schema
}
