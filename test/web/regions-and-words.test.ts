import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { demoClaimCode } from '../../src/demo/demo-data.js'
import { type DemoCaller, sessionCaller } from '../../src/demo/demo-client.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1366, height: 900 }
const PASSWORD = 'a long password for Chen'

/** A citizen account of its own (not a demo one): registered, signed in, and a caller in it. */
async function registerCitizen(url: string, login: string): Promise<DemoCaller> {
  const answer = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD, displayName: '陈静' }),
  })
  assert.ok(answer.ok, `register: ${answer.status} ${await answer.clone().text()}`)
  return sessionCaller(url, answer)
}

async function choose(page: Page, language: 'en' | 'ru' | 'zh'): Promise<void> {
  await page.locator('#language').selectOption(language)
  await page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' })
}

describe(
  'regions, districts and words as people read them, in Chromium',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser()
    // Signed in once each: sign-ins are limited per address and minute (SIGN_IN_RATE_LIMIT).
    let shanghai: DemoCaller
    let clinician: DemoCaller

    before(async () => {
      shanghai = await demoCaller(suite.url, 'authority@sh.demo')
      clinician = await demoCaller(suite.url, 'clinician@sh.demo')
      // Ivan Petrov's record is the demo citizen's: he has a dynamic code to show.
      const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
      await citizen('POST', '/api/v1/me/claim', {
        document: { type: 'national-id', number: '4012 345678', country: 'RU' },
        birthDate: '1985-03-14',
        claimCode: demoClaimCode,
      })
    })

    it('shows St. Petersburg’s authority none of Shanghai’s risk areas, on a phone and a desktop', async () => {
      const context = await suite.browser.newContext({ viewport: PHONE })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'risk-areas-spb', async () => {
        await signInThroughPage(page, suite.url, 'authority@spb.demo', { path: 'authority' })
        for (const viewport of [PHONE, DESKTOP]) {
          await page.setViewportSize(viewport)
          await page.reload()
          await page.getByRole('heading', { name: 'Risk areas' }).waitFor()
          await page.locator('#area-code').waitFor()
          // Shanghai's demo areas exist (its authority lists them) but are not St. Petersburg's.
          const theirs = await shanghai<{ riskAreas: { areaCode: string }[] }>(
            'GET',
            '/api/v1/risk-areas',
          )
          assert.ok(theirs.riskAreas.some((area) => area.areaCode === 'CN-SH-MH'))
          const main = await page.locator('main').innerText()
          assert.doesNotMatch(main, /CN-SH-JD|CN-SH-MH|Minhang|Jiading/)
        }
      })
      await context.close()
    })

    it('names each risk area’s region and withdraws one only after a Yes, in en, ru and zh', async () => {
      const context = await suite.browser.newContext({ viewport: PHONE })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'risk-area-withdraw', async () => {
        await signInThroughPage(page, suite.url, 'authority@sh.demo', { path: 'authority' })
        const row = page.locator('tr', { hasText: 'CN-SH-JD' })
        await row.waitFor()
        for (const [language, region] of [
          ['ru', 'Шанхай'],
          ['zh', '上海'],
          ['en', 'Shanghai'],
        ] as const) {
          await choose(page, language)
          await row.locator('td', { hasText: region }).waitFor()
        }
        // Asked first: No keeps the area.
        await row.getByRole('button', { name: 'Withdraw the risk area Jiading (嘉定区)' }).click()
        const dialog = page.getByRole('alertdialog')
        await dialog.getByText(/Withdraw the risk area Jiading \(嘉定区\) \(CN-SH-JD\)\?/).waitFor()
        await dialog.getByRole('button', { name: 'Cancel' }).click()
        await dialog.waitFor({ state: 'detached' })
        assert.equal(await row.count(), 1)
        await row.getByRole('button', { name: 'Withdraw the risk area Jiading (嘉定区)' }).click()
        await page.getByRole('button', { name: 'Yes, withdraw it' }).click()
        await page
          .getByText('The risk area Jiading (嘉定区) is withdrawn; codes are recomputed.')
          .waitFor()
        await row.waitFor({ state: 'detached' })
        await page.locator('tr', { hasText: 'CN-SH-MH' }).waitFor()
        // Withdrawn for the server too, where the history keeps it.
        const { riskAreas } = await shanghai<{ riskAreas: { areaCode: string }[] }>(
          'GET',
          '/api/v1/risk-areas',
        )
        assert.deepEqual(
          riskAreas.map((area) => area.areaCode),
          ['CN-SH-MH'],
        )
      })
      await context.close()
    })

    it('names districts on the exposure sites in the reader’s language, else as their authority defined them', async () => {
      await shanghai('POST', '/api/v1/districts', { code: 'CN-SH-QP', name: 'Qingpu (青浦区)' })
      const context = await suite.browser.newContext({ viewport: PHONE })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      const site = (name: string, district: string) => ({
        venueName: name,
        address: `${name} Road 1`,
        district,
        from: '2026-12-01T10:00:00.000Z',
        until: '2026-12-01T12:00:00.000Z',
      })
      // The published sites stand in for three cases' places: a district the app knows, one an
      // authority defined, and a code nobody defined.
      await page.route('**/api/v1/exposure-sites', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            sites: [
              site('Oriental Pearl Tower', 'CN-SH-PD'),
              site('Zhujiajiao', 'CN-SH-QP'),
              site('Nowhere Hall', 'XX-NOWHERE'),
            ],
          }),
        }),
      )
      await withScreenshotOnFailure(page, 'exposure-site-districts', async () => {
        // The exposure sites are public: read here signed out.
        await page.goto(`${suite.url}/app/exposure-sites`)
        const item = (name: string) => page.locator('.exposure-sites li', { hasText: name })
        for (const [language, pudong] of [
          ['en', 'Pudong New Area'],
          ['ru', 'Новый район Пудун'],
          ['zh', '浦东新区'],
        ] as const) {
          await choose(page, language)
          await item('Oriental Pearl Tower').locator('.district', { hasText: pudong }).waitFor()
          await item('Zhujiajiao').locator('.district', { hasText: 'Qingpu (青浦区)' }).waitFor()
          await item('Nowhere Hall').locator('.district', { hasText: 'XX-NOWHERE' }).waitFor()
          assert.doesNotMatch(await item('Oriental Pearl Tower').innerText(), /CN-SH-PD/)
          assert.doesNotMatch(await item('Zhujiajiao').innerText(), /CN-SH-QP/)
        }
      })
      await context.close()
    })

    it('runs the dynamic code’s clock with the date and time as each language writes them', async () => {
      const context = await suite.browser.newContext({ viewport: PHONE })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'code-clock', async () => {
        await signInThroughPage(page, suite.url, 'citizen@spb.demo', { path: 'code' })
        for (const viewport of [PHONE, DESKTOP]) {
          await page.setViewportSize(viewport)
          const clock = page.locator('.code-clock time')
          await clock.waitFor()
          const year = String(new Date().getFullYear())
          for (const [language, pattern] of [
            // en-GB: "Mon, 7 Dec 2026, 09:58:12"
            ['en', new RegExp(`^\\w{3},? \\d{1,2} \\w{3} ${year},? \\d{2}:\\d{2}:\\d{2}$`)],
            // ru-RU: "пн, 7 дек. 2026 г., 09:58:12"
            [
              'ru',
              new RegExp(`^[а-я]{2}, \\d{1,2} [а-я]{3,4}\\.? ${year} г\\., \\d{2}:\\d{2}:\\d{2}$`),
            ],
            // zh-CN: "2026年12月7日周一 09:58:12"
            ['zh', new RegExp(`^${year}年\\d{1,2}月\\d{1,2}日周.\\s?\\d{2}:\\d{2}:\\d{2}$`)],
          ] as const) {
            await choose(page, language)
            await clock.filter({ hasText: pattern }).waitFor()
            const text = (await clock.innerText()).replace(/\s+/g, ' ')
            assert.match(text, pattern)
          }
        }
      })
      await context.close()
    })

    it('writes a Chinese holder’s name family first and a test’s result by its value-set name in the wallet', async () => {
      const login = `chen.jing.${Date.now()}@example.org`
      const chen = await registerCitizen(suite.url, login)
      const person = await chen<{ id: string }>('POST', '/api/v1/me/person', {
        familyName: '陈',
        givenName: '静',
        familyNameIcao: 'CHEN',
        givenNameIcao: 'JING',
        birthDate: '1990-05-20',
        residency: 'resident',
        document: { type: 'national-id', number: '310101199005200000', country: 'CN' },
        language: 'zh',
        issuerId: 'cn-sh',
        district: 'CN-SH-PD',
      })
      await clinician('POST', `/api/v1/people/${person.id}/tests`, {
        testType: 'LP6464-4',
        name: 'RT-PCR SARS-CoV-2',
        sampledAt: new Date(Date.now() - 86_400_000).toISOString(),
        result: '260415000',
        centre: 'Pudong testing site',
        country: 'CN',
      })
      const context = await suite.browser.newContext({ viewport: PHONE })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'wallet-words', async () => {
        await signInThroughPage(page, suite.url, login, {
          password: PASSWORD,
          path: 'certificates',
        })
        for (const viewport of [PHONE, DESKTOP]) {
          await page.setViewportSize(viewport)
          const card = page.locator('li.certificate').first()
          await card.locator('.certificate-holder').waitFor()
          assert.equal(await card.locator('.certificate-holder').innerText(), '陈静')
          for (const [language, result] of [
            ['en', 'Not detected'],
            ['ru', 'Не обнаружено'],
            ['zh', '未检出'],
          ] as const) {
            await choose(page, language)
            await card.locator('.certificate-test-result', { hasText: result }).waitFor()
            assert.equal(await card.locator('.certificate-holder').innerText(), '陈静')
          }
          assert.equal(
            await card.locator('.certificate-test-type').innerText(),
            'Nucleic acid amplification with probe detection',
          )
          assert.doesNotMatch(await card.innerText(), /260415000|静 陈/)
        }
      })
      await context.close()
    })
  },
)
