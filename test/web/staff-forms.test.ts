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

describe(
  'errors people can act on, and names and words, in Chromium',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser()

    before(async () => {
      const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
      await citizen('POST', '/api/v1/me/claim', {
        document: { type: 'national-id', number: '4012 345678', country: 'RU' },
        birthDate: '1985-03-14',
        claimCode: demoClaimCode,
      })
    })

    const signedIn = async (
      login: string,
      name: string,
      journey: (page: Page) => Promise<void>,
      language = 'en',
    ) => {
      const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
      await context.addInitScript(`localStorage.setItem('hc.language', '${language}')`)
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      try {
        await withScreenshotOnFailure(page, name, async () => {
          await signInThroughPage(page, suite.url, login)
          await journey(page)
        })
      } finally {
        await context.close()
      }
    }

    it('names the field and the reason at the clinic, shows names and products by their names, and corrects a person', async () => {
      await signedIn('clinician@spb.demo', 'clinic-forms', async (page) => {
        await page.getByRole('heading', { name: 'Clinic: people' }).waitFor()
        // A Chinese name family first and closed up, never "芳 王".
        await page.getByRole('button', { name: '王芳', exact: true }).waitFor()

        await page.getByRole('button', { name: 'Register a person' }).click()
        await page.locator('#reg-family').fill('Сидоров')
        await page.locator('#reg-given').fill('Пётр')
        await page.locator('#reg-birth').fill('2099-01-01')
        await page.locator('#reg-family-latin').fill('SIDOROV')
        await page.locator('#reg-given-latin').fill('PETR')
        const number = page.locator('#reg-doc-number')
        if ((await number.count()) > 0) await number.fill('4000 123456')
        await page.getByRole('button', { name: 'Register', exact: true }).click()
        await page
          .getByRole('alert')
          .filter({ hasText: 'Birth date: enter a real date from 1900 on, not in the future.' })
          .waitFor()
        assert.equal(await page.getByText('Some of the data is not valid.').count(), 0)

        // Products by their value-set names.
        await page.goto(`${suite.url}/app/clinic`)
        await page.getByRole('button', { name: 'Петров Иван' }).click()
        const products = await page.locator('#vac-product option').allInnerTexts()
        assert.ok(
          products.some((text) => text.startsWith('Comirnaty')),
          products.join(', '),
        )
        assert.equal(
          products.some((text) => text.includes('EU/1/20/1528')),
          false,
        )

        // The clinic corrects a person's given name, with a reason.
        await page.getByRole('button', { name: 'Correct the person’s details' }).click()
        await page.locator('#edit-given').fill('Иван Сергеевич')
        await page.locator('#edit-reason').fill('Patronymic from the passport')
        await page.getByRole('button', { name: 'Save the correction' }).click()
        await page.getByText('The details are corrected.').waitFor()
        await page.getByRole('heading', { name: 'Петров Иван Сергеевич' }).waitFor()
      })
    })

    it('tells a citizen what is wrong with a pasted poster code and with an invitation token', async () => {
      await signedIn('citizen@spb.demo', 'citizen-forms', async (page) => {
        await page.goto(`${suite.url}/app/check-in`)
        await page.locator('.manual-entry textarea').fill('this is not a poster')
        await page.getByRole('button', { name: 'Check this code' }).click()
        await page
          .getByRole('alert')
          .filter({ hasText: 'Venue code: this is not a venue poster’s code' })
          .waitFor()

        await page.goto(`${suite.url}/app/notifications`)
        await page.locator('#invitation-token').fill('no-such-invitation-token')
        await page.locator('form:has(#invitation-token) button[type="submit"]').click()
        await page
          .getByRole('alert')
          .filter({ hasText: 'No open invitation has this token.' })
          .waitFor()
        assert.equal(await page.getByText('Not found.', { exact: true }).count(), 0)
      })
    })

    it('refuses a bad PEM by naming the certificate field, in Russian too', async () => {
      await signedIn(
        'federal-admin@ru.demo',
        'trust-bad-pem',
        async (page) => {
          await page.locator('#partner-name').fill('Партнёр')
          await page.locator('#partner-certificate').fill('-----BEGIN CERTIFICATE-----\nnonsense')
          await page.locator('form:has(#partner-name) button[type="submit"]').click()
          await page
            .getByRole('alert')
            .filter({ hasText: 'Сертификат подписи списка: вставьте сертификат в формате PEM' })
            .waitFor()
        },
        'ru',
      )
    })

    it('shows rules by their names and checks the district code pattern the browser understands', async () => {
      await signedIn('authority@spb.demo', 'authority-words', async (page) => {
        const rule = page.locator('[data-rule-id="positive-test"]')
        await rule.waitFor()
        assert.equal(await rule.innerText(), 'Positive test')
        assert.equal(await page.getByText('positive-test', { exact: false }).count(), 0)
        // Chromium compiles `pattern` with the v flag: an invalid one is ignored (and logged).
        await page.locator('#district-code').fill('not a code!')
        assert.equal(
          await page.evaluate("document.getElementById('district-code').validity.patternMismatch"),
          true,
        )
        await page.locator('#district-code').fill('RU-SPE-ADM')
        assert.equal(
          await page.evaluate("document.getElementById('district-code').validity.patternMismatch"),
          false,
        )
      })
    })

    it('does not call a company with no consenting employee all green', async () => {
      const admin = await demoCaller(suite.url, 'company@spb.demo')
      await admin('POST', '/api/v1/companies', { name: 'Nevsky Works' })
      await signedIn('company@spb.demo', 'company-no-employees', async (page) => {
        await page.getByText('No employee shares their colour yet').waitFor()
        assert.equal(await page.getByText('Every consenting employee is green.').count(), 0)
      })
    })
  },
)
