/**
 * The one base of every error Healthcode throws on purpose: a stable machine-readable `code`
 * (`ERR_<AREA>_<PROBLEM>`, each documented in docs/errors.md), a message for people, and the
 * `field` at fault where there is one. It carries no HTTP status: the API maps codes to statuses
 * in one table (`src/api/errors.ts`), the CLI maps them to exit statuses.
 *
 * @example
 * ```ts
 * class ExampleError extends HealthcodeError<'ERR_EXAMPLE_BROKEN'> {
 *   override readonly name = 'ExampleError'
 * }
 * throw new ExampleError('ERR_EXAMPLE_BROKEN', 'the example is broken', { field: 'example' })
 * ```
 */
export abstract class HealthcodeError<Code extends string = string> extends Error {
  readonly code: Code
  /** The input field at fault (`birthDate`, `items[3].at`), when one is. */
  readonly field: string | undefined

  constructor(
    code: Code,
    message: string,
    options?: { readonly cause?: unknown; readonly field?: string | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.field = options?.field
  }
}
