import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (npm test builds it first). */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end()
  })
}

describe('healthcode seed', () => {
  const directory = mkdtempSync(join(tmpdir(), 'healthcode-cli-seed-'))
  const database = join(directory, 'city.sqlite')
  after(() => rmSync(directory, { recursive: true, force: true }))
  const small = ['--people', '1_000', '--checkins', '5,000', '--now', '2026-11-30T10:00:00Z']

  it('exits 0 and prints what it wrote, with the time, the rate and the file size', async () => {
    const result = await run(['seed', ...small, '--database', database, '--seed', '3'])
    assert.equal(result.status, 0, result.stderr)
    assert.match(
      result.stdout,
      /^Seeded a city in [\d.]+ s \(seed 3, now 2026-11-30T10:00:00\.000Z/,
    )
    assert.match(result.stdout, /people\s+1,000\n/)
    assert.match(result.stdout, /check-ins\s+5,000\n/)
    assert.match(result.stdout, /rows in all\s+[\d,]+\s+[\d,]+ rows\/s/)
    assert.match(result.stdout, /Database: .*city\.sqlite \(SQLite, file and WAL\), [\d.]+ MiB/)
    // Not a terminal: plain progress lines, one as each phase ends.
    assert.match(result.stderr, /^check-ins .* 5,000\/5,000 in [\d.]+ s/m)
    assert.doesNotMatch(result.stderr, /\r/)
  })

  it('exits 1 without --append on a store that holds a seeded city, and says how to add to it', async () => {
    const result = await run(['seed', ...small, '--database', database])
    assert.equal(result.status, 1)
    assert.match(result.stderr, /holds 1000/)
    assert.match(result.stderr, /--append/)
    assert.equal(result.stdout, '')
  })

  it('adds to the city with --append', async () => {
    const result = await run(['seed', ...small, '--database', database, '--append'])
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /^Seeded more of the city .*first document S000001001\)/)
  })

  it('exits 2 for a count that is not a number', async () => {
    const result = await run([
      'seed',
      '--people',
      'abc',
      '--checkins',
      '10',
      '--database',
      database,
    ])
    assert.equal(result.status, 2)
    assert.match(
      result.stderr,
      /--people to be a whole number from 1 to 999,999,999, but found "abc"/,
    )
  })

  it('exits 2 when a count is missing, or the time is not a time', async () => {
    const missing = await run(['seed', '--people', '10', '--database', database])
    assert.equal(missing.status, 2)
    assert.match(missing.stderr, /expected --checkins N/)
    const badTime = await run(['seed', ...small.slice(0, 4), '--now', 'yesterday'])
    assert.equal(badTime.status, 2)
    assert.match(badTime.stderr, /--now to be an ISO 8601 date-time/)
  })

  it('exits 2 for a number of companies out of range', async () => {
    const result = await run(['seed', ...small, '--companies', '0', '--database', database])
    assert.equal(result.status, 2)
    assert.match(
      result.stderr,
      /--companies to be a whole number from 1 to 10,000,000, but found "0"/,
    )
  })
})
