// Runs every *.test.ts under src/ and test/ with Node's test runner, listing the files here so that
// a path filter works the same on every Node version. Before the run it says which databases and
// which browser the suites will use, and why any is skipped, so a green run cannot hide a suite
// that silently did not run.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A test that runs longer than this fails instead of hanging the run (browser journeys included). */
const TEST_TIMEOUT_MS = 300_000

function findTests(dir) {
  let found = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'vectors') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found = found.concat(findTests(path))
    else if (entry.name.endsWith('.test.ts')) found.push(path)
  }
  return found
}

/** The newest modification time of any file below a folder. */
function newestChange(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs)
  }
  return newest
}

const filter = process.argv.slice(2)
const files = ['src', 'test']
  .flatMap((dir) => findTests(dir))
  .filter((file) => filter.length === 0 || filter.some((part) => file.includes(part)))
  .sort()
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(1)
}

// Suites that spawn the built CLI or server read dist/: refuse to run them against a stale build.
const needsBuild = files.some((file) => file.startsWith('test'))
if (needsBuild) {
  const builtAt = existsSync('dist/src') ? newestChange('dist/src') : 0
  const changedAt = Math.max(newestChange('src'), newestChange('web/src'))
  if (builtAt === 0 || changedAt > builtAt) {
    console.error('dist/ is missing or older than src/ or web/src/: run `npm run build` first')
    process.exit(2)
  }
  // bin/healthcode.js runs the bundle of dist/src (scripts/bundle-server.js) when there is one.
  if (existsSync('dist/server') && builtAt > newestChange('dist/server')) {
    console.error('dist/server is older than dist/src: run `npm run build` first')
    process.exit(2)
  }
}

const postgres = process.env['TEST_DATABASE_URL']
const redis = process.env['TEST_REDIS_URL']
const replica = process.env['TEST_DATABASE_READ_URL']
const chromium = '/usr/bin/chromium'
console.log(
  [
    `databases: sqlite${postgres ? ', postgres (TEST_DATABASE_URL)' : ''}`,
    postgres ? undefined : 'postgres: skipped (TEST_DATABASE_URL is not set)',
    redis
      ? `redis: ${redis} (TEST_REDIS_URL): limits and notices of several processes, Redis variant`
      : 'redis: skipped (TEST_REDIS_URL is not set)',
    replica
      ? `read replica: ${replica} (TEST_DATABASE_READ_URL): dashboard and list suites read through it`
      : 'read replica: skipped (TEST_DATABASE_READ_URL is not set)',
    existsSync(chromium)
      ? `browser: ${chromium}`
      : `browser: skipped (no ${chromium}: apt-get install chromium)`,
    `per-test timeout: ${TEST_TIMEOUT_MS / 1000} s`,
  ]
    .filter(Boolean)
    .join('\n'),
)

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
