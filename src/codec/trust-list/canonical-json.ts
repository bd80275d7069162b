/**
 * The canonical text of a JSON value (RFC 8785, JSON Canonicalization Scheme): object members
 * sorted by the UTF-16 code units of their names, no whitespace, strings and numbers written as
 * ECMAScript's `JSON.stringify` writes them. Members whose value is `undefined` are left out, as
 * `JSON.stringify` leaves them out.
 *
 * @throws {TypeError} for what JSON cannot hold: a non-finite number, a bigint, a function.
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: ['x', null] }) // '{"a":["x",null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value)
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`expected a finite number, but found ${value}`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>
    const members = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      // RFC 8785 section 3.2.3: sorted by UTF-16 code units, which is what the default sort compares.
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`)
    return `{${members.join(',')}}`
  }
  throw new TypeError(`expected a JSON value, but found a ${typeof value}`)
}
