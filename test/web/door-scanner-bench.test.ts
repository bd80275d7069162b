import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import {
  WEB_BENCH_SIGN_INS,
  ensureVenue,
  openDoorScanner,
  startWebBenchServer,
} from '../../bench/web-bench.js'
import type { RunningServer } from '../../src/api/server.js'
import { demoCaller } from '../../src/demo/demo-client.js'
import { demoPassword } from '../../src/demo/demo-data.js'
import { chromiumSkip, ensureWebBuild, launchChromium, webRoot } from './web-harness.js'

// The web bench signs in once per door session from one address; on a quiet machine every
// sign-in fell in one minute, and the server's per-address limit refused the session after the
// tenth, which then waited for a camera button that never came. The server here reads a clock
// stopped at one instant, so that every sign-in is in the same minute whatever the machine's speed.
describe('the web bench opening the door scanner, in Chromium', { skip: chromiumSkip }, () => {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let url = ''
  before(async () => {
    ensureWebBuild()
    const stopped = new Date()
    server = await startWebBenchServer(mkdtempSync(join(tmpdir(), 'healthcode-web-bench-')), {
      clock: () => new Date(stopped),
      webRoot,
    })
    url = server.url.replace('localhost', '127.0.0.1')
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const openDoor = async () => {
    if (!browser) throw new Error('Chromium is not started')
    const context = await browser.newContext()
    try {
      await openDoorScanner(await context.newPage(), url)
    } finally {
      await context.close()
    }
  }

  it('reaches the camera button in the last of its sign-ins, all in one minute', async () => {
    await ensureVenue(url)
    // The clinician's sign-in of demoDynamicCode, and the door sessions but the last one.
    for (let signIn = 2; signIn < WEB_BENCH_SIGN_INS; signIn++) {
      await demoCaller(url, signIn === 2 ? 'clinician@spb.demo' : 'venue@spb.demo')
    }
    await openDoor()
  })

  it("fails with the page's message when the sign-in is refused, not by waiting for the button", async () => {
    // Whatever the minute has left of the address's allowance is used up here.
    let refused = false
    for (let signIn = 0; signIn <= WEB_BENCH_SIGN_INS && !refused; signIn++) {
      const answer = await fetch(`${url}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'venue@spb.demo', password: demoPassword('venue@spb.demo') }),
      })
      await answer.arrayBuffer()
      refused = answer.status === 429
    }
    assert.ok(refused, `expected a 429 within ${WEB_BENCH_SIGN_INS + 1} sign-ins`)
    await assert.rejects(openDoor(), /the page shows an error: Too many attempts/)
  })
})
