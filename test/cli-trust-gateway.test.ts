import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
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

/** A store with one issuer, as `healthcode issuers` would make it. */
async function storeWithIssuer(database: string): Promise<void> {
  const store = await openStore(database)
  await store.transaction((tx) =>
    tx.issuers.upsert({
      id: 'ru',
      name: 'Russian Federation',
      level: 'federal',
      country: 'RU',
      parentId: undefined,
    }),
  )
  await store.close()
}

describe('healthcode trust export|import --gateway', () => {
  it('exports our lists in the Gateway form (openssl checks them), and a partner imports the list, refusing a tampered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-gateway-cli-'))
    const kek = (await run(['keys', 'new-kek'], {})).stdout.trim()
    const ours = { DATABASE_URL: join(dir, 'ours.sqlite'), KEY_ENCRYPTION_KEY: kek }
    await storeWithIssuer(ours.DATABASE_URL)
    assert.equal((await run(['keys', 'init'], ours)).status, 0)

    const out = join(dir, 'export')
    const exported = await run(['trust', 'export', '--gateway', '--out', out], ours)
    assert.equal(exported.status, 0, exported.stderr)
    assert.match(exported.stdout, /wrote 3 trust list entries and 0 revocation batches/)
    const list = JSON.parse(readFileSync(join(out, 'trust-list.json'), 'utf8'))
    const dsc = list.find((entry: { certificateType: string }) => entry.certificateType === 'DSC')
    writeFileSync(join(dir, 'dsc.sig'), Buffer.from(dsc.signature, 'base64'))
    writeFileSync(join(dir, 'dsc.der'), Buffer.from(dsc.rawData, 'base64'))
    const checked = spawnSync('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'dsc.sig'),
      '-content',
      join(dir, 'dsc.der'),
      '-CAfile',
      join(out, 'trust-anchor.pem'),
      '-out',
      '/dev/null',
    ])
    assert.equal(checked.status, 0, String(checked.stderr))

    const theirs = { DATABASE_URL: join(dir, 'theirs.sqlite') }
    await storeWithIssuer(theirs.DATABASE_URL)
    const store = await openStore(theirs.DATABASE_URL)
    const partner = await store.transaction((tx) =>
      tx.trustPartners.create({
        name: 'Partner',
        signingCertificatePem: readFileSync(join(out, 'trust-anchor.pem'), 'utf8'),
        sourceUrl: undefined,
        list: 'eu',
        createdAt: new Date().toISOString(),
      }),
    )
    await store.close()

    const tampered = list.map((entry: { certificateType: string; country: string }) =>
      entry.certificateType === 'UPLOAD' ? { ...entry, signature: dsc.signature } : entry,
    )
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered))
    const args = ['trust', 'import', '--gateway', '--partner', partner.id]
    const refused = await run([...args, join(dir, 'tampered.json')], theirs)
    assert.equal(refused.status, 1)
    assert.match(refused.stderr, /ERR_GATEWAY_SIGNATURE/)

    const imported = await run([...args, join(out, 'trust-list.json')], theirs)
    assert.equal(imported.status, 0, imported.stderr)
    assert.match(imported.stdout, /1 document signers, 1 upload certificates/)

    const usage = await run(['trust', 'export'], ours)
    assert.equal(usage.status, 2)
  })
})
