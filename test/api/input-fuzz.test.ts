import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import type { Role } from '../../src/domain/access/roles.js'
import { checkAuditChainStream } from '../../src/domain/audit/audit-chain.js'
import { openDatabase } from '../../src/storage/open-store.js'
import { forEachDialect } from '../support/dialects.js'
import { seededRandom, type SeededRandom } from '../seeded-random.js'
import { type TestApp, type TestUser, personBody, testApp } from './test-app.js'

/**
 * The input fuzzer: for every write route of `/openapi.json`, a signed-in user of a role the route
 * admits sends bodies, queries and paths derived from the route's own schema and broken on
 * purpose (wrong types, missing and extra fields, huge and empty strings, control characters,
 * impossible and out-of-range dates, prototype keys, deep nesting, huge numbers). Every answer
 * must be below 500 and an error must carry a code; a mutation that breaks the schema must be
 * refused with a 4xx; a refused request must leave every table's row count as it was (the audit
 * log and the attempt counters excepted: refusals may be recorded there); and the audit chain must
 * be intact at the end. Seeded: the same seed sends the same requests.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206)
/** Mutations sent per route, at most (bounded so that a dialect runs in about a minute). */
const PER_ROUTE = Number(process.env['FUZZ_PER_ROUTE'] ?? 40)
/**
 * Tables a refused request may still write to: refusals are audited and counted there (on
 * PostgreSQL the audit log's rows land in its time partitions, `audit_log_<month>` or
 * `audit_log_default`).
 */
const WRITES_ON_REFUSAL =
  /^(audit_log(_\w+)?|limit_counters|.*attempt.*|.*rate_limit.*|.*lockout.*|kysely_.*)$/

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  pattern?: string
  format?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  additionalProperties?: boolean | Schema
  anyOf?: Schema[]
  $ref?: string
  default?: unknown
  'x-date'?: string
  'x-time'?: string
  'x-text'?: string
  'x-free-form'?: boolean
}

interface Operation {
  parameters?: { in: string; name: string; schema: Schema; required?: boolean }[]
  requestBody?: { content: Record<string, { schema: Schema }> }
}

interface Mutation {
  readonly what: string
  readonly url: string
  /** A JSON text (so that prototype keys arrive as sent), or nothing. */
  readonly payload: string | undefined
  /** The schema forbids it: the answer must be a 4xx. */
  readonly mustRefuse: boolean
}

const samplePatterns: Record<string, string> = {
  '^[A-Z0-9-]{2,40}$': 'RU-SPB',
  '^[A-Z]{2}$': 'RU',
  '^[A-Z<]{1,80}$': 'IVANOV',
  '^\\+?[0-9 ()-]{5,20}$': '+7 812 555-01-02',
  '^[A-Za-z0-9+/]*={0,2}$': 'JVBERi0xLjQK',
  '^https://': 'https://issuer.example',
  '^[^\\s]+$': 'fuzz-login@test',
  '^[A-Z0-9-]{1,20}$': 'RU',
  '^[A-Za-z0-9_-]{8,64}$': 'fuzz-client-0001',
}

/** A value the schema takes (as far as a schema says what a good value is). */
function validValue(schema: Schema, resolve: (ref: string) => Schema, name: string): unknown {
  if (schema.$ref) return validValue(resolve(schema.$ref), resolve, name)
  if (schema.anyOf) return validValue(schema.anyOf[0] as Schema, resolve, name)
  if (schema.default !== undefined) return schema.default
  if (schema.enum) return schema.enum[0]
  const type = [schema.type].flat()[0]
  if (schema['x-date'] === 'birth') return '1985-03-14'
  if (schema['x-date']) return '2026-11-20'
  if (schema['x-time']) return '2026-11-23T08:30:00Z'
  switch (type) {
    case 'string':
      if (schema.pattern && samplePatterns[schema.pattern]) return samplePatterns[schema.pattern]
      if (schema.format === 'email') return 'fuzz@example.org'
      return 'fuzz text'.padEnd(Math.max(schema.minLength ?? 0, 9), 'x')
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return true
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () =>
        validValue(schema.items ?? {}, resolve, name),
      )
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        out[key] = validValue(child, resolve, key)
      }
      return out
    }
    default:
      return {}
  }
}

