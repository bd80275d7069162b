import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')
const wellKnown = join(root, 'test', 'vectors', 'shc-testdata', 'examples', 'issuer', '.well-known')
const ISS = 'https://spec.smarthealth.cards/examples/issuer'

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

describe('healthcode trust', () => {
  it('imports an issuer JWKS with its revocation lists into the store, and refuses a bad one', async () => {
    const env = {
      DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'healthcode-trust-')), 'store.sqlite'),
    }
    const crls = readdirSync(join(wellKnown, 'crl')).flatMap((file) => [
      '--crl',
      join(wellKnown, 'crl', file),
    ])
    const imported = await run(
      ['trust', 'import-jwks', '--iss', ISS, join(wellKnown, 'jwks.json'), ...crls],
      env,
    )
    assert.equal(imported.status, 0, imported.stderr)
    assert.match(
      imported.stdout,
      /trusted https:\/\/spec\.smarthealth\.cards\/examples\/issuer: \d+ keys, 1 revocation lists/,
    )
    const listed = await run(['trust', 'list', '--json'], env)
    assert.equal(JSON.parse(listed.stdout)[0].iss, ISS)

    const withoutCrl = await run(
      ['trust', 'import-jwks', '--iss', ISS, join(wellKnown, 'jwks.json')],
      env,
    )
    assert.equal(withoutCrl.status, 1, 'a key that announces a revocation list needs it')
    assert.match(withoutCrl.stderr, /ERR_SHC_TRUST_CRL/)
    const notJson = await run(['trust', 'import-jwks', '--iss', ISS, join(root, 'README.md')], env)
    assert.equal(notJson.status, 2)
    const noIss = await run(['trust', 'import-jwks', join(wellKnown, 'jwks.json')], env)
    assert.equal(noIss.status, 2)
  })
})

describe('healthcode verify --database', () => {
  it('trusts what the store trusts: a card of an imported issuer verifies, and not before', async () => {
    const env = {
      DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'healthcode-trust-')), 'store.sqlite'),
    }
    const card = join(
      root,
      'test',
      'vectors',
      'shc-testdata',
      'examples',
      'valid-covid-vaccines.qr.txt',
    )
    const qr = (await import('node:fs')).readFileSync(card, 'utf8').trim()
    const before = await run(
      ['verify', '--database', env.DATABASE_URL, '--at', '2026-06-01T00:00:00Z', qr],
      env,
    )
    assert.equal(before.status, 1, before.stdout + before.stderr)
    const crls = readdirSync(join(wellKnown, 'crl')).flatMap((file) => [
      '--crl',
      join(wellKnown, 'crl', file),
    ])
    await run(['trust', 'import-jwks', '--iss', ISS, join(wellKnown, 'jwks.json'), ...crls], env)
    const after = await run(
      ['verify', '--database', env.DATABASE_URL, '--at', '2026-06-01T00:00:00Z', '--json', qr],
      env,
    )
    assert.equal(after.status, 0, after.stdout + after.stderr)
    assert.equal(JSON.parse(after.stdout).kind, 'shc')
  })
})
