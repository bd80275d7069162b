// Bundles the built CLI and server (dist/src/cli/main.js) into a few files under dist/server, which
// bin/healthcode.js loads. Node spends most of a start loading some thousand module files one by
// one (resolving, reading, linking); one file per part starts faster (docs/benchmarks.md,
// "Start-up and idle memory"). Parts imported on first use (the certificate printer, the OpenID
// client, …) stay in chunks of their own, loaded when first needed.
//
// Run by `npm run build` after the TypeScript build; `node scripts/bundle-server.js`.
import { readFile, rm } from 'node:fs/promises'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { loadedOnFirstUse } from './loaded-on-first-use.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outdir = resolve(root, 'dist/server')

/**
 * Packages left to Node's own loader:
 * - native addons (better-sqlite3; pg-native, which pg tries and does without);
 * - packages that read files beside their own code (pdfkit's and fontkit's font data, the
 *   zxing-wasm reader's .wasm, pinyin-pro's dictionaries);
 * - packages that code of ours loads with `require` on first use (the ASN.1 and CMS stack of the
 *   Gateway's signed batches): bundled, the `import`ed copy and the `require`d one would be two
 *   instances with two schema registries.
 */
const external = [
  'better-sqlite3',
  'pg-native',
  'pdfkit',
  'fontkit',
  'zxing-wasm',
  'pinyin-pro',
  '@peculiar/*',
  // Its CommonJS entry replaces `exports` with the client class and hangs the named exports on
  // it; Node's loader finds `Redis` among them, a bundle's interop does not.
  'ioredis',
]

/**
 * Each module of ours keeps its own `import.meta.url`, the address of its file in dist/src: the
 * worker threads, the web app's files, the package's own package.json and the `require`s on
 * first use are found from there, as without the bundle.
 */
const ownModuleUrls = {
  name: 'own-module-urls',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8')
      if (contents.includes('import.meta.url')) {
        const fromBundle = relative(outdir, args.path).split('\\').join('/')
        contents = contents.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        )
      }
      return { contents, loader: 'js', resolveDir: dirname(args.path) }
    })
  },
}

/**
 * Packages that a dependency `require`s when it loads but calls only on paths a start never takes:
 * each is loaded the first time it is called (scripts/loaded-on-first-use.js). Each was 3–9 ms of
 * every start (docs/benchmarks.md, "Start-up: packages loaded on first use").
 */
const firstUse = loadedOnFirstUse(
  [
    // @fastify/swagger: the YAML form of the spec (/openapi.json is JSON) and static specs.
    { name: 'yaml', importer: /[\\/]@fastify[\\/]swagger[\\/]/, exports: 'namespace' },
    // @fastify/static: listing the files to serve, only with serve: true and wildcard: false.
    { name: 'glob', importer: /[\\/]@fastify[\\/]static[\\/]/, exports: ['glob'] },
    // @fastify/rate-limit: the key of a client that connects over IPv6.
    { name: 'ip-address', importer: /[\\/]@fastify[\\/]rate-limit[\\/]/, exports: ['Address6'] },
    // prom-client: the active span, only for metrics with exemplars.
    { name: '@opentelemetry/api', importer: /[\\/]prom-client[\\/]/, exports: 'namespace' },
  ],
  { root, outdir },
)

await rm(outdir, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  // The CLI, and the worker thread of `verify --jsonl` (src/cli/jsonl/verify-worker-start.ts).
  entryPoints: {
    main: 'dist/src/cli/main.js',
    'verify-worker': 'dist/src/cli/jsonl/verify-worker.js',
  },
  outdir,
  bundle: true,
  // Chunks sit beside main.js: the addresses written by ownModuleUrls hold for all of them.
  splitting: true,
  chunkNames: '[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external,
  plugins: [ownModuleUrls, firstUse],
  // CommonJS packages inside an ES module bundle call `require` for Node's own modules.
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
  },
  legalComments: 'linked',
  // Less to read and compile at every start (5.3 → 3.4 MB, about 7 % of the start-up CPU); names
  // are kept for stack traces, and `node --enable-source-maps` maps them back to dist/src.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
})