function deep(levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

/** Values that break a field, each with whether its schema forbids it. */
function brokenValues(
  schema: Schema,
  resolve: (ref: string) => Schema,
): [string, unknown, boolean][] {
  if (schema.$ref) return brokenValues(resolve(schema.$ref), resolve)
  const type = [schema.type].flat()[0]
  const out: [string, unknown, boolean][] = [
    ['deep nesting', deep(2000), true],
    // Ajv's type coercion (Fastify's default) reads null as "", 0 or false: not refused as such.
    ['null', null, false],
  ]
  const dated = schema['x-date'] !== undefined || schema['x-time'] !== undefined
  switch (type) {
    case 'string': {
      const fixed = schema.enum !== undefined || schema.pattern !== undefined || dated
      out.push(['an object for a string', { a: 1 }, true])
      out.push(['an empty string', '', fixed || (schema.minLength ?? 0) > 0])
      out.push([
        'a huge string',
        'a'.repeat((schema.maxLength ?? 100_000) + 1),
        schema.maxLength !== undefined || fixed,
      ])
      for (const [name, character] of [
        ['NUL', '\u0000'],
        ['U+0085', '\u0085'],
        ['ESC', '\u001b'],
      ] as const) {
        out.push([`${name} in a string`, `ab${character}cd`, true])
      }
      out.push(['U+202E in a string', 'ab\u202ecd', fixed || schema['x-text'] === 'identifier'])
      if (dated) {
        for (const day of [
          '2024-02-30',
          '2023-02-29',
          '1899-12-31',
          '9999-12-31',
          '2026-13-01',
          '0000-00-00',
        ]) {
          out.push([`the date ${day}`, schema['x-time'] ? `${day}T10:00:00Z` : day, true])
        }
        if (schema['x-date'] === 'event' || schema['x-time'] === 'event') {
          out.push([
            'a date in the future',
            schema['x-time'] ? '2027-01-01T00:00:00Z' : '2027-01-01',
            true,
          ])
          out.push([
            'a date before December 2019',
            schema['x-time'] ? '2019-11-30T00:00:00Z' : '2019-11-30',
            true,
          ])
        }
      }
      break
    }
    case 'integer':
    case 'number':
      out.push(['text for a number', 'many', true])
      out.push(['a huge number', 1e308, schema.maximum !== undefined])
      out.push(['a huge negative number', -1e308, schema.minimum !== undefined])
      out.push(['2^53 + 2', 2 ** 53 + 2, schema.maximum !== undefined])
      if (type === 'integer') out.push(['a fraction', 1.5, true])
      break
    case 'boolean':
      out.push(['text for a boolean', 'maybe', true])
      break
    case 'array':
      out.push(['an object for an array', { a: 1 }, true])
      out.push(['a thousand items', Array.from({ length: 1000 }, () => 1), true])
      break
    case 'object':
      out.push(['text for an object', 'text', true])
      out.push([
        'a NUL in a key',
        { 'a\u0000b': 1 },
        schema['x-free-form'] === true || schema.additionalProperties === false,
      ])
      out.push(['a constructor key', { constructor: { prototype: { polluted: 1 } } }, true])
      break
  }
  return out
}

/** Every field path of a body schema, with its schema (nested objects and array items too). */
function fields(
  schema: Schema,
  resolve: (ref: string) => Schema,
  path: (string | number)[] = [],
  depth = 0,
): { path: (string | number)[]; schema: Schema }[] {
  const resolved = schema.$ref ? resolve(schema.$ref) : schema
  const out: { path: (string | number)[]; schema: Schema }[] = []
  if (depth > 4) return out
  for (const [key, child] of Object.entries(resolved.properties ?? {})) {
    out.push({ path: [...path, key], schema: child })
    out.push(...fields(child, resolve, [...path, key], depth + 1))
  }
  if (resolved.items) {
    out.push(...fields(resolved.items, resolve, [...path, 0], depth + 1))
  }
  return out
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >
  copy[head] = setAt(copy[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, replacement)
  return copy
}

function removeAt(value: unknown, path: (string | number)[]): unknown {
  if (path.length === 1) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).filter(([key]) => key !== path[0]),
    )
  }
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >
  copy[head] = removeAt(copy[head], rest)
  return copy
}

