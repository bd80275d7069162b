import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { loadedOnFirstUse } from '../../scripts/loaded-on-first-use.js'

// A dependency (`uses-both`) requires two packages as it loads and calls them later; the plugin
// makes both stand-ins, and a third package that requires one of them gets it bundled as usual.
const files: Record<string, string> = {
  'node_modules/uses-both/index.js': `
const { double, Counter } = require('named-exports')
const words = require('whole-module')
module.exports = {
  double: (n) => double.call({ by: 3 }, n),
  counter: () => new Counter(5),
  greet: (who) => words.greet(who),
}`,
  'node_modules/named-exports/index.js': `
globalThis.firstUseLoads.push('named-exports')
exports.marker = 'NAMED_EXPORTS_CODE'
exports.double = function (n) { return n * 2 + (this && this.by ? this.by : 0) }
exports.Counter = class Counter {
  constructor(start) { this.count = start }
  next() { return ++this.count }
}`,
  'node_modules/whole-module/index.js': `
globalThis.firstUseLoads.push('whole-module')
exports.marker = 'WHOLE_MODULE_CODE'
exports.greet = (who) => 'hello ' + who`,
  'node_modules/other-user/index.js': `module.exports = () => require('whole-module').greet('other')`,
  'entry.js': `
import usesBoth from 'uses-both'
import otherUser from 'other-user'
export { usesBoth, otherUser }`,
}

describe('packages loaded on first use (the server bundle)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'hc-first-use-'))
  const outdir = join(folder, 'out')
  let bundled: {
    usesBoth: {
      double: (n: number) => number
      counter: () => { next: () => number }
      greet: (who: string) => string
    }
    otherUser: () => string
  }
  const loads: string[] = []

  before(async () => {
    for (const [path, contents] of Object.entries(files)) {
      mkdirSync(join(folder, path, '..'), { recursive: true })
      writeFileSync(join(folder, path), contents)
    }
    await build({
      absWorkingDir: folder,
      entryPoints: ['entry.js'],
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      plugins: [
        loadedOnFirstUse(
          [
            {
              name: 'named-exports',
              importer: /[\\/]uses-both[\\/]/,
              exports: ['double', 'Counter'],
            },
            { name: 'whole-module', importer: /[\\/]uses-both[\\/]/, exports: 'namespace' },
          ],
          { root: folder, outdir },
        ),
      ],
      logLevel: 'silent',
    })
    ;(globalThis as { firstUseLoads?: string[] }).firstUseLoads = loads
  })

  after(() => rmSync(folder, { recursive: true, force: true }))

  it('leaves the packages out of the bundle for the importer named, and in it for others', () => {
    const output = readdirSync(outdir)
      .map((name) => readFileSync(join(outdir, name), 'utf8'))
      .join('\n')
    assert.doesNotMatch(output, /NAMED_EXPORTS_CODE/)
    // other-user's copy of whole-module is bundled, once.
    assert.equal(output.match(/WHOLE_MODULE_CODE/g)?.length, 1)
  })

  it('loads neither package when the bundle loads', async () => {
    bundled = (await import(pathToFileURL(join(outdir, 'entry.js')).href)) as typeof bundled
    assert.deepEqual(loads, [])
    // The bundled copy (other-user's) runs its code when other-user first calls it.
    assert.equal(bundled.otherUser(), 'hello other')
    assert.deepEqual(loads, ['whole-module'])
  })

  it('loads a package at its first call, with the caller’s this and arguments', () => {
    assert.equal(bundled.usesBoth.double(20), 43)
    assert.deepEqual(loads, ['whole-module', 'named-exports'])
    assert.equal(bundled.usesBoth.double(1), 5)
    assert.deepEqual(loads, ['whole-module', 'named-exports'])
  })

  it('constructs the real class', () => {
    const counter = bundled.usesBoth.counter()
    const real = createRequire(join(folder, 'node_modules/uses-both/index.js'))(
      'named-exports',
    ) as { Counter: new (start: number) => unknown }
    assert.ok(counter instanceof real.Counter)
    assert.equal(counter.next(), 6)
  })

  it('forwards a module object’s properties, loading it at the first read', () => {
    assert.equal(bundled.usesBoth.greet('you'), 'hello you')
    assert.deepEqual(loads, ['whole-module', 'named-exports', 'whole-module'])
  })
})
