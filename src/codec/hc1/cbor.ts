import { Decoder, Tag, addExtension } from 'cbor-x'

/**
 * A date-time string that arrived under CBOR tag 0 (RFC 8949, section 3.4.1). Some issuers tag
 * `sc` this way; keeping the text as sent lets the schema see exactly what was signed, where
 * cbor-x would otherwise turn it into a `Date` and lose its form.
 */
export class TaggedDateTime {
  constructor(readonly text: unknown) {}
}

addExtension({
  Class: TaggedDateTime,
  tag: 0,
  encode(value: TaggedDateTime, encode: (value: unknown) => Uint8Array) {
    return encode(value.text)
  },
  decode(text: unknown) {
    return new TaggedDateTime(text)
  },
})

/**
 * The one CBOR decoder of the codec: maps stay `Map`s (COSE and CWT keys are integers) and the
 * record extension of cbor-x is off, so only standard CBOR is understood.
 */
export const cborDecoder = new Decoder({ mapsAsObjects: false, useRecords: false })

/** A JSON value as the DCC schema sees it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** How deep a DCC payload may nest; the real ones nest 4 levels. */
export const MAX_JSON_DEPTH = 16

/** Marks a value that has no JSON form; the slow path then finds out what and where. */
const NOT_JSON = Symbol('not JSON')

/**
 * Converts decoded CBOR into JSON, the data model of the DCC schema (HCERT section 3.3.3): maps
 * with text keys, arrays, text, numbers, booleans and null. Tagged date-times (tag 0) become their
 * text and epoch dates (tag 1) an ISO 8601 string.
 *
 * @returns the JSON value, or a string saying what was not JSON and where.
 */
export function cborToJson(value: unknown): { json: JsonValue } | { problem: string } {
  const json = toJson(value, 0)
  return json === NOT_JSON ? { problem: findProblem(value, '$', 0) } : { json }
}

/** The fast path: converts, or returns {@link NOT_JSON} without saying why. */
function toJson(value: unknown, depth: number): JsonValue | typeof NOT_JSON {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : NOT_JSON
    case 'object':
      break
    default:
      return NOT_JSON
  }
  if (value === null) return null
  if (depth >= MAX_JSON_DEPTH) return NOT_JSON
  if (value instanceof Map) {
    const object: { [key: string]: JsonValue } = {}
    for (const [key, entry] of value) {
      if (typeof key !== 'string') return NOT_JSON
      const item = toJson(entry, depth + 1)
      if (item === NOT_JSON) return NOT_JSON
      // A key named "__proto__" must stay data, never change the object's prototype.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else {
        object[key] = item
      }
    }
    return object
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const item = toJson(value[i], depth + 1)
      if (item === NOT_JSON) return NOT_JSON
      items[i] = item
    }
    return items
  }
  if (value instanceof TaggedDateTime) return typeof value.text === 'string' ? value.text : NOT_JSON
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? NOT_JSON : value.toISOString()
  return NOT_JSON
}

/** The slow path, run only on failure: says what is not JSON and where. */
function findProblem(value: unknown, path: string, depth: number): string {
  if (depth > MAX_JSON_DEPTH) return `${path} nests deeper than ${MAX_JSON_DEPTH} levels`
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      if (typeof key !== 'string') return `${path} has a ${typeof key} key; JSON keys are text`
      if (toJson(entry, depth + 1) === NOT_JSON)
        return findProblem(entry, `${path}.${key}`, depth + 1)
    }
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (toJson(value[i], depth + 1) === NOT_JSON)
        return findProblem(value[i], `${path}[${i}]`, depth + 1)
    }
  }
  if (typeof value === 'number') return `${path} is ${value}, not a finite number`
  if (typeof value === 'bigint') return `${path} is an integer beyond 2^53`
  if (value === undefined) return `${path} is CBOR undefined`
  if (value instanceof TaggedDateTime)
    return `${path} is tag 0 around a ${typeof value.text}, not a date-time string`
  if (value instanceof Date) return `${path} is an invalid tag 1 date`
  if (value instanceof Uint8Array) return `${path} is a byte string`
  if (value instanceof Tag) return `${path} carries CBOR tag ${value.tag}`
  return `${path} is not a JSON value`
}
