import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Node modules that do I/O (files, network, processes, threads): the pure layers import none. */
export const nodeIoModules = [
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:https',
  'https',
  'node:http2',
  'node:tls',
  'node:dgram',
  'node:dns',
  'node:dns/*',
  'node:child_process',
  'child_process',
  'node:worker_threads',
  'node:cluster',
  'node:readline',
  'node:os',
]

/**
 * The source files the browser's offline scanner runs, through web/src/scanner/shared-codec.ts.
 * test/layers.test.ts fails when this list and the scanner's real imports differ.
 */
export const browserSharedFiles = [
  'src/codec/healthcode-error.ts',
  'src/codec/hc1/base45.ts',
  'src/codec/hc1/cbor-reader.ts',
  'src/codec/hc1/cbor.ts',
  'src/codec/hc1/cose.ts',
  'src/codec/hc1/cwt.ts',
  'src/codec/hc1/errors.ts',
  'src/codec/hc1/key-usage.ts',
  'src/codec/hc1/pooled-bytes.ts',
  'src/codec/hc1/prefix.ts',
  'src/codec/hc1/schema.ts',
  'src/codec/hc1/signed-claims.ts',
  'src/codec/hc1/zlib-header.ts',
  'src/codec/revocation/revocation-hash-bytes.ts',
  'src/codec/revocation/revocation-identifiers.ts',
  'src/domain/people/masked-name.ts',
  'src/domain/validity-rules/describe-failures.ts',
  'src/domain/validity-rules/evaluate-rules.ts',
  'src/domain/validity-rules/rule-data.ts',
  'src/domain/validity-rules/run-rule.ts',
  'src/domain/venues/door-reading.ts',
  'src/domain/venues/entry-decision.ts',
]

function wallClock(message) {
  return [
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message },
    { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message },
  ]
}

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'data/', 'test/vectors/', 'scratch/', '**/*.generated.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The web app runs in the browser and sees only HTTP (docs: STYLE.md, layout).
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/*', 'node:*'], message: 'The web app talks to the API only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['web/public/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The domain holds the rules: no HTTP, no SQL, no files, no processes, no wall clock. It
    // declares ports (Store, Clock, KeyVault, TrustListFetcher) that the edges implement.
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts', 'src/domain/clock.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeIoModules, message: 'The domain does no I/O: declare a port.' },
            {
              group: ['**/storage/**', '**/api/**', '**/cli/**', '**/outbound/**', '**/demo/**'],
              message:
                'The domain depends on the codec only; storage, HTTP and the CLI sit above it.',
            },
            {
              group: ['fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', 'ioredis'],
              message: 'The domain does no I/O: declare a port.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'The domain fetches through a port (TrustListFetcher).' },
        { name: 'XMLHttpRequest', message: 'The domain fetches through a port.' },
      ],
      'no-restricted-syntax': ['error', ...wallClock('The domain reads the injected Clock.')],
    },
  },
  {
    // Storage implements the domain's ports; HTTP and the CLI sit above it.
    files: ['src/storage/**/*.ts', 'src/outbound/**/*.ts', 'src/composition/**/*.ts'],
    ignores: [
      'src/storage/**/*.test.ts',
      'src/outbound/**/*.test.ts',
      'src/composition/**/*.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api/**', '**/cli/**', 'fastify', '@fastify/*'],
              message: 'The edge adapters do not reach up into HTTP or the CLI.',
            },
          ],
        },
      ],
    },
  },
  {
    // The HTTP API does not depend on the command line.
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/cli/**'], message: 'The API does not depend on the CLI.' }] },
      ],
    },
  },
  {
    // Routes validate, authorise through a domain service, call it and present: the service owns
    // the transaction, so a route never opens one itself.
    files: ['src/api/routes/**/*.ts'],
    ignores: ['src/api/routes/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message: 'Routes call domain services; the service opens the store transaction.',
        },
      ],
    },
  },
  {
    // The files the browser's offline scanner runs (re-exported by web/src/scanner/shared-codec.ts):
    // no Node modules and no Buffer, or the scanner breaks in the browser. The list is checked
    // against the scanner's real imports by test/layers.test.ts.
    files: browserSharedFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The browser runs this file: no Node modules.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'The browser runs this file: use Uint8Array.' },
        { name: 'process', message: 'The browser runs this file.' },
      ],
    },
  },
  {
    // The layers point one way: the pure codec never reaches for I/O, the clock or the console.
    files: ['src/codec/**/*.ts'],
    ignores: ['src/codec/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: nodeIoModules,
              message: 'The codec is pure: no I/O.',
            },
            {
              group: ['**/cli/**', '**/api/**', '**/storage/**', '**/domain/**'],
              message: 'The codec depends on nothing above it.',
            },
          ],
        },
      ],
      'no-console': 'error',
      'no-restricted-syntax': ['error', ...wallClock('The codec takes the clock as an argument.')],
    },
  },
)
