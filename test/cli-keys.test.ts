import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openStore } from '../src/storage/open-store.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'bin', 'healthcode.js')

/** Runs the built CLI (npm test builds it first) with extra environment. */
function run(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', ...env },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (status) => resolve({ status, stdout, stderr }))
    },
  )
}

describe('healthcode keys', () => {
  it('makes a KEK, then the CSCA and each issuer’s EU-facing and domestic signers, rotates either, and never prints a private key', async () => {
    const kek = await run(['keys', 'new-kek'], {})
    assert.equal(kek.status, 0)
    assert.match(kek.stdout, /^[0-9a-f]{64}\n$/)
    const database = join(mkdtempSync(join(tmpdir(), 'healthcode-keys-')), 'keys.sqlite')
    const store = await openStore(database)
    await store.transaction((tx) =>
      tx.issuers.upsert({
        id: 'ru-spb',
        name: 'St. Petersburg',
        level: 'region',
        country: 'RU',
        parentId: undefined,
      }),
    )
    await store.close()
    const env = { DATABASE_URL: database, KEY_ENCRYPTION_KEY: kek.stdout.trim() }

    const init = await run(['keys', 'init'], env)
    assert.equal(init.status, 0, init.stderr)
    assert.match(init.stdout, /made CSCA/)
    assert.match(init.stdout, /made DSC \(EU\) ru-spb/)
    assert.match(init.stdout, /made domestic ru-spb/)
    assert.match(init.stdout, /made Gateway anchor/)
    assert.match(init.stdout, /made Gateway upload/)
    const again = await run(['keys', 'init'], env)
    assert.match(again.stdout, /nothing to make/)

    const rotate = await run(['keys', 'rotate', '--issuer', 'ru-spb'], env)
    assert.equal(rotate.status, 0, rotate.stderr)
    assert.match(rotate.stdout, /made DSC \(EU\) ru-spb/)
    const rotateDomestic = await run(['keys', 'rotate', '--issuer', 'ru-spb', '--domestic'], env)
    assert.equal(rotateDomestic.status, 0, rotateDomestic.stderr)
    assert.match(rotateDomestic.stdout, /made domestic ru-spb/)
    const misplaced = await run(['keys', 'init', '--domestic'], env)
    assert.equal(misplaced.status, 2)
    const list = await run(['keys', 'list', '--json'], env)
    assert.equal(list.status, 0, list.stderr)
    assert.ok(!list.stdout.includes('hckv1'), 'no sealed private key in the listing')
    const keys = JSON.parse(list.stdout) as { purpose: string; status: string }[]
    assert.deepEqual(keys.map((key) => `${key.purpose} ${key.status}`).sort(), [
      'csca active',
      'document-signer active',
      'document-signer retired',
      'domestic-signer active',
      'domestic-signer retired',
      'gateway-trust-anchor active',
      'gateway-upload active',
    ])

    const unknown = await run(['keys', 'rotate', '--issuer', 'nowhere'], env)
    assert.equal(unknown.status, 1)
    assert.match(unknown.stderr, /no issuer nowhere/)
    const noKek = await run(['keys', 'init'], { DATABASE_URL: database })
    assert.equal(noKek.status, 2)
    assert.match(noKek.stderr, /KEY_ENCRYPTION_KEY/)
    const wrongKek = await run(['keys', 'rotate', '--issuer', 'ru-spb'], {
      DATABASE_URL: database,
      KEY_ENCRYPTION_KEY: '00'.repeat(32),
    })
    assert.equal(wrongKek.status, 1, 'a KEK that does not open the CSCA signs nothing')
    assert.match(wrongKek.stderr, /does not open/)
  })
})
