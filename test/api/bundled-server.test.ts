import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { cli, demoApiToken, startServerProcess } from '../support/server-process.js'

const bundle = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url))

/** Node's flags that print every module file a process loads, on stderr, `loaded <url>` a line. */
const printingLoadedModules = [
  '--import',
  `data:text/javascript,${encodeURIComponent(`import { registerHooks } from 'node:module'
registerHooks({ load(url, context, next) { process.stderr.write('loaded ' + url + '\\n'); return next(url, context) } })`)}`,
]

// `npm run build` bundles the server (scripts/bundle-server.js) and bin/healthcode.js runs the
// bundle: these are the parts a bundle can break while the TypeScript build works — packages
// loaded on first use, files found beside our modules (the web app, fonts, the worker threads)
// and CommonJS packages seen through the bundle's interop.
describe('the bundled server (dist/server)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'hc-bundle-'))
  let url = ''
  let stop: () => Promise<unknown> = async () => {}

  before(async () => {
    assert.ok(existsSync(bundle), 'expected dist/server/main.js: run `npm run build`')
    const server = await startServerProcess({
      env: { DATABASE_URL: join(folder, 'demo.sqlite') },
      cwd: folder,
    })
    url = server.url
    stop = server.stop
  })

  after(async () => {
    await stop()
    rmSync(folder, { recursive: true, force: true })
  })

  it('runs from the bundle, not from dist/src', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      ...printingLoadedModules,
      cli,
      '--version',
    ])
    assert.match(stdout, /^\d+\.\d+\.\d+/)
    assert.match(stderr, /loaded file:\S+\/dist\/server\/main\.js/)
    assert.doesNotMatch(stderr, /\/dist\/src\//)
  })

  it('starts the workers of verify --jsonl from the bundle too', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [...printingLoadedModules, cli, 'verify', '--jsonl', '--compact', '--workers', '2'],
      {},
      '{"id":1,"qr":"HC1:X"}\n',
    )
    assert.match(stdout, /^\{"id":1,"valid":false/)
    assert.match(stderr, /loaded file:\S+\/dist\/server\/verify-worker\.js/)
    // The worker's entry is the one file of dist/src a worker loads.
    const fromSource = [...stderr.matchAll(/loaded (file:\S+\/dist\/src\/\S+)/g)].map((match) =>
      match[1]?.replace(/^.*\/dist\/src\//, ''),
    )
    assert.deepEqual([...new Set(fromSource)], ['cli/jsonl/verify-worker-start.js'])
  })

  it('answers its probes, its API description, its metrics and the web app', async () => {
    const ready = await fetch(`${url}/readyz`)
    assert.equal(ready.status, 200)
    assert.deepEqual(await ready.json(), { status: 'ready', storage: 'sqlite' })
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: object }
    assert.ok('/api/v1/checkins' in openapi.paths)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    assert.match(metrics, /process_cpu_user_seconds_total/)
    const page = await fetch(`${url}/app/`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<script type="module"/)
  })

  it('prints a certificate with its QR code and fonts, parts loaded on first use', async () => {
    const token = await demoApiToken(url, 'admin@spb.demo')
    const auth = { authorization: `Bearer ${token}` }
    const found = (await (
      await fetch(`${url}/api/v1/certificates?status=valid`, { headers: auth })
    ).json()) as { certificates: { id: string }[] }
    const id = found.certificates[0]?.id
    assert.ok(id, 'expected a valid certificate in the demo data')
    const png = await fetch(`${url}/api/v1/certificates/${id}/qr.png`, { headers: auth })
    assert.equal(png.status, 200)
    assert.deepEqual(
      [...new Uint8Array(await png.arrayBuffer()).subarray(1, 4)],
      [0x50, 0x4e, 0x47],
    )
    const pdf = await fetch(`${url}/api/v1/certificates/${id}/pdf`, { headers: auth })
    assert.equal(pdf.status, 200)
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
      '%PDF-',
    )
  })
})

function run(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  input = '',
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', () => resolve({ stdout, stderr }))
    child.stdin.end(input)
  })
}
