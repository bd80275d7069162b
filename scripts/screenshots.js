// `npm run screenshots`: the web app's main screens in each language, at a phone's viewport, into
// docs/screenshots/<screen>-<language>.png (linked from the README's "Web app" section).
// Runs the built server (dist/, from `npm run build`) with the demo data on a fresh SQLite file and
// drives Debian's Chromium (/usr/bin/chromium) through playwright-core, as test/web/ does.
/* global document -- in the page, through playwright */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const LANGUAGES = ['en', 'ru', 'zh']
const VIEWPORT = { width: 390, height: 844 }
const repository = fileURLToPath(new URL('../', import.meta.url))
const output = join(repository, 'docs', 'screenshots')

if (!existsSync(join(repository, 'dist', 'web', 'index.html'))) {
  console.error('expected dist/web/index.html: run npm run build first')
  process.exit(2)
}
if (!existsSync(CHROMIUM)) {
  console.error(`expected Chromium at ${CHROMIUM}: apt-get install chromium`)
  process.exit(2)
}

const { startServer } = await import('../dist/src/api/server.js')
const { loadConfig } = await import('../dist/src/config/config.js')
const { demoCaller, demoDynamicCode } = await import('../dist/src/demo/demo-client.js')
const { demoClaimCode, demoPassword } = await import('../dist/src/demo/demo-data.js')

/** Signs a demo account in, once: the pages below switch language by the app's stored choice. */
async function signedInPage(browser, url, login) {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 2,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  await page.goto(`${url}/app/`)
  await page.locator('#sign-in-login').fill(login)
  await page.locator('#sign-in-password').fill(demoPassword(login))
  await page.locator('form:has(#sign-in-login) button[type="submit"]').click()
  await page.locator('.app-nav').waitFor()
  return { context, page }
}

/** Opens a page of the app in a language. */
async function open(page, url, path, language) {
  await page.evaluate((chosen) => localStorage.setItem('hc.language', chosen), language)
  await page.goto(`${url}/app/${path}`)
  await page.locator(`html[lang="${language}"]`).waitFor()
}

async function shoot(page, screen, language) {
  // The app's Chinese font comes in unicode-range slices fetched on use: loads every slice the page needs.
  await page.evaluate(async () => {
    const text = document.body.innerText
    await Promise.all(
      ['400', '700'].map((weight) =>
        document.fonts.load(`${weight} 16px "Noto Sans SC Web"`, text),
      ),
    )
    await document.fonts.ready
  })
  // Leaves the focus ring and any transition out of the picture.
  await page.evaluate(() => document.activeElement?.blur())
  await page.waitForTimeout(300)
  const path = join(output, `${screen}-${language}.png`)
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' })
  console.log(`  ${path.slice(repository.length)}`)
}

