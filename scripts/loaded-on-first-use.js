// An esbuild plugin: packages that a bundled dependency `require`s as it loads, but calls only on
// paths that are seldom or never taken, are bundled as stand-ins that load the real package, with
// Node's own loader, the first time they are used. A start then neither reads nor runs them.
import { relative } from 'node:path'

/**
 * @typedef {object} LoadedOnFirstUse
 * @property {string} name the package, as the dependency requires it
 * @property {RegExp} importer the dependency's files (other importers get the package as usual)
 * @property {'namespace' | string[]} exports how the dependency uses it:
 *   - `'namespace'`: it keeps the module object and reads a property when it calls it
 *     (`yaml.stringify(…)`); a Proxy loads the package at the first read;
 *   - a list of names: it takes these functions or classes out as it loads
 *     (`const { glob } = require('glob')`); each becomes a function that loads the package and
 *     calls, or constructs, the real one.
 */

const namespace = 'loaded-on-first-use'

/**
 * @param {readonly LoadedOnFirstUse[]} packages
 * @param {{ root: string, outdir: string }} paths the build's working folder (names the stand-ins)
 *   and its output folder (every chunk sits there: the real file is required from there)
 * @returns {import('esbuild').Plugin}
 */
export function loadedOnFirstUse(packages, { root, outdir }) {
  const names = new Set(packages.map((each) => each.name))
  return {
    name: namespace,
    setup(bundle) {
      bundle.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.namespace === namespace || !names.has(args.path)) return undefined
        const lazy = packages.find(
          (each) => each.name === args.path && each.importer.test(args.importer),
        )
        if (lazy === undefined) return undefined
        // The file the dependency would have got (its own nested copy, if it has one).
        const real = await bundle.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
        })
        if (real.errors.length > 0) return { errors: real.errors }
        const fromOutdir = relative(outdir, real.path).split('\\').join('/')
        return {
          path: relative(root, real.path).split('\\').join('/'),
          namespace,
          pluginData: {
            lazy,
            required: fromOutdir.startsWith('.') ? fromOutdir : `./${fromOutdir}`,
          },
        }
      })
      // The stand-in's own `require` of the real file stays a `require` at run time.
      bundle.onResolve({ filter: /.*/, namespace }, (args) => ({ path: args.path, external: true }))
      bundle.onLoad({ filter: /.*/, namespace }, (args) => {
        const { lazy, required } = args.pluginData
        return { contents: standIn(lazy, required), loader: 'js', resolveDir: outdir }
      })
    },
  }
}

/**
 * @param {LoadedOnFirstUse} lazy
 * @param {string} required the real file, relative to the output folder
 */
function standIn(lazy, required) {
  const load = `let real\nconst load = () => (real ??= require(${JSON.stringify(required)}))\n`
  if (lazy.exports === 'namespace') {
    return `${load}module.exports = new Proxy({}, { get: (_target, key) => load()[key] })\n`
  }
  return (
    load +
    lazy.exports
      .map(
        (name) =>
          `exports.${name} = function ${name}(...args) {\n` +
          `  return new.target ? Reflect.construct(load().${name}, args) : load().${name}.apply(this, args)\n` +
          `}\n`,
      )
      .join('')
  )
}
