import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The root of the `healthcode` package, found by walking up from this file, so that the bench
 * runs the same built (`dist/bench/`) or from source (`bench/`).
 *
 * @throws {Error} when no `package.json` named `healthcode` is above this file.
 */
export function findRepositoryRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let directory = start
  for (;;) {
    const manifest = join(directory, 'package.json')
    if (existsSync(manifest) && readPackageName(manifest) === 'healthcode') return directory
    const parent = dirname(directory)
    if (parent === directory) {
      throw new Error(`expected a healthcode package.json above ${start}, but found none`)
    }
    directory = parent
  }
}

function readPackageName(manifest: string): unknown {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name
}
