import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { RunningServer } from '../../src/api/server.js'
import {
  CHROMIUM,
  ensureWebBuild,
  launchChromium,
  startDemoServer,
  withScreenshotOnFailure,
} from './web-harness.js'

const noChromium = !existsSync(CHROMIUM)
const skip = noChromium && !process.env['CI'] ? `no ${CHROMIUM}: apt-get install chromium` : false

async function signIn(page: Page, url: string, login: string, password: string): Promise<void> {
  await page.goto(`${url}/app/`)
  await page.locator('#sign-in-login').fill(login)
  await page.locator('#sign-in-password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

describe('the staff screens in Chromium', { skip }, () => {
  let server: RunningServer
  let url: string
  let browser: Browser

  before(async () => {
    ensureWebBuild()
    ;({ server, url } = await startDemoServer())
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lets a commission member open the queue, approve Smirnova’s request and see it leave', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'commission-journey', async () => {
      await signIn(page, url, 'commission@spb.demo', 'demo-commission-2026')
      await page.getByRole('link', { name: 'Commission' }).click()
      await page.getByRole('heading', { name: 'Commission queue' }).waitFor()
      const row = page.getByRole('row').filter({ hasText: 'SMIRNOVA' })
      await row.waitFor()
      assert.match(await row.innerText(), /\d+ h/, 'the queue shows the waiting hours')
      await row.getByRole('button', { name: /SMIRNOVA/ }).click()

      await page
        .getByRole('heading', { name: /Request of Смирнова Ольга \(SMIRNOVA OLGA\)/ })
        .waitFor()
      assert.match(await page.locator('main').innerText(), /Positive \(detected\)/)
      await page.getByRole('button', { name: 'Approve' }).click()

      await page.getByText('The request is approved').waitFor()
      await page.getByRole('heading', { name: 'Commission queue' }).waitFor()
      await page.getByText('No requests are waiting.').waitFor()
      assert.equal(await page.getByRole('row').filter({ hasText: 'SMIRNOVA' }).count(), 0)
    })
    await context.close()
  })

  it('lets a clinician register a person without an account and record a vaccination', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'clinic-journey', async () => {
      await signIn(page, url, 'clinician@spb.demo', 'demo-clinician-2026')
      await page.getByRole('heading', { name: 'Clinic: people' }).waitFor()
      await page.getByRole('button', { name: 'Register a person' }).click()
      await page.locator('#reg-family').fill('Testova')
      await page.locator('#reg-given').fill('Anna')
      await page.locator('#reg-birth').fill('1991-05-06')
      await page.locator('#reg-doc-number').fill('4099 112233')
      await page.getByRole('button', { name: 'Register', exact: true }).click()

      await page.getByRole('heading', { name: 'Testova Anna' }).waitFor()
      await page.getByRole('button', { name: 'Record vaccination' }).click()
      await page.getByText('Recorded.').waitFor()
      await page.getByRole('link', { name: 'Print (PDF)' }).first().waitFor()
      const href = await page
        .getByRole('link', { name: 'Print (PDF)' })
        .first()
        .getAttribute('href')
      assert.match(href ?? '', /^\/api\/v1\/certificates\/[^/]+\/pdf$/)

      await page.getByRole('button', { name: 'Back to the list' }).click()
      await page.locator('#clinic-search').fill('testova')
      await page.getByRole('button', { name: 'Testova Anna' }).waitFor()
    })
    await context.close()
  })
})