function mutations(
  url: string,
  operation: Operation,
  resolve: (ref: string) => Schema,
  random: SeededRandom,
): Mutation[] {
  const body = operation.requestBody?.content['application/json']?.schema
  const query = (operation.parameters ?? []).filter((p) => p.in === 'query')
  const path = (operation.parameters ?? []).filter((p) => p.in === 'path')
  const good = body ? validValue(body, resolve, '') : undefined
  const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value))
  const out: Mutation[] = []
  const add = (what: string, payload: string | undefined, mustRefuse: boolean, at = url) =>
    out.push({ what, url: at, payload, mustRefuse })

  if (body) {
    const resolved = body.$ref ? resolve(body.$ref) : body
    add('an array for the body', '[]', true)
    add('text for the body', '"text"', true)
    add('a body 2000 levels deep', JSON.stringify(deep(2000)), true)
    const goodText = JSON.stringify(good)
    const withKey = (key: string, value: string) =>
      goodText === '{}' ? `{"${key}":${value}}` : `{"${key}":${value},${goodText.slice(1)}`
    add('a __proto__ key', withKey('__proto__', '{"polluted":true}'), true)
    add(
      'a constructor.prototype key',
      withKey('constructor', '{"prototype":{"polluted":true}}'),
      true,
    )
    if (resolved.additionalProperties === false) {
      add('an extra field', withKey('fuzzExtra', '1'), true)
      add('a field with NUL in its name', withKey('fuzz\\u0000', '1'), true)
    }
    for (const name of resolved.required ?? []) {
      add(`no ${name}`, json(removeAt(good, [name])), true)
    }
    for (const field of fields(body, resolve)) {
      for (const [what, value, mustRefuse] of brokenValues(field.schema, resolve)) {
        add(`${field.path.join('.')}: ${what}`, json(setAt(good, field.path, value)), mustRefuse)
      }
    }
  }
  const withQuery = (name: string, value: string) =>
    `${url}${url.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`
  for (const parameter of query) {
    add(`query ${parameter.name}: NUL`, json(good), true, withQuery(parameter.name, 'a\u0000b'))
    add(
      `query ${parameter.name}: huge`,
      json(good),
      true,
      withQuery(parameter.name, 'a'.repeat(5000)),
    )
  }
  add('an unknown query parameter with NUL', json(good), false, withQuery('fuzz', '\u0000'))
  for (const parameter of path) {
    const marker = `__${parameter.name}__`
    if (!url.includes(marker)) continue
    for (const [what, value] of [
      ['NUL', 'a\u0000b'],
      ['U+202E', 'a\u202eb'],
      ['huge', 'a'.repeat(5000)],
    ] as const) {
      add(
        `path ${parameter.name}: ${what}`,
        json(good),
        true,
        url.replace(marker, encodeURIComponent(value)),
      )
    }
  }
  // Shuffle (seeded) and keep a bounded number.
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[out[i], out[j]] = [out[j] as Mutation, out[i] as Mutation]
  }
  return out.slice(0, PER_ROUTE)
}

