// `npm run screenshots`: every screen of the web app in each language, the Shanghai side of the
// demo included (`shanghai-` screens), at a phone's viewport, into
// docs/screenshots/<screen>-<language>.png (linked from the README's "Web app" section).
// Runs the built server (dist/, from `npm run build`) with the demo data on a fresh SQLite file and
// drives Debian's Chromium (/usr/bin/chromium) through playwright-core, as test/web/ does.
/* global document -- in the page, through playwright */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
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
const { demoClaimCode, demoPassword, demoShanghaiClaimCode } =
  await import('../dist/src/demo/demo-data.js')
// The app's texts, to find a section's heading in each language.
const messages = Object.fromEntries(
  LANGUAGES.map((language) => [
    language,
    JSON.parse(readFileSync(join(repository, 'web', 'src', 'i18n', `${language}.json`), 'utf8')),
  ]),
)

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

  // A case for the tracing screens: Ivan Petrov checks in by the venue's poster while Anna
  // Smirnova is scanned at its door; the authority confirms her a case and publishes its sites, so
  // the citizen has an exposure site and a notification naming the venue.
  const doorVenue = (await venue('GET', '/api/v1/venues')).venues[0]
  await citizen('POST', '/api/v1/checkins', {
    venueCode: doorVenue.posterCode,
    clientId: randomUUID(),
  })
  await venue('POST', `/api/v1/venues/${doorVenue.id}/scan`, {
    qr: await demoDynamicCode(url, 'Смирнова'),
    clientId: randomUUID(),
  })
  const authority = await demoCaller(url, 'authority@spb.demo')
  const { people: spbPeople } = await (
    await demoCaller(url, 'clinician@spb.demo')
  )('GET', '/api/v1/people')
  const smirnova = spbPeople.find((person) => person.familyName === 'Смирнова')
  const petrov = spbPeople.find((person) => person.familyName === 'Петров')
  const confirmed = await authority('POST', '/api/v1/cases', { personId: smirnova.id })
  // A 204 without the JSON the caller reads, hence the catch.
  await authority('POST', `/api/v1/cases/${confirmed.case.id}/publish`).catch(() => undefined)

  // Shanghai: Anna Schmidt links her record, as `citizen@sh.demo`'s first screen asks.
  const shanghaiCitizen = await demoCaller(url, 'citizen@sh.demo')
  await shanghaiCitizen('POST', '/api/v1/me/claim', {
    document: { type: 'passport', number: 'C4J8K2L9M', country: 'DE' },
    birthDate: '1988-04-12',
    claimCode: demoShanghaiClaimCode,
  })
  const shanghaiClinician = await demoCaller(url, 'clinician@sh.demo')
  const { people: shanghaiPeople } = await shanghaiClinician('GET', '/api/v1/people')
  // A different Shanghai visitor in each language, as below.
  const shanghaiVisitors = { en: 'Tanaka', ru: 'Schmidt', zh: '李' }

  console.log('Saving screenshots:')
  // Signed out: the sign-in, registration and about pages.
  const visitor = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 2 })
  const visitorPage = await visitor.newPage()
  await visitorPage.goto(`${url}/app/`)
  for (const language of LANGUAGES) {
    await open(visitorPage, url, '', language)
    await visitorPage.locator('#sign-in-login').waitFor()
    await shoot(visitorPage, 'sign-in', language)
    for (const screen of ['register', 'about']) {
      await open(visitorPage, url, screen, language)
      await visitorPage.locator('#page-title').waitFor()
      await shoot(visitorPage, screen, language)
    }
  }
  await visitor.close()

  /** The citizen's screens of one account, under `prefix`. */
  async function citizenScreens(login, prefix) {
    const { page, context } = await signedInPage(browser, url, login)
    for (const language of LANGUAGES) {
      await open(page, url, '', language)
      await page.locator('.code-card canvas.qr').waitFor()
      await shoot(page, `${prefix}my-code`, language)
      await open(page, url, 'declare', language)
      await page.locator('#declare-temperature').waitFor()
      await shoot(page, `${prefix}declare`, language)
      await open(page, url, 'certificates', language)
      await page.locator('.certificate canvas.qr').first().waitFor()
      await shoot(page, `${prefix}certificates`, language)
      for (const screen of ['requests', 'notifications', 'exposure-sites', 'profile', 'check-in']) {
        await open(page, url, screen, language)
        await page.locator('#page-title').waitFor()
        await page.waitForLoadState('networkidle')
        await shoot(page, `${prefix}${screen}`, language)
      }
    }
    await context.close()
  }

  /** The door scanner's result for a code, in each language. */
  async function scannerScreens(login, prefix, codes) {
    const { page, context } = await signedInPage(browser, url, login)
    for (const language of LANGUAGES) {
      await open(page, url, 'scanner', language)
      // An operator of several venues picks one first: the first of the list.
      await page.locator('.manual-entry textarea, #scanner-venue').first().waitFor()
      if ((await page.locator('.manual-entry textarea').count()) === 0) {
        await page.locator('#scanner-venue').selectOption({ index: 1 })
      }
      await page.locator('.manual-entry textarea').fill(await codes(language))
      await page.locator('.manual-entry button[type="submit"]').click()
      await page.locator('.scan-result').waitFor()
      await shoot(page, `${prefix}scanner-result`, language)
    }
    await context.close()
  }

  await citizenScreens('citizen@spb.demo', '')
  // A different visitor in each language, so that no result reads "already scanned".
  const visitors = { en: 'Müller', ru: 'Müller', zh: '王' }
  await scannerScreens('venue@spb.demo', '', (language) => demoDynamicCode(url, visitors[language]))

  /**
   * Staff screens: each `shot` opens `path`, waits for `ready`, and, with `section`, scrolls the
   * page to that heading (a selector, or a message key of the heading's text) or, with `click`,
   * opens the first item it names.
   */
  async function staffScreens(login, shots) {
    const { page, context } = await signedInPage(browser, url, login)
    for (const language of LANGUAGES) {
      for (const { screen, path, ready, section, click } of shots) {
        await open(page, url, path, language)
        await page.locator(ready).first().waitFor()
        if (click) {
          await page.locator(click).first().click()
          await page.locator('#page-title').waitFor()
        }
        await page.waitForLoadState('networkidle')
        if (section) {
          const heading = section.startsWith('#')
            ? page.locator(section)
            : page.locator('h2', { hasText: messages[language][section] }).first()
          await heading.evaluate((element) => element.scrollIntoView({ block: 'start' }))
        }
        await shoot(page, screen, language)
      }
    }
    await context.close()
  }

  const authorityShots = (prefix) => [
    { screen: `${prefix}authority`, path: 'authority', ready: '#page-title' },
    {
      screen: `${prefix}risk-areas`,
      path: 'authority',
      ready: '#districts-title',
      section: 'authority.riskAreas',
    },
    {
      screen: `${prefix}districts`,
      path: 'authority',
      ready: '#districts-title',
      section: '#districts-title',
    },
    {
      screen: `${prefix}entry-policies`,
      path: 'authority',
      ready: '#policies-title',
      section: '#policies-title',
    },
    {
      screen: `${prefix}risk-rules`,
      path: 'authority',
      ready: '#policies-title',
      section: 'authority.riskRules',
    },
  ]
  await staffScreens('clinician@spb.demo', [
    { screen: 'clinic', path: 'clinic', ready: 'ul.people li' },
    { screen: 'clinic-person', path: `clinic/people/${petrov.id}`, ready: '#page-title' },
  ])
  await staffScreens('commission@spb.demo', [
    { screen: 'commission-queue', path: 'commission', ready: 'table.queue' },
    {
      screen: 'commission-request',
      path: 'commission',
      ready: 'table.queue',
      click: 'table.queue button.link',
    },
  ])
  await staffScreens('authority@spb.demo', [
    ...authorityShots(''),
    { screen: 'cases', path: 'cases', ready: 'ul.case-list li' },
    {
      screen: 'case',
      path: 'cases',
      ready: 'ul.case-list li',
      click: 'ul.case-list li button.link',
    },
    { screen: 'revocations', path: 'revocations', ready: '#page-title' },
  ])
  await staffScreens('company@spb.demo', [
    { screen: 'company', path: 'company', ready: '#page-title' },
  ])
  await staffScreens('admin@spb.demo', [{ screen: 'trust', path: 'trust', ready: '#page-title' }])

  // The Shanghai side of the demo: `cn-sh`'s citizen, door, clinic, authority, companies and trust.
  await citizenScreens('citizen@sh.demo', 'shanghai-')
  await scannerScreens('venue@sh.demo', 'shanghai-', async (language) => {
    const visitor = shanghaiPeople.find(
      (person) => person.familyName === shanghaiVisitors[language],
    )
    const token = await shanghaiClinician('GET', `/api/v1/people/${visitor.id}/health-code/token`)
    return token.qr
  })
  await staffScreens('clinician@sh.demo', [
    { screen: 'shanghai-clinic', path: 'clinic', ready: 'ul.people li' },
  ])
  await staffScreens('authority@sh.demo', authorityShots('shanghai-'))
  await staffScreens('company@sh.demo', [
    { screen: 'shanghai-company', path: 'company', ready: '#page-title' },
  ])
  await staffScreens('admin@sh.demo', [
    { screen: 'shanghai-trust', path: 'trust', ready: '#page-title' },
  ])
} catch (error) {
  failed = true
  console.error(error)
} finally {
  await browser.close()
  await server.close()
}
process.exit(failed ? 1 : 0)
