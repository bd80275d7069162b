import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { startServer } from '../../src/api/server.js'
import { loadConfig } from '../../src/config/config.js'

describe('graceful shutdown', () => {
  it('finishes a request in flight, then stops listening and closes the store', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'healthcode-shutdown-')), 'store.sqlite')
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      DEMO: 'true',
      LOG_LEVEL: 'silent',
    })
    const server = await startServer(config, { handleSignals: false })
    const url = server.url.replace('localhost', '127.0.0.1')
    // A password sign-in takes tens of milliseconds (scrypt): long enough to be in flight. The
    // server is closed as soon as the request has reached it.
    const arrived = new Promise((resolve) => server.app.server.once('request', resolve))
    const inFlight = fetch(`${url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'clinician@spb.demo', password: 'demo-clinician-2026' }),
    })
    await arrived
    const closed = server.close()
    const answer = await inFlight
    assert.equal(answer.status, 200)
    await closed
    await assert.rejects(fetch(`${url}/healthz`))
    await assert.rejects(server.store.ping())
  })
})
