import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  chromiumSkip,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

describe('the staff screens in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  it('lets a commission member open the queue, approve Smirnova’s request and see it leave', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'commission-journey', async () => {
      await signInThroughPage(page, suite.url, 'commission@spb.demo')
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

  it('proposes the Hanyu Pinyin of a Chinese name in the Latin fields, for the clinician to confirm', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'clinic-pinyin', async () => {
      await signInThroughPage(page, suite.url, 'clinician@spb.demo')
      await page.getByRole('heading', { name: 'Clinic: people' }).waitFor()
      await page.getByRole('button', { name: 'Register a person' }).click()
      await page.locator('#reg-family').fill('欧阳')
      await page.locator('#reg-given').fill('娜娜')
      // The proposal arrives from the server after a pause in typing.
      const familyLatin = page.locator('#reg-family-latin')
      for (let tries = 0; tries < 50 && (await familyLatin.inputValue()) !== 'OUYANG'; tries++) {
        await page.waitForTimeout(200)
      }
      assert.equal(await familyLatin.inputValue(), 'OUYANG')
      assert.equal(await page.locator('#reg-given-latin').inputValue(), 'NANA')
      // The clinician may correct the proposal before registering.
      await page.locator('#reg-given-latin').fill('NA NA')
      await page.locator('#reg-birth').fill('1992-02-03')
      await page.locator('#reg-residency').selectOption('foreigner')
      await page.locator('#reg-doc-number').fill('E12345678')
      await page.locator('#reg-country').fill('CN')
      await page.getByRole('button', { name: 'Register', exact: true }).click()
      await page.getByRole('heading', { name: '欧阳娜娜' }).waitFor()
    })
    await context.close()
  })

  it('lets a clinician register a person without an account and record a vaccination', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'clinic-journey', async () => {
      await signInThroughPage(page, suite.url, 'clinician@spb.demo')
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
