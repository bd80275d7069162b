import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { demoClaimCode } from '../../src/demo/demo-data.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

describe('the notifications badge, in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()
  let personId: string

  before(async () => {
    // The demo citizen holds Ivan Petrov's record, which the clinic made.
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
    const me = await citizen<{ person: { id: string } }>('GET', '/api/v1/me')
    personId = me.person.id
  })

  /** A colour change in Petrov's feed, as the colour service writes one. */
  const notify = (to: string) =>
    suite.server.store.transaction((tx) =>
      tx.tracing.notify({
        personId,
        kind: 'colour-change',
        data: { to },
        createdAt: new Date().toISOString(),
      }),
    )

  it('counts the unread notifications, and the feed marks them read once seen', async () => {
    await notify('yellow')
    await notify('green')
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'notifications-badge', async () => {
      await signInThroughPage(page, suite.url, 'citizen@spb.demo', { path: 'code' })
      const badge = page.locator('.app-nav .badge')
      await badge.waitFor()
      assert.equal(await badge.innerText(), '2')
      await page.getByRole('link', { name: 'Notifications (2 unread)' }).click()

      const items = page.locator('ul.feed li')
      await items.first().waitFor()
      assert.equal(await page.locator('ul.feed li[data-read="false"]').count(), 2)
      assert.equal(await page.locator('ul.feed li .new-mark').count(), 2)
      // Seen: the server marks them read, and the badge goes.
      await badge.waitFor({ state: 'detached' })

      await page.reload()
      await items.first().waitFor()
      assert.equal(await page.locator('ul.feed li[data-read="false"]').count(), 0)
      assert.equal(await page.locator('ul.feed li .new-mark').count(), 0)
      assert.equal(await badge.count(), 0)

      // A new one: the badge shows it on the next start.
      await notify('red')
      await page.getByRole('link', { name: 'My code' }).click()
      await page.reload()
      await badge.waitFor()
      assert.equal(await badge.innerText(), '1')
    })
    await context.close()
  })
})
