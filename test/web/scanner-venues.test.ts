import { describe, it } from 'node:test'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

// A server of its own: password sign-ins are limited per address and minute (SIGN_IN_RATE_LIMIT),
// and the offline scanner's suite uses up the minute by itself.
describe(
  'the door scanner while its venue list does not come, in Chromium',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser()

    it('says there is no connection when the venues cannot be fetched and the device kept none', async () => {
      const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'scanner-venues-none-kept', async () => {
        // The last list this device fetched was empty (the operator had no venue yet), and the
        // venues cannot be fetched now: the door has nothing to open with, and must say why.
        await context.addInitScript("localStorage.setItem('hc.scanner.venues', '[]')")
        await page.route('**/api/v1/venues', (route) => route.abort('internetdisconnected'))
        await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
        await page.getByRole('heading', { name: 'Door scanner' }).waitFor()
        await page.getByText('No connection to the server', { exact: false }).waitFor()
      })
      await context.close()
    })

    it('says so and offers to try again when the venue list does not come, then opens the door', async () => {
      // The demo venue operator's one venue.
      const operator = await demoCaller(suite.url, 'venue@spb.demo')
      await operator('POST', '/api/v1/venues', {
        name: 'Yusupov Palace',
        category: 'museum',
        address: 'Moyka 94',
        district: 'RU-SPE-ADM',
      })
      const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'scanner-venues-stuck', async () => {
        // The page's clock is moved by hand: the wait is the page's timer, not this test's.
        await page.clock.install()
        // The venue list's first request is held and never answered; the next ones go through.
        let held = false
        await page.route('**/api/v1/venues', async (route) => {
          if (held) return route.continue()
          held = true
        })
        await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
        await page.getByRole('heading', { name: 'Door scanner' }).waitFor()
        await page.getByText('Loading…').waitFor()
        await page.clock.runFor(20_000)
        await page.getByText('No connection to the server', { exact: false }).waitFor()
        await page.getByRole('button', { name: 'Try again' }).click()
        await page.getByRole('button', { name: 'Try again' }).waitFor({ state: 'detached' })
        await page.getByText('Scanning at Yusupov Palace').waitFor()
        await page.getByRole('button', { name: 'Scan with the camera' }).waitFor()
      })
      await context.close()
    })
  },
)