const database = join(mkdtempSync(join(tmpdir(), 'healthcode-screenshots-')), 'store.sqlite')
const server = await startServer(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database,
    DEMO: 'true',
    LOG_LEVEL: 'silent',
    KEY_ENCRYPTION_KEY: '5a'.repeat(32),
    // Every screen below signs a demo account in; more than the default 10 a minute from here.
    SIGN_IN_RATE_LIMIT: '100',
  }),
  { handleSignals: false },
)
const url = server.url.replace('localhost', '127.0.0.1')
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
let failed = false
try {
  mkdirSync(output, { recursive: true })
  // The demo citizen's record was made by the clinic: linked once, as the app's first screen asks.
  const citizen = await demoCaller(url, 'citizen@spb.demo')
  await citizen('POST', '/api/v1/me/claim', {
    document: { type: 'national-id', number: '4012 345678', country: 'RU' },
    birthDate: '1985-03-14',
    claimCode: demoClaimCode,
  })
  const venue = await demoCaller(url, 'venue@spb.demo')
  const { venues } = await venue('GET', '/api/v1/venues')
  if (venues.length === 0) {
    await venue('POST', '/api/v1/venues', {
      name: 'Mariinsky Theatre',
      category: 'theatre',
      address: 'Teatralnaya pl. 1',
      district: 'RU-SPE-ADM',
    })
  }

  // A request to the commission, refused with a reason: the citizen's Requests and Notifications.
  const me = await citizen('GET', '/api/v1/me')
  const pdf =
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
  const filed = await citizen('POST', `/api/v1/people/${me.person.id}/commission-requests`, {
    evidence: {
      kind: 'test',
      data: {
        testType: 'LP6464-4',
        sampledAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        result: '260373001',
        centre: 'Polyclinic No. 37',
        country: 'RU',
      },
    },
    attachments: [{ fileName: 'pcr-result.pdf', mediaType: 'application/pdf', content: btoa(pdf) }],
  })
  const commission = await demoCaller(url, 'commission@spb.demo')
  await commission('POST', `/api/v1/commission/requests/${filed.id}/decision`, {
    outcome: 'refused',
    reason: 'The laboratory stamp is missing from the result.',
  })
  // A company with its office, for the company screen.
  const company = await demoCaller(url, 'company@spb.demo')
  const { companies } = await company('GET', '/api/v1/companies')
  if (companies.length === 0) {
    const created = await company('POST', '/api/v1/companies', { name: 'Nevsky Instruments' })
    await company('POST', '/api/v1/venues', {
      name: 'Nevsky Instruments, office',
      category: 'office',
      address: 'Nevsky pr. 28',
      district: 'RU-SPE-CEN',
      companyId: created.id,
    })
  }

  console.log('Saving screenshots:')
  // Signed out: the sign-in and registration pages.
  const visitor = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 2 })
  const visitorPage = await visitor.newPage()
  await visitorPage.goto(`${url}/app/`)
  for (const language of LANGUAGES) {
    await open(visitorPage, url, '', language)
    await visitorPage.locator('#sign-in-login').waitFor()
    await shoot(visitorPage, 'sign-in', language)
    await open(visitorPage, url, 'register', language)
    await visitorPage.locator('#page-title').waitFor()
    await shoot(visitorPage, 'register', language)
  }
  await visitor.close()

  const citizenApp = await signedInPage(browser, url, 'citizen@spb.demo')
  const doorApp = await signedInPage(browser, url, 'venue@spb.demo')
  // A different visitor in each language, so that no result reads "already scanned".
  const visitors = { en: 'Müller', ru: 'Müller', zh: '王' }
  for (const language of LANGUAGES) {
    const { page } = citizenApp
    await open(page, url, '', language)
    await page.locator('.code-card canvas.qr').waitFor()
    await shoot(page, 'my-code', language)
    await open(page, url, 'declare', language)
    await page.locator('#declare-temperature').waitFor()
    await shoot(page, 'declare', language)
    await open(page, url, 'certificates', language)
    await page.locator('.certificate canvas.qr').first().waitFor()
    await shoot(page, 'certificates', language)
    for (const screen of ['requests', 'notifications', 'profile', 'check-in']) {
      await open(page, url, screen, language)
      await page.locator('#page-title').waitFor()
      await page.waitForLoadState('networkidle')
      await shoot(page, screen, language)
    }

    const door = doorApp.page
    await open(door, url, 'scanner', language)
    await door
      .locator('.manual-entry textarea')
      .fill(await demoDynamicCode(url, visitors[language]))
    await door.locator('.manual-entry button[type="submit"]').click()
    await door.locator('.scan-result').waitFor()
    await shoot(door, 'scanner-result', language)
  }
  await citizenApp.context.close()
  await doorApp.context.close()

  // Staff screens: the clinic's people, the commission's queue, the health authority's city and
  // revocations, the company, the administrator's trust partners and keys.
  const staff = [
    { login: 'clinician@spb.demo', screen: 'clinic', path: 'clinic', ready: 'ul.people li' },
    {
      login: 'commission@spb.demo',
      screen: 'commission-queue',
      path: 'commission',
      ready: 'table.queue',
    },
    { login: 'authority@spb.demo', screen: 'authority', path: 'authority', ready: '#page-title' },
    {
      login: 'authority@spb.demo',
      screen: 'revocations',
      path: 'revocations',
      ready: '#page-title',
    },
    { login: 'company@spb.demo', screen: 'company', path: 'company', ready: '#page-title' },
    { login: 'admin@spb.demo', screen: 'trust', path: 'trust', ready: '#page-title' },
  ]
  for (const { login, screen, path, ready } of staff) {
    const app = await signedInPage(browser, url, login)
    for (const language of LANGUAGES) {
      await open(app.page, url, path, language)
      await app.page.locator(ready).first().waitFor()
      await app.page.waitForLoadState('networkidle')
      await shoot(app.page, screen, language)
    }
    await app.context.close()
  }
} catch (error) {
  failed = true
  console.error(error)
} finally {
  await browser.close()
  await server.close()
}
process.exit(failed ? 1 : 0)
