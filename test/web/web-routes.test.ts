import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import { webRoutes } from '../../src/api/routes/web/routes.js'

async function appServing(root: string) {
  const app = Fastify({ logger: false })
  await app.register(async (scoped) => webRoutes(scoped, { root }))
  await app.ready()
  return app
}

function builtApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'healthcode-web-root-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>')
  const script = `console.log(${'1+'.repeat(2000)}1)`
  writeFileSync(join(root, 'assets', 'index-abc123.js'), script)
  // The build writes a gzip copy beside each compressible file (web/vite.config.ts).
  writeFileSync(join(root, 'assets', 'index-abc123.js.gz'), gzipSync(script))
  writeFileSync(join(root, 'assets', 'reader-abc123.wasm'), Buffer.from([0, 97, 115, 109]))
  writeFileSync(join(root, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  return root
}

describe('GET /app/*', () => {
  it('answers 404 saying the app is not built when dist/web is missing', async () => {
    const app = await appServing(join(tmpdir(), 'healthcode-no-such-web-root'))
    const answer = await app.inject({ method: 'GET', url: '/app/' })
    assert.equal(answer.statusCode, 404)
    assert.equal(answer.json().error.code, 'ERR_ROUTE_NOT_FOUND')
    assert.match(answer.json().error.message, /not built.*npm run build/)
    await app.close()
  })

  it('serves index.html, uncached, for the app’s pages and a redirect for /app', async () => {
    const app = await appServing(builtApp())
    for (const url of ['/app/', '/app/declare', '/app/scanner/']) {
      const answer = await app.inject({ method: 'GET', url })
      assert.equal(answer.statusCode, 200, url)
      assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(answer.headers['cache-control'], 'no-cache')
      assert.match(String(answer.headers['content-security-policy']), /script-src 'self'/)
    }
    const bare = await app.inject({ method: 'GET', url: '/app' })
    assert.equal(bare.statusCode, 301)
    assert.equal(bare.headers.location, '/app/')
    await app.close()
  })

  it('serves hashed assets immutable, with their content type, gzip and revalidation', async () => {
    const app = await appServing(builtApp())
    const script = await app.inject({
      method: 'GET',
      url: '/app/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, br' },
    })
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(script.headers['content-encoding'], 'gzip')
    assert.match(gunzipSync(script.rawPayload).toString(), /^console\.log/)
    const again = await app.inject({
      method: 'GET',
      url: '/app/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, br', 'if-none-match': String(script.headers.etag) },
    })
    assert.equal(again.statusCode, 304)
    const wasm = await app.inject({ method: 'GET', url: '/app/assets/reader-abc123.wasm' })
    assert.equal(wasm.headers['content-type'], 'application/wasm')
    const worker = await app.inject({ method: 'GET', url: '/app/sw.js' })
    assert.equal(worker.headers['cache-control'], 'no-cache')
    await app.close()
  })

  it('answers 404 for a missing file and for a path out of the app’s folder', async () => {
    const app = await appServing(builtApp())
    const missing = await app.inject({ method: 'GET', url: '/app/assets/gone.js' })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().error.code, 'ERR_ROUTE_NOT_FOUND')
    // Whether the router or the handler refuses them, nothing outside the folder is served.
    for (const url of ['/app/..%2F..%2Fetc%2Fpasswd.txt', '/app/%2e%2e/package.json']) {
      const answer = await app.inject({ method: 'GET', url })
      assert.equal(answer.statusCode, 404, url)
    }
    await app.close()
  })

  it('serves pages and files without logging an error', async () => {
    const lines: string[] = []
    const logs = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const app = Fastify({ logger: { level: 'info', stream: logs } })
    await app.register(async (scoped) => webRoutes(scoped, { root: builtApp() }))
    await app.ready()
    for (const url of ['/app/', '/app/declare', '/app/assets/index-abc123.js', '/app/sw.js']) {
      const answer = await app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'gzip' },
      })
      assert.equal(answer.statusCode, 200, url)
    }
    assert.equal((await app.inject({ method: 'GET', url: '/app/assets/gone.js' })).statusCode, 404)
    await app.close()
    const problems = lines
      .map((line) => JSON.parse(line) as { level: number; msg?: string })
      .filter((entry) => entry.level >= 40)
    assert.deepEqual(problems, [])
  })
})
