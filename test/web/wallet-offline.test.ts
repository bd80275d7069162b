import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { demoClaimCode } from '../../src/demo/demo-data.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

/** Waits until the service worker controls the page, so that an offline reload opens the app. */
async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const { navigator } = globalThis as unknown as {
      navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } }
    }
    await navigator.serviceWorker.ready
  })
  // The first load is not controlled until the worker claims it; one reload online settles it.
  await page.reload()
}

describe('the citizen’s wallet without the network, in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  before(async () => {
    // The demo citizen holds Ivan Petrov's record, which the clinic made.
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
  })

  it('shows the certificates and the code after an offline reload, with the time they were fetched', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'wallet-offline', async () => {
      await signInThroughPage(page, suite.url, 'citizen@spb.demo', { path: 'code' })
      await serviceWorkerReady(page)
      await page.locator('.code-card').waitFor()
      const qr = await page.locator('.code-card canvas.qr').getAttribute('data-qr-text')
      assert.match(qr ?? '', /^HC1:/)
      // The holder's masked name and a running clock: a screenshot is told from the live code.
      await page.locator('.code-holder', { hasText: 'IVAN P.' }).waitFor()
      const firstTick = await page.locator('.code-clock').getAttribute('data-clock')
      await page.waitForFunction(
        (before) =>
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { getAttribute(a: string): string } | null }
            }
          ).document
            .querySelector('.code-clock')
            ?.getAttribute('data-clock') !== before,
        firstTick,
      )
      assert.equal(await page.locator('.code-live-mark').count(), 1)
      await page.getByRole('button', { name: 'Save image' }).waitFor()
      assert.equal(await page.locator('[data-kept-at]').count(), 0, 'online: nothing says offline')

      await page.getByRole('link', { name: 'Certificates' }).click()
      const cards = page.locator('li.certificate')
      await cards.first().locator('.certificate-holder').waitFor()
      const online = await cards.allInnerTexts()
      assert.ok(online.length > 0, 'Petrov has certificates')
      // Each card names the holder, the product, the dose and the date, read from its code.
      const first = cards.first()
      assert.equal(await first.locator('.certificate-holder').innerText(), 'Иван Петров')
      assert.ok((await first.locator('.certificate-date').innerText()).length > 0)
      if ((await first.getAttribute('data-certificate-kind')) === 'vaccination') {
        assert.match(await first.locator('.certificate-dose').innerText(), /^\d+ of \d+$/)
        assert.ok((await first.locator('.certificate-product').innerText()).length > 0)
      }
      // Saving the QR image downloads a PNG.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        first.getByRole('button', { name: 'Save image' }).click(),
      ])
      assert.match(download.suggestedFilename(), /^certificate-.+\.png$/)

      await context.setOffline(true)
      await page.reload()
      await page.locator('[data-kept-at]').waitFor()
      assert.match(
        await page.locator('[data-kept-at]').innerText(),
        /^Offline: saved on this device, fetched .+\.$/,
      )
      assert.deepEqual(await cards.allInnerTexts(), online)
      assert.equal(await page.getByText('Check the network and try again.').count(), 0)

      await page.getByRole('link', { name: 'My code' }).click()
      await page.locator('.code-card').waitFor()
      await page.locator('[data-kept-at]').waitFor()
      assert.equal(
        await page.locator('.code-card canvas.qr').getAttribute('data-qr-text'),
        qr,
        'the code last fetched',
      )
      await page.locator('.code-holder', { hasText: 'IVAN P.' }).waitFor()
    })
    await context.close()
  })

  it('says the kept code has expired instead of showing it, once its time has passed offline', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await page.clock.install()
    await withScreenshotOnFailure(page, 'wallet-code-expired', async () => {
      await signInThroughPage(page, suite.url, 'citizen@spb.demo', { path: 'code' })
      await serviceWorkerReady(page)
      await page.locator('.code-card').waitFor()
      await context.setOffline(true)
      await page.reload()
      await page.locator('.code-card').waitFor()
      await page.locator('[data-kept-at]').waitFor()
      // Two hours without the network: the token (an hour at most) has expired.
      await page.clock.fastForward('02:00:00')
      await page.locator('[data-code-expired]').waitFor()
      assert.match(
        await page.locator('[data-code-expired]').innerText(),
        /^This code expired at .+\. Connect to the internet to get a new one\.$/,
      )
      assert.equal(await page.locator('canvas.qr').count(), 0, 'no stale QR code')
    })
    await context.close()
  })
})