forEachDialect((dialect) => {
  describe(`input fuzzer over every write route (${dialect.name})`, () => {
    let t: TestApp
    let db: Kysely<unknown>
    let tables: string[]
    let personId: string
    let venueId: string
    before(async () => {
      const url = dialect.url()
      t = await testApp(url)
      db = (await openDatabase(url)).db as unknown as Kysely<unknown>
      tables = (await db.introspection.getTables())
        .map((table) => table.name)
        .filter((name) => !WRITES_ON_REFUSAL.test(name))
        .sort()
      const person = await t.request(t.users.citizen, 'POST', '/api/v1/me/person', {
        ...personBody({ document: { type: 'passport', number: 'FZ100001', country: 'RU' } }),
        issuerId: 'ru-spb',
      })
      assert.equal(person.statusCode, 201, person.body)
      personId = person.json().id
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Fuzz Hall',
        category: 'museum',
        address: '1 Test Street',
        district: 'RU-SPB',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      venueId = venue.json().id
    })
    after(async () => {
      await db?.destroy()
      await t?.close()
    })

    /** One query counting the rows of every table. */
    async function rowCounts(): Promise<Record<string, number>> {
      const selects = tables.map(
        (name) => sql`(select count(*) from ${sql.table(name)}) as ${sql.ref(name)}`,
      )
      const result = await sql<
        Record<string, number | string>
      >`select ${sql.join(selects)}`.execute(db)
      const row = result.rows[0] ?? {}
      return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]))
    }

    it(`answers every broken request with a 4xx and a code, writes nothing, keeps the audit chain (seed ${SEED})`, async () => {
      const random = seededRandom(SEED)
      const openapi = (await t.request(undefined, 'GET', '/openapi.json')).json() as {
        paths: Record<string, Record<string, Operation>>
        components?: { schemas?: Record<string, Schema> }
      }
      const resolve = (ref: string): Schema => {
        const name = ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '')
        const found = openapi.components?.schemas?.[name]
        assert.ok(found, `unresolved $ref ${ref}`)
        return found
      }
      const userFor = (method: string, path: string): TestUser | undefined => {
        const url = path.replace(/\{(\w+)\}/g, ':$1')
        const route = t.app.routeCatalogue.find((r) => r.method === method && r.url === url)
        assert.ok(route, `${method} ${path} is not in the catalogue`)
        if (route.access === 'public') return undefined
        if (route.access === 'signedIn') return t.users.citizen
        return t.users[route.access[0] as Role]
      }
      const problems: string[] = []
      let sent = 0
      let counts = await rowCounts()
      for (const [path, methods] of Object.entries(openapi.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          const verb = method.toUpperCase()
          if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(verb)) continue
          const user = userFor(verb, path)
          // Path parameters name things that exist where the fuzzer has them.
          const url = path.replace(/\{(\w+)\}/g, (_all, name: string) =>
            path.startsWith('/api/v1/people/') && name === 'id'
              ? personId
              : path.startsWith('/api/v1/venues/') && name === 'id'
                ? venueId
                : randomUUID(),
          )
          const templated = path.replace(/\{(\w+)\}/g, '__$1__')
          for (const mutation of mutations(url, operation, resolve, random).concat(
            mutations(templated, operation, resolve, random)
              .filter((m) => m.what.startsWith('path '))
              .slice(0, 3),
          )) {
            const answer = await t.app.inject({
              method: verb as 'POST',
              url: mutation.url,
              headers: {
                ...(user ? { authorization: `Bearer ${user.token}` } : {}),
                ...(mutation.payload === undefined ? {} : { 'content-type': 'application/json' }),
              },
              ...(mutation.payload === undefined ? {} : { payload: mutation.payload }),
            })
            sent++
            const name = `${verb} ${path} — ${mutation.what}`
            const status = answer.statusCode
            let code: unknown
            try {
              code = (answer.json() as { error?: { code?: unknown } }).error?.code
            } catch {
              code = undefined
            }
            if (status >= 500) problems.push(`${name}: ${status} ${answer.body.slice(0, 300)}`)
            else if (status >= 400 && typeof code !== 'string') {
              problems.push(`${name}: ${status} without an error code`)
            } else if (mutation.mustRefuse && status < 400) {
              problems.push(`${name}: accepted (${status}) ${answer.body.slice(0, 200)}`)
            }
            const now = await rowCounts()
            if (status >= 400) {
              const changed = tables.filter((table) => now[table] !== counts[table])
              if (changed.length > 0) {
                problems.push(`${name}: refused (${status}) but wrote to ${changed.join(', ')}`)
              }
            }
            counts = now
          }
        }
      }
      assert.ok(sent > 1000, `only ${sent} requests`)
      assert.ok(tables.length >= 10, `counted only ${tables.join(', ')}`)
      assert.deepEqual(problems, [])
      const chain = await t.store.transaction((tx) => checkAuditChainStream(tx.audit.all()))
      assert.equal(chain.intact, true, JSON.stringify(chain))
    })
  })

  describe(`NUL bytes where PostgreSQL once answered 500 (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    for (const [url, body, field] of [
      ['/api/v1/auth/sign-in', { login: 'clinician@test\u0000', password: 'x' }, 'login'],
      ['/api/v1/auth/sign-in', { login: 'clinician@test', password: 'pass\u0000word' }, 'password'],
      [
        '/api/v1/auth/register',
        { login: 'nul\u0000@test.example', password: 'long enough password', displayName: 'N' },
        'login',
      ],
      [
        '/api/v1/auth/register',
        { login: 'nul@test.example', password: 'long enough\u0000password', displayName: 'N' },
        'password',
      ],
    ] as const) {
      it(`POST ${url} answers 400 ERR_VALIDATION for a NUL in ${field}`, async () => {
        const answer = await t.request(undefined, 'POST', url, body)
        assert.equal(answer.statusCode, 400, answer.body)
        assert.deepEqual(
          [answer.json().error.code, answer.json().error.field],
          ['ERR_VALIDATION', field],
        )
      })
    }
  })
})
