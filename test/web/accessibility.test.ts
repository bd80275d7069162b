import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'
import { demoClaimCode } from '../../src/demo/demo-data.js'

/** axe-core, the accessibility engine, run inside the page (through DevTools, so the CSP allows it). */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

interface Violation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly nodes: readonly { readonly target: readonly string[] }[]
}

/** The WCAG 2.1 A and AA rules the page breaks, each with the elements that break it. */
async function wcagViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource};0`)
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as {
      axe: { run: (...args: unknown[]) => Promise<unknown> }
      document: unknown
    }
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: Violation[] }
    return result.violations
  })
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
}

/** Each role's main screens, and what shows that a screen has its content. */
const screens: readonly { login: string; path: string; ready: string }[] = [
  { login: 'citizen@spb.demo', path: 'code', ready: '.code-card canvas.qr' },
  { login: 'citizen@spb.demo', path: 'declare', ready: '#declare-temperature' },
  { login: 'citizen@spb.demo', path: 'certificates', ready: '.certificate canvas.qr' },
  { login: 'citizen@spb.demo', path: 'check-in', ready: '.manual-entry textarea' },
  { login: 'citizen@spb.demo', path: 'notifications', ready: '#page-title' },
  { login: 'citizen@spb.demo', path: 'requests', ready: '#page-title' },
  { login: 'citizen@spb.demo', path: 'profile', ready: '#page-title' },
  { login: 'venue@spb.demo', path: 'scanner', ready: '.manual-entry textarea' },
  { login: 'clinician@spb.demo', path: 'clinic', ready: 'ul.people li' },
  { login: 'commission@spb.demo', path: 'commission', ready: 'table.queue' },
  { login: 'authority@spb.demo', path: 'authority', ready: '#page-title' },
  { login: 'authority@spb.demo', path: 'revocations', ready: '#page-title' },
  { login: 'company@spb.demo', path: 'company', ready: '#page-title' },
  { login: 'admin@spb.demo', path: 'trust', ready: '#page-title' },
]

describe(
  'the web app’s accessibility (axe-core, WCAG 2.1 AA) in Chromium',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser()

    before(async () => {
      // The demo citizen's record was made by the clinic: linked once, as the app's first screen asks.
      const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
      await citizen('POST', '/api/v1/me/claim', {
        document: { type: 'national-id', number: '4012 345678', country: 'RU' },
        birthDate: '1985-03-14',
        claimCode: demoClaimCode,
      })
      const venue = await demoCaller(suite.url, 'venue@spb.demo')
      await venue('POST', '/api/v1/venues', {
        name: 'Mariinsky Theatre',
        category: 'theatre',
        address: 'Teatralnaya pl. 1',
        district: 'RU-SPE-ADM',
      })
    })

    it('breaks no rule on the sign-in and registration pages', async () => {
      const page = await suite.browser.newPage()
      await withScreenshotOnFailure(page, 'a11y-signed-out', async () => {
        for (const path of ['', 'register']) {
          await page.goto(`${suite.url}/app/${path}`)
          await page.locator('#page-title').waitFor()
          await page.waitForLoadState('networkidle')
          assert.deepEqual(await wcagViolations(page), [], `/app/${path}`)
        }
      })
      await page.close()
    })

    for (const login of [...new Set(screens.map((s) => s.login))]) {
      it(`breaks no rule on the screens of ${login}`, async () => {
        const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
        const page = await context.newPage()
        page.setDefaultTimeout(15_000)
        await withScreenshotOnFailure(page, `a11y-${login.split('@')[0]}`, async () => {
          await signInThroughPage(page, suite.url, login)
          const found: string[] = []
          for (const screen of screens.filter((s) => s.login === login)) {
            await page.goto(`${suite.url}/app/${screen.path}`)
            await page.locator(screen.ready).first().waitFor()
            await page.waitForLoadState('networkidle')
            found.push(...(await wcagViolations(page)).map((v) => `/app/${screen.path}: ${v}`))
          }
          assert.deepEqual(found, [])
        })
        await context.close()
      })
    }
  },
)
