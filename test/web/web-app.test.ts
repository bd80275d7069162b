import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import {
  chromiumSkip,
  demoCaller,
  demoDynamicCode,
  launchChromium,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'
import { writeQrVideo } from '../../bench/qr-video.js'
import { demoClaimCode } from '../../src/demo/demo-data.js'

const enKeys = Object.keys(
  JSON.parse(
    readFileSync(new URL('../../web/src/i18n/en.json', import.meta.url), 'utf8'),
  ) as object,
)

/** Fails when the page shows a message key instead of its text. */
async function assertNoRawKeys(page: Page, language: string): Promise<void> {
  const text = await page.locator('body').innerText()
  const shown = enKeys.filter((key) => text.includes(key))
  assert.deepEqual(shown, [], `untranslated keys on the page in ${language}`)
}

describe('the web app in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  it('serves the app under /app/ with its content types, caching and page fallback', async () => {
    const index = await fetch(`${suite.url}/app/declare`)
    assert.equal(index.status, 200)
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/)
    assert.equal(index.headers.get('cache-control'), 'no-cache')
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/)
    const html = await index.text()
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    assert.ok(script, 'index.html loads a hashed script')
    const asset = await fetch(`${suite.url}${script}`)
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/)
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const manifest = await fetch(`${suite.url}/app/manifest.webmanifest`)
    assert.match(manifest.headers.get('content-type') ?? '', /^application\/manifest\+json/)
    const missing = await fetch(`${suite.url}/app/assets/nothing-here.js`)
    assert.equal(missing.status, 404)
    assert.equal(
      ((await missing.json()) as { error: { code: string } }).error.code,
      'ERR_ROUTE_NOT_FOUND',
    )
    const api = await fetch(`${suite.url}/api/v1/nothing-here`)
    assert.equal(api.status, 404)
  })

  it('lets a citizen sign in, see the code, switch languages, declare and open certificates', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'citizen-journey', async () => {
      await page.goto(`${suite.url}/app/`)
      await page.locator('#sign-in-login').fill('citizen@spb.demo')
      await page.locator('#sign-in-password').fill('demo-citizen-2026')
      await page.getByRole('button', { name: 'Sign in' }).click()

      // The demo citizen's record was made by the clinic: the app links it first.
      await page.locator('#link-number').fill('4012 345678')
      await page.locator('#link-country').fill('RU')
      await page.locator('#link-birth-date').fill('1985-03-14')
      await page.locator('#link-claim-code').fill(demoClaimCode)
      await page.getByRole('button', { name: 'Link my record' }).click()

      const card = page.locator('.code-card')
      await card.waitFor()
      assert.equal(await card.getAttribute('data-colour'), 'green')
      const canvas = card.locator('canvas.qr')
      assert.match((await canvas.getAttribute('data-qr-text')) ?? '', /^HC1:/)
      const inked = await canvas.evaluate((element) => {
        // Runs in the page; the server's tsconfig has no DOM types, so the canvas is described here.
        const c = element as unknown as {
          width: number
          height: number
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
          } | null
        }
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []
        let dark = 0
        for (let i = 0; i < data.length; i += 4) if ((data[i + 1] ?? 255) < 160) dark++
        return { width: c.width, dark }
      })
      assert.ok(
        inked.width >= 280 && inked.dark > 1000,
        `the QR is drawn: ${JSON.stringify(inked)}`,
      )
      await assertNoRawKeys(page, 'en')

      await page.locator('#language').selectOption('ru')
      await page.getByRole('link', { name: 'Мой код' }).waitFor()
      assert.equal(await page.locator('html').getAttribute('lang'), 'ru')
      await assertNoRawKeys(page, 'ru')
      await page.locator('#language').selectOption('zh')
      await page.getByRole('link', { name: '我的健康码' }).waitFor()
      await assertNoRawKeys(page, 'zh')
      await page.reload()
      await page.locator('.code-card').waitFor()
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh', 'the choice is kept')
      await page.locator('#language').selectOption('en')

      await page.getByRole('link', { name: 'Declare' }).click()
      await page.locator('#declare-temperature').fill('45')
      await page.getByRole('button', { name: 'Send declaration' }).click()
      assert.equal(await page.locator('#declare-temperature').getAttribute('aria-invalid'), 'true')
      await page.getByText('Enter a temperature from 34 to 43 °C.').waitFor()
      await page.locator('#declare-temperature').fill('38.2')
      await page.getByLabel('Fever').check()
      await page.getByRole('button', { name: 'Send declaration' }).click()
      const declared = page.locator('[data-declared-colour]')
      await declared.waitFor()
      assert.equal(await declared.getAttribute('data-declared-colour'), 'yellow')

      await page.getByRole('link', { name: 'Certificates' }).click()
      const certificates = page.locator('.certificate')
      await certificates.first().waitFor()
      assert.equal(await certificates.count(), 2, 'two doses of Sputnik V')
      assert.equal(await page.locator('.certificate canvas.qr').count(), 2)
      const pdf = await page
        .getByRole('link', { name: 'Download PDF' })
        .first()
        .getAttribute('href')
      assert.match(pdf ?? '', /^\/api\/v1\/certificates\/[^/]+\/pdf$/)
      const download = await page.request.get(`${suite.url}${pdf}`)
      assert.equal(download.status(), 200)
      assert.match(download.headers()['content-type'] ?? '', /application\/pdf/)

      await page.getByRole('link', { name: 'My code' }).click()
      await page.locator('.code-card[data-colour="yellow"]').waitFor()
      await page.getByText('Can turn green on').waitFor()

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.locator('#sign-in-login').waitFor()
    })
    await context.close()
  })

  it('lets a venue operator register a venue and admit a green dynamic code typed by hand, offline too', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'scanner-manual-journey', async () => {
      await page.goto(`${suite.url}/app/`)
      await page.locator('#sign-in-login').fill('venue@spb.demo')
      await page.locator('#sign-in-password').fill('demo-venue-2026')
      await page.getByRole('button', { name: 'Sign in' }).click()

      await page.locator('#venue-name').fill('Mariinsky Theatre')
      await page.locator('#venue-category').selectOption('theatre')
      await page.locator('#venue-address').fill('Teatralnaya pl. 1')
      await page.locator('#venue-district').fill('RU-SPE-ADM')
      await page.getByRole('button', { name: 'Register venue' }).click()
      await page.getByText('Scanning at Mariinsky Theatre').waitFor()

      const qr = await demoDynamicCode(suite.url, 'Müller')
      await page.getByLabel('Code text (paste or type)').fill(qr)
      await page.getByRole('button', { name: 'Check this code' }).click()
      const result = page.locator('.scan-result')
      await result.waitFor()
      assert.equal(await result.getAttribute('data-verdict'), 'allowed')
      assert.equal(await result.locator('.verdict').innerText(), 'ALLOWED')
      assert.match(await result.locator('.holder').innerText(), /^JUERGEN M\.$/)
      await result.getByText('Born 21 July 1979').waitFor()
      await result.getByText('Green health code').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()

      // Offline: the scanner judges the code from its offline bundle, keeps the scan, and sends
      // it as a batch once the network is back (test/web/scanner-offline.test.ts has the rest).
      await page.locator('[data-offline-data="ready"]').waitFor()
      await context.setOffline(true)
      await page.getByLabel('Code text (paste or type)').fill(qr)
      await page.getByRole('button', { name: 'Check this code' }).click()
      await result.waitFor()
      assert.equal(await result.getAttribute('data-verdict'), 'allowed')
      await result.getByText('Checked offline on this device').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await page.locator('[data-queued="1"]').waitFor()
      await context.setOffline(false)
      await page.locator('[data-queued]').waitFor({ state: 'detached' })
      const queue = await page.evaluate(() =>
        Object.keys((globalThis as unknown as { localStorage: object }).localStorage).filter(
          (key) => key.startsWith('hc.scan-queue.'),
        ),
      )
      assert.deepEqual(queue, [])
    })
    await context.close()
  })

  it('reads a dynamic code from the camera with ZXing loaded from our own server, from frames’ luminance copied through WebCodecs, their RGBA where the camera gives RGB, or a canvas without WebCodecs', async () => {
    const venue = await demoCaller(suite.url, 'venue@spb.demo')
    const { venues } = await venue<{ venues: unknown[] }>('GET', '/api/v1/venues')
    if (venues.length === 0) {
      await venue('POST', '/api/v1/venues', {
        name: 'Hermitage',
        category: 'museum',
        address: 'Dvortsovaya pl. 2',
        district: 'RU-SPE-ADM',
      })
    }
    const video = join(mkdtempSync(join(tmpdir(), 'healthcode-camera-')), 'qr.y4m')
    await writeQrVideo(video, await demoDynamicCode(suite.url, '王'))
    const camera = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ])
    /** Scans the camera's code at the door; answers how the frames read were taken. */
    const scan = async (frames: 'yuv' | 'rgb' | 'no WebCodecs'): Promise<unknown[]> => {
      const context = await camera.newContext({ viewport: { width: 390, height: 844 } })
      await context.grantPermissions(['camera'], { origin: suite.url })
      if (frames === 'no WebCodecs') {
        await context.addInitScript(() => {
          delete (globalThis as { VideoFrame?: unknown }).VideoFrame
        })
      }
      if (frames === 'rgb') {
        // Frames said to be RGB, as some cameras' are.
        await context.addInitScript(() => {
          const frames = globalThis as unknown as { VideoFrame: new (...args: never[]) => object }
          frames.VideoFrame = class extends frames.VideoFrame {
            get format(): string {
              return 'RGBX'
            }
          }
        })
      }
      const page = await context.newPage()
      page.setDefaultTimeout(20_000)
      const requested: string[] = []
      page.on('request', (request) => requested.push(request.url()))
      let read: unknown[] = []
      await withScreenshotOnFailure(page, 'scanner-camera-journey', async () => {
        await page.goto(`${suite.url}/app/scanner`)
        await page.locator('#sign-in-login').fill('venue@spb.demo')
        await page.locator('#sign-in-password').fill('demo-venue-2026')
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByRole('button', { name: 'Scan with the camera' }).click()
        const result = page.locator('.scan-result')
        await result.waitFor()
        assert.equal(await result.getAttribute('data-verdict'), 'allowed')
        assert.match(await result.locator('.holder').innerText(), /^W\. FANG$/)
        const hasDetector = await page.evaluate(() => 'BarcodeDetector' in globalThis)
        if (!hasDetector) {
          assert.ok(
            requested.some((address) => /\/app\/assets\/zxing_reader-[\w-]+\.wasm$/.test(address)),
            'the ZXing WebAssembly came from our server',
          )
        }
        const foreign = requested.filter((address) => !address.startsWith(suite.url))
        assert.deepEqual(foreign, [], 'the app fetches nothing from another origin')
        read = await page.evaluate(() =>
          performance
            .getEntriesByName('healthcode:scanner-frame')
            .map((entry) => (entry as unknown as { detail?: { read?: unknown } }).detail?.read),
        )
      })
      await context.close()
      return read
    }
    try {
      // Chromium reads with ZXing here (no BarcodeDetector on Linux), each frame timed; its fake
      // camera gives YUV frames.
      for (const [frames, how] of [
        ['yuv', 'luminance'],
        ['rgb', 'rgba'],
        ['no WebCodecs', 'canvas'],
      ] as const) {
        const read = await scan(frames)
        assert.ok(
          read.length > 0 && read.every((each) => each === how),
          `${frames}: ${String(read)}`,
        )
      }
    } finally {
      await camera.close()
    }
  })
})
