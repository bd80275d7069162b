import { describe, it } from 'node:test'
import {
  chromiumSkip,
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
  },
)
