import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { demoClaimCode } from '../../src/demo/demo-data.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
} from './web-harness.js'

/** The narrowest phones in use: every screen must fit 360 CSS pixels without scrolling sideways. */
const WIDTH = 360
const languages = ['en', 'ru', 'zh'] as const

/**
 * Every screen of every role, and the detail views reached from them by a click (a request of
 * the commission, a person at the clinic, the registration form).
 */
const roles: readonly {
  readonly login: string
  readonly screens: readonly string[]
  readonly details?: (page: Page, measure: (view: string) => Promise<void>) => Promise<void>
}[] = [
  {
    login: 'citizen@spb.demo',
    screens: [
      'code',
      'declare',
      'certificates',
      'check-in',
      'requests',
      'notifications',
      'exposure-sites',
      'profile',
      'about',
    ],
  },
  {
    login: 'clinician@spb.demo',
    screens: ['clinic'],
    details: async (page, measure) => {
      await page.locator('main ul.people button').first().click()
      await page.locator('main h1').waitFor()
      await measure('clinic: a person')
    },
  },
  {
    login: 'commission@spb.demo',
    screens: ['commission'],
    details: async (page, measure) => {
      await page.locator('main table button, main .queue button').first().click()
      await page.locator('#decision-reason').waitFor()
      await measure('commission: a request')
    },
  },
  { login: 'authority@spb.demo', screens: ['authority', 'cases', 'revocations'] },
  // Shanghai's authority has risk areas of its own: their table, with its Withdraw buttons.
  {
    login: 'authority@sh.demo',
    screens: ['authority'],
    details: async (page, measure) => {
      await page.locator('tr[data-area-id] button').first().click()
      await page.locator('#withdraw-area-confirm').waitFor()
      await measure('authority: withdrawing a risk area')
    },
  },
  {
    login: 'admin@spb.demo',
    screens: ['trust', 'revocations'],
    details: async (page, measure) => {
      // A holder's certificates, each with its Revoke button, then the revocation form.
      await page.locator('input[name="revocation-find"]').nth(1).check()
      await page.locator('#revocation-person').selectOption({ index: 1 })
      const revoke = page.locator('main table tr[data-certificate-id] button').first()
      await revoke.waitFor()
      await measure('revocations: a holder’s certificates')
      await revoke.click()
      await page.locator('#revocation-reason').waitFor()
      await measure('revocations: revoking')
    },
  },
  {
    login: 'federal-admin@ru.demo',
    screens: ['trust'],
    details: async (page, measure) => {
      // A partner's import form (the partners are the federal administrators').
      await page.locator('main table button.link').first().click()
      await page.locator('#trust-list').waitFor()
      await measure('trust: importing a list')
    },
  },
  {
    login: 'company@spb.demo',
    screens: ['company'],
    details: async (page, measure) => {
      // An invitation's link, its copy button and its QR code.
      await page.locator('#invitation-make').click()
      await page.locator('#invitation-link').waitFor()
      await measure('company: an invitation')
    },
  },
  { login: 'venue@spb.demo', screens: ['scanner'] },
]

/** How far the page scrolls sideways, and the elements that stick out of the viewport. */
async function overflow(page: Page): Promise<{ excess: number; culprits: string[] }> {
  return page.evaluate(`(() => {
    const root = document.documentElement
    const width = root.clientWidth
    const culprits = []
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect()
      // Text wider than its box (an unbroken word) sticks out though the box does not.
      const right = Math.max(box.right, box.left + element.scrollWidth)
      if (box.width === 0 || right <= width + 1) continue
      // What a scrolling box holds (the navigation's row of links) scrolls inside it.
      let scrolled = false
      for (let up = element.parentElement; up; up = up.parentElement) {
        if (/auto|scroll|hidden/.test(getComputedStyle(up).overflowX)) scrolled = true
      }
      if (scrolled) continue
      // The outermost culprit only: its children stick out because it does.
      if (element.parentElement && element.parentElement.getBoundingClientRect().right > width + 1) continue
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
        (typeof element.className === 'string' && element.className ? '.' + element.className.split(' ').join('.') : '')
      culprits.push(name + ' (' + Math.round(right) + ' px) ' + (element.textContent || '').trim().slice(0, 40))
    }
    return { excess: root.scrollWidth - width, culprits: culprits.slice(0, 5) }
  })()`)
}

/** Waits for a screen's data: its heading, then no "Loading…" left in the page. */
async function settled(page: Page): Promise<void> {
  await page.locator('#page-title').first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(
    `!document.querySelector('main [role="status"]') ||
      ![...document.querySelectorAll('main [role="status"]')].some((e) => /Loading|Загрузка|加载/.test(e.textContent))`,
  )
}

describe('every screen on a 360 px phone in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  before(async () => {
    // A trust partner, so that the partners' table and its import form are measured too: the
    // deployment's own list signer stands in for a partner's.
    const signer = await (await fetch(`${suite.url}/api/v1/trust-list/signer`)).text()
    const federal = await demoCaller(suite.url, 'federal-admin@ru.demo')
    await federal('POST', '/api/v1/trust-partners', {
      name: 'Partner region with a long name, Yangtze River Delta',
      signingCertificate: signer,
      sourceUrl: 'https://trust.partner-region.example.org/api/v1/trust-list',
    })
    // A company, so that its page shows the invitations and the dashboard.
    const company = await demoCaller(suite.url, 'company@spb.demo')
    await company('POST', '/api/v1/companies', { name: 'Nevsky Works' })
    // The demo citizen holds Ivan Petrov's record, so that the citizen's screens show it.
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
  })

  // One sign-in per role (the sign-in limit is 10 a minute from one address), then every
  // screen in each language.
  for (const role of [{ login: '', screens: ['about', 'register', ''] }, ...roles]) {
    const who = role.login || 'signed out'
    it(`has no horizontal scroll on any screen of ${who} in ${languages.join(', ')}`, async () => {
      const overflowing: string[] = []
      const context = await suite.browser.newContext({ viewport: { width: WIDTH, height: 740 } })
      try {
        const page = await context.newPage()
        page.setDefaultTimeout(15_000)
        if (role.login) await signInThroughPage(page, suite.url, role.login)
        else await page.goto(`${suite.url}/app/about`)
        for (const language of languages) {
          const measure = async (screen: string) => {
            const found = await overflow(page)
            if (found.excess > 0) {
              overflowing.push(
                `${language} ${screen || 'sign in'}: ${found.excess} px too wide; ${found.culprits.join(' | ')}`,
              )
            }
          }
          await page.evaluate(`localStorage.setItem('hc.language', '${language}')`)
          for (const screen of role.screens) {
            await page.goto(`${suite.url}/app/${screen}`)
            await settled(page)
            await measure(screen)
          }
          if ('details' in role && role.details) {
            await role.details(page, async (view) => {
              await settled(page)
              await measure(view)
            })
          }
        }
      } finally {
        await context.close()
      }
      assert.deepEqual(overflowing, [], `screens wider than ${WIDTH} px`)
    })
  }
})
