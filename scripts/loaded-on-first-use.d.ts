import type { Plugin } from 'esbuild'

/** A package that a bundled dependency requires as it loads (scripts/loaded-on-first-use.js). */
export interface LoadedOnFirstUse {
  readonly name: string
  readonly importer: RegExp
  readonly exports: 'namespace' | readonly string[]
}

export function loadedOnFirstUse(
  packages: readonly LoadedOnFirstUse[],
  paths: { readonly root: string; readonly outdir: string },
): Plugin
