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

const UUID = '[0-9a-f-]{36}'

/**
 * Checks a detail view's address: reload keeps the view, Back returns to the page it was opened
 * from (never out of the app), Forward opens it again.
 */
async function backAndReloadKeep(
  page: Page,
  options: {
    address: RegExp
    list: string
    shown: () => Promise<void>
    listShown: () => Promise<void>
  },
): Promise<void> {
  assert.match(new URL(page.url()).pathname, options.address)
  await page.reload()
  await options.shown()
  assert.match(new URL(page.url()).pathname, options.address)
  await page.goBack()
  await options.listShown()
  assert.equal(new URL(page.url()).pathname, options.list)
  await page.goForward()
  await options.shown()
  assert.match(new URL(page.url()).pathname, options.address)
}

describe('every detail view has an address, in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  before(async () => {
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
    // A request of the citizen's own to the commission, to open from their list.
    const me = await citizen<{ person: { id: string } }>('GET', '/api/v1/me')
    await citizen('POST', `/api/v1/people/${me.person.id}/commission-requests`, {
      evidence: {
        kind: 'test',
        data: {
          testType: 'LP6464-4',
          name: 'RT-PCR SARS-CoV-2',
          sampledAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
          result: '260373001',
          centre: 'City polyclinic No. 37',
          country: 'RU',
        },
      },
    })
  })

  const journey = (
    name: string,
    login: string,
    path: string,
    steps: (page: Page) => Promise<void>,
  ) =>
    it(name, async () => {
      const context = await suite.browser.newContext({ viewport: { width: 1366, height: 900 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, `detail-${path}`, async () => {
        await signInThroughPage(page, suite.url, login, { path })
        await steps(page)
      })
      await context.close()
    })

  journey('a person at the clinic', 'clinician@spb.demo', 'clinic', async (page) => {
    const list = page.getByRole('heading', { name: 'Clinic: people' })
    await list.waitFor()
    await page.getByRole('button', { name: 'Петров Иван' }).click()
    const person = page.getByRole('heading', { name: 'Петров Иван' })
    await person.waitFor()
    await backAndReloadKeep(page, {
      address: new RegExp(`^/app/clinic/people/${UUID}$`),
      list: '/app/clinic',
      shown: () => person.waitFor(),
      listShown: () => list.waitFor(),
    })
    // "Back to the list" returns, and Back afterwards does not reopen the person.
    await page.getByRole('button', { name: 'Back to the list' }).click()
    await list.waitFor()
    assert.equal(new URL(page.url()).pathname, '/app/clinic')
  })

  journey(
    'a request in the commission’s queue',
    'commission@spb.demo',
    'commission',
    async (page) => {
      const list = page.getByRole('heading', { name: 'Commission queue' })
      await list.waitFor()
      await page.locator('table.queue button.link').first().click()
      const request = page.getByRole('button', { name: 'Back to the queue' })
      await request.waitFor()
      await backAndReloadKeep(page, {
        address: new RegExp(`^/app/commission/requests/${UUID}$`),
        list: '/app/commission',
        shown: () => request.waitFor(),
        listShown: () => list.waitFor(),
      })
    },
  )

  journey('a case at the health authority', 'authority@spb.demo', 'authority', async (page) => {
    await page.locator('#case-search').fill('Смирнова')
    await page.locator('#case-person').selectOption({ index: 1 })
    await page.getByRole('button', { name: 'Confirm the case' }).click()
    const whereabouts = page.getByRole('heading', { name: 'Whereabouts in the last 14 days' })
    await whereabouts.waitFor()
    await backAndReloadKeep(page, {
      address: new RegExp(`^/app/authority/cases/${UUID}$`),
      list: '/app/authority',
      shown: () => whereabouts.waitFor(),
      listShown: () => page.getByRole('button', { name: 'Confirm the case' }).waitFor(),
    })
    await page.goBack()
    await whereabouts.waitFor({ state: 'detached' })
  })

  journey('a venue of a company', 'company@spb.demo', 'company', async (page) => {
    await page.locator('#company-name').fill('Nevsky Works')
    await page.getByRole('button', { name: 'Create company' }).click()
    await page.locator('#company-venue-name').fill('Nevsky Works canteen')
    await page.locator('#company-venue-address').fill('Nevsky 100')
    await page.locator('#company-venue-district').fill('RU-SPE-ADM')
    await page.getByRole('button', { name: 'Register venue' }).click()
    const poster = page.getByRole('heading', { name: 'Poster of Nevsky Works canteen' })
    await poster.waitFor()
    await backAndReloadKeep(page, {
      address: new RegExp(`^/app/company/venues/${UUID}$`),
      list: '/app/company',
      shown: () => poster.waitFor(),
      listShown: () => poster.waitFor({ state: 'detached' }),
    })
  })

  journey(
    'a certificate found for revocation',
    'authority@spb.demo',
    'revocations',
    async (page) => {
      const clinician = await demoCaller(suite.url, 'clinician@spb.demo')
      const { people } = await clinician<{ people: { id: string; familyName: string }[] }>(
        'GET',
        '/api/v1/people',
      )
      const petrov = people.find((person) => person.familyName === 'Петров')
      assert.ok(petrov, 'the demo has Ivan Petrov')
      const { certificates } = await clinician<{ certificates: { uvci: string }[] }>(
        'GET',
        `/api/v1/people/${petrov.id}/certificates`,
      )
      const uvci = certificates[0]?.uvci ?? ''
      await page.locator('#revocation-uvci').fill(uvci)
      await page.getByRole('button', { name: 'Find', exact: true }).click()
      const found = page.getByRole('table', { name: 'Certificates found' })
      await found.waitFor()
      const address = `/app/revocations/certificates/${encodeURIComponent(uvci)}`
      await backAndReloadKeep(page, {
        address: new RegExp(`^${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        list: '/app/revocations',
        shown: async () => {
          await found.waitFor()
          assert.ok((await found.innerText()).includes(uvci))
        },
        listShown: () => found.waitFor({ state: 'detached' }),
      })
    },
  )

  journey(
    'a certificate in the citizen’s wallet',
    'citizen@spb.demo',
    'certificates',
    async (page) => {
      const cards = page.locator('li.certificate')
      await cards.first().waitFor()
      const count = await cards.count()
      await cards.first().locator('h2 a').click()
      const all = page.getByRole('button', { name: 'All certificates' })
      await all.waitFor()
      assert.equal(await cards.count(), 1)
      await backAndReloadKeep(page, {
        address: new RegExp(`^/app/certificates/certificates/${UUID}$`),
        list: '/app/certificates',
        shown: () => all.waitFor(),
        listShown: () => all.waitFor({ state: 'detached' }),
      })
      await all.click()
      await all.waitFor({ state: 'detached' })
      assert.equal(await cards.count(), count)
    },
  )

  journey(
    'a request the citizen filed to the commission',
    'citizen@spb.demo',
    'requests',
    async (page) => {
      const list = page.getByRole('heading', { name: 'Your requests' })
      await list.waitFor()
      const requests = page.locator('li.request')
      await requests.first().waitFor()
      await requests.first().locator('h3 a').click()
      const all = page.getByRole('button', { name: 'All your requests' })
      await all.waitFor()
      assert.equal(await requests.count(), 1)
      assert.equal(await page.locator('#new-request-title').count(), 0, 'the filing form is away')
      await backAndReloadKeep(page, {
        address: new RegExp(`^/app/requests/requests/${UUID}$`),
        list: '/app/requests',
        shown: () => all.waitFor(),
        listShown: () => list.waitFor(),
      })
      await requests.getByText('Waiting for the commission').waitFor()
      await all.click()
      await list.waitFor()
      assert.equal(new URL(page.url()).pathname, '/app/requests')
      // An address of a request that is not the citizen's says so, and offers the list.
      await page.goto(`${suite.url}/app/requests/requests/00000000-0000-4000-8000-000000000000`)
      await page.getByText('This request is not among yours.', { exact: false }).waitFor()
      await page.getByRole('button', { name: 'All your requests' }).waitFor()
    },
  )
})
