// Modules that only rarely used parts need (printing, certificate issuing, the DCC Gateway's CMS,
// Hanyu Pinyin) are loaded when first needed, not when the server starts: loading them all cost
// the server about a second of CPU and a third of its idle memory (docs/benchmarks.md, start-up).
import { createRequire } from 'node:module'

/**
 * Returns a loader that imports a module on its first call and returns the same module after.
 * A failed import is reported as what could not be loaded and why, and tried again on the next
 * call (an installation problem, not an outcome: it is a plain `Error`).
 *
 * @example
 * ```ts
 * const pdfkit = importOnFirstUse('the PDF printer (pdfkit)', () => import('pdfkit'))
 * const { default: PDFDocument } = await pdfkit()
 * ```
 */
export function importOnFirstUse<T>(what: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined
      throw notLoaded(what, error)
    })
    return loading
  }
}

/**
 * Returns a loader that `require`s a module on its first call, for callers that must stay
 * synchronous: `specifier` is resolved from `from` (the caller's `import.meta.url`). A package
 * must load the same build for `import` as for `require` (CommonJS without an `exports` map
 * choosing another), so that every importer reaches the one instance; a module of ours (ESM) is
 * required as ESM, and must not use top-level `await`.
 *
 * @throws an `Error` saying what could not be loaded, with the cause
 */
export function requireOnFirstUse<T>(what: string, specifier: string, from: string): () => T {
  let loaded: { module: T } | undefined
  return () => {
    if (loaded === undefined) {
      try {
        loaded = { module: createRequire(from)(specifier) as T }
      } catch (error) {
        throw notLoaded(what, error)
      }
    }
    return loaded.module
  }
}

function notLoaded(what: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error)
  return new Error(`could not load ${what}: ${reason}`, { cause: error })
}
