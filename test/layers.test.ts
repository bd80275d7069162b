import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const eslint = new ESLint({ cwd: root })

/** The rule ids ESLint reports for `code` as if it were the file at `path` (not written). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) })
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`)
}

function assertCaught(found: string[], rule: string, message: RegExp): void {
  assert.ok(
    found.some((f) => f.startsWith(`${rule}:`) && message.test(f)),
    `expected ${rule} matching ${message}, got ${JSON.stringify(found)}`,
  )
}

describe('the layer rules in eslint.config.js', () => {
  it('keep storage, HTTP, the CLI and outbound adapters out of the domain', async () => {
    for (const target of ['storage/open-store', 'api/app', 'cli/main', 'outbound/fetch-document']) {
      const found = await violations(
        'src/domain/people/probe.ts',
        `import { x } from '../../${target}.js'\nexport const y = x\n`,
      )
      assertCaught(found, 'no-restricted-imports', /domain depends on the codec only/)
    }
  })

  it('keep Fastify, Kysely and database drivers out of the domain', async () => {
    for (const pkg of ['fastify', 'kysely', 'pg', 'better-sqlite3']) {
      const found = await violations(
        'src/domain/venues/probe.ts',
        `import x from '${pkg}'\nexport const y = x\n`,
      )
      assertCaught(found, 'no-restricted-imports', /no I\/O/)
    }
  })

  it('keep file, network and process I/O out of the domain', async () => {
    for (const mod of ['node:fs', 'node:fs/promises', 'node:http', 'node:child_process']) {
      const found = await violations(
        'src/domain/register/probe.ts',
        `import * as x from '${mod}'\nexport const y = x\n`,
      )
      assertCaught(found, 'no-restricted-imports', /no I\/O/)
    }
    const fetching = await violations(
      'src/domain/verification/probe.ts',
      `export const y = () => fetch('https://example.org/')\n`,
    )
    assertCaught(fetching, 'no-restricted-globals', /through a port/)
  })

  it('keep the wall clock out of the domain and the codec', async () => {
    for (const path of ['src/domain/colours/probe.ts', 'src/codec/hc1/probe.ts']) {
      assertCaught(
        await violations(path, `export const y = () => Date.now()\n`),
        'no-restricted-syntax',
        /[Cc]lock/,
      )
      assertCaught(
        await violations(path, `export const y = () => new Date()\n`),
        'no-restricted-syntax',
        /[Cc]lock/,
      )
    }
  })

  it('allow the domain what it needs: the codec, node:crypto and dates it is given', async () => {
    const found = await violations(
      'src/domain/people/probe.ts',
      `import { createHash } from 'node:crypto'\nimport { verifyHc1 } from '../../codec/hc1/index.js'\n` +
        `export const y = (at: string) => [createHash, verifyHc1, new Date(at)]\n`,
    )
    assert.deepEqual(found, [])
  })

  it('keep HTTP and the CLI out of storage, the outbound adapters and the composition root', async () => {
    for (const path of [
      'src/storage/probe.ts',
      'src/outbound/probe.ts',
      'src/composition/probe.ts',
    ]) {
      for (const target of ['../api/errors.js', '../cli/main.js', 'fastify']) {
        const found = await violations(path, `import * as x from '${target}'\nexport const y = x\n`)
        assertCaught(found, 'no-restricted-imports', /do not reach up/)
      }
    }
  })

  it('keep the CLI out of the HTTP API', async () => {
    const found = await violations(
      'src/api/routes/probe.ts',
      `import * as x from '../../cli/main.js'\nexport const y = x\n`,
    )
    assertCaught(found, 'no-restricted-imports', /API does not depend on the CLI/)
  })

  it('keep store transactions out of the routes', async () => {
    const found = await violations(
      'src/api/routes/venues/probe.ts',
      `export const y = (store: { transaction(f: () => void): void }) => store.transaction(() => {})\n`,
    )
    assertCaught(found, 'no-restricted-syntax', /service opens the store transaction/)
  })

  it('keep everything above the codec out of the codec', async () => {
    const found = await violations(
      'src/codec/hc1/probe.ts',
      `import * as x from '../../domain/errors.js'\nexport const y = x\n`,
    )
    assertCaught(found, 'no-restricted-imports', /depends on nothing above it/)
  })

  it('keep Node modules and Buffer out of the files the browser scanner runs', async () => {
    const path = 'src/domain/venues/door-reading.ts'
    assertCaught(
      await violations(
        path,
        `import { createHash } from 'node:crypto'\nexport const y = createHash\n`,
      ),
      'no-restricted-imports',
      /browser runs this file/,
    )
    assertCaught(
      await violations(path, `export const y = Buffer.from('x')\n`),
      'no-restricted-globals',
      /browser runs this file/,
    )
  })

  it('name exactly the source files the browser scanner imports, directly or not', async () => {
    const config = (await import(join(root, 'eslint.config.js'))) as {
      browserSharedFiles: readonly string[]
    }
    const reached = sourceFilesImportedFrom(join(root, 'web/src/scanner/shared-codec.ts'))
    assert.deepEqual([...reached].sort(), [...config.browserSharedFiles].sort())
  })
})

/** Every file under src/ that `entry` imports, following relative imports through src/. */
function sourceFilesImportedFrom(entry: string): Set<string> {
  const found = new Set<string>()
  const pending = [entry]
  while (pending.length > 0) {
    const file = pending.pop() as string
    const text = readFileSync(file, 'utf8')
    // Runtime imports only: `import type` leaves nothing in the browser's bundle.
    for (const match of text.matchAll(
      /^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/gm,
    )) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))
      const path = relative(root, target)
      // Generated files (the compiled schema validators) are not linted: they are made by a script.
      if (!path.startsWith('src/') || path.endsWith('.generated.ts') || found.has(path)) continue
      found.add(path)
      pending.push(target)
    }
  }
  return found
}
