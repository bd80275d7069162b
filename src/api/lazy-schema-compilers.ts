// Route schemas compiled on first use. Fastify compiles every route's request validators (Ajv) and
// response serializers (fast-json-stringify) before it is ready: with some 300 schemas that was
// over 60 % of the server's start-up CPU and a good part of its idle memory, for routes most
// processes never serve. Here the compilers Fastify would use are the same ones (same packages,
// same options, same shared schemas), but each route part is compiled when its first request
// needs it, so the answers and the validation errors are those of eager compilation.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>

// The shapes Fastify uses (lib/validation.js, lib/reply.js): the published types of the two
// compiler packages are unions wider than what Fastify calls.
interface RouteDefinition {
  readonly method: string
  readonly url: string
  readonly httpPart?: string
}
type RouteValidator = ((data: unknown, dataContext?: unknown) => unknown) & {
  errors?: unknown
  schemaEnv?: unknown
}
type ValidatorCompiler = (route: RouteDefinition) => RouteValidator
type ValidatorFactory = (externalSchemas: unknown, options: unknown) => ValidatorCompiler
type SerializerCompiler = (route: RouteDefinition) => (data: unknown) => string
type SerializerFactory = (externalSchemas: unknown, options: unknown) => SerializerCompiler

/** Compilers that compile each route's schema on first use, and can compile the rest on demand. */
export interface LazySchemaCompilers {
  /** The `schemaController.compilersFactory` Fastify option. */
  readonly compilersFactory: CompilersFactory
  /**
   * Compiles every route part not compiled yet, as Fastify would have at start-up; returns how
   * many it compiled.
   *
   * @throws the compiler's error, naming the route, for a schema that does not compile
   */
  compileAll(): number
}

const require = createRequire(import.meta.url)

/**
 * Makes the lazy compilers for one app (Fastify's `schemaController.compilersFactory` option).
 *
 * @example
 * ```ts
 * const schemas = lazySchemaCompilers()
 * const app = Fastify({ schemaController: { compilersFactory: schemas.compilersFactory } })
 * ```
 */
export function lazySchemaCompilers(): LazySchemaCompilers {
  const pending = new Set<() => unknown>()
  // Fastify's own choices, loaded with the first compilation (the pools key Ajv instances by the
  // shared schemas and options, as Fastify's default factories do).
  let validatorPool: ValidatorFactory | undefined
  let serializerPool: SerializerFactory | undefined

  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    let compiler: ValidatorCompiler | undefined
    const compilerOf = (): ValidatorCompiler => {
      validatorPool ??= (require('@fastify/ajv-compiler') as () => ValidatorFactory)()
      compiler ??= validatorPool(externalSchemas, options)
      return compiler
    }
    return (route) => {
      if (route.httpPart === 'headers') {
        // Fastify lowercases header names in a headers schema only for its own compiler; none of
        // our routes has one, and one added must not be checked against the wrong names.
        throw new Error(
          `${route.method} ${route.url}: a headers schema is not supported (src/api/lazy-schema-compilers.ts)`,
        )
      }
      const compile = once(pending, () => compiledFor(route, () => compilerOf()(route)))
      return lazyValidator(compile)
    }
  }

  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    let compiler: SerializerCompiler | undefined
    const compilerOf = (): SerializerCompiler => {
      serializerPool ??= (
        require('@fastify/fast-json-stringify-compiler') as {
          SerializerSelector: () => SerializerFactory
        }
      ).SerializerSelector()
      compiler ??= serializerPool(externalSchemas, options)
      return compiler
    }
    return (route) => {
      const compile = once(pending, () => compiledFor(route, () => compilerOf()(route)))
      return (data: unknown) => compile()(data)
    }
  }

  return {
    compilersFactory: {
      buildValidator: buildValidator as unknown as CompilersFactory['buildValidator'],
      buildSerializer: buildSerializer as unknown as CompilersFactory['buildSerializer'],
    },
    compileAll() {
      const count = pending.size
      for (const compile of [...pending]) compile()
      return count
    },
  }
}

/** A function that runs `make` once, listed in `pending` until it has. */
function once<T>(pending: Set<() => unknown>, make: () => T): () => T {
  let made: { value: T } | undefined
  const get = (): T => {
    if (made === undefined) {
      made = { value: make() }
      pending.delete(get)
    }
    return made.value
  }
  pending.add(get)
  return get
}

/** Compiles, naming the route in the error as Fastify's start-up errors do. */
function compiledFor<T>(route: { method: string; url: string }, compile: () => T): T {
  try {
    return compile()
  } catch (error) {
    throw new Error(
      `${route.method} ${route.url}: its schema does not compile: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/**
 * A validator that compiles on its first call. Fastify reads `schemaEnv` (Ajv's, to pass the parent
 * so a root value may be coerced) and `errors` after a call: both come from the compiled function.
 */
function lazyValidator(compile: () => RouteValidator): RouteValidator {
  const validate: RouteValidator = (data, dataContext) => compile()(data, dataContext)
  Object.defineProperties(validate, {
    schemaEnv: { get: () => compile().schemaEnv },
    errors: {
      get: () => compile().errors,
      set: (errors: unknown) => {
        compile().errors = errors
      },
    },
  })
  return validate
}
