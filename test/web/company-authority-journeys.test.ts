import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { before, describe, it } from 'node:test'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'
import { demoClaimCode, demoPassword } from '../../src/demo/demo-data.js'

describe('the company, authority and trust screens in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  before(async () => {
    // The demo citizen links Ivan Petrov's record, as in the citizen journey.
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
  })

  it('lets a company admin create the company, register a venue, invite and see the dashboard', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'company-journey', async () => {
      await signInThroughPage(page, suite.url, 'company@spb.demo')
      await page.getByRole('heading', { name: 'Create your company' }).waitFor()
      await page.locator('#company-name').fill('Nevsky Works')
      await page.getByRole('button', { name: 'Create company' }).click()
      await page.getByRole('heading', { name: 'Company: Nevsky Works' }).waitFor()
      await page.getByText('Employees: 0; sharing their colour: 0.').waitFor()

      // A venue for the company, and its poster.
      await page.locator('#company-venue-name').fill('Nevsky Works canteen')
      await page.locator('#company-venue-address').fill('Nevsky pr. 1')
      await page.locator('#company-venue-district').fill('ru-spe-cen')
      await page.getByRole('button', { name: 'Register venue' }).click()
      await page.getByRole('heading', { name: 'Poster of Nevsky Works canteen' }).waitFor()
      const poster = page.getByRole('img', { name: 'Check-in QR code of Nevsky Works canteen' })
      await poster.waitFor()
      // The PNG has loaded and decoded (a broken image has no natural width).
      await page.waitForFunction(
        "(() => { const img = document.querySelector('.poster img'); return img !== null && img.complete && img.naturalWidth > 0 })()",
      )
      assert.match(
        (await poster.getAttribute('src')) ?? '',
        /^\/api\/v1\/venues\/[^/]+\/poster\.png$/,
      )
      await page.getByRole('button', { name: 'Print the poster' }).waitFor()
      await page.getByRole('button', { name: 'Nevsky Works canteen' }).waitFor()

      // An invitation: its link (and the same link as a QR code) is handed to a citizen, who
      // opens it, signs in and accepts it in their own account; no token is typed.
      await page.getByRole('button', { name: 'Make an invitation' }).click()
      const token = (await page.getByTestId('invitation-token').innerText()).trim()
      assert.ok(token.length >= 16, 'a one-time token is shown')
      const link = await page.locator('#invitation-link').inputValue()
      assert.equal(
        link,
        `${suite.url}/app/notifications#invitation=${encodeURIComponent(token)}`,
        'the token travels in the fragment, which no server sees',
      )
      const qr = page.getByRole('img', { name: 'QR code of the invitation link' })
      assert.equal(await qr.getAttribute('data-qr-text'), link)

      const citizen = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
      const citizenPage = await citizen.newPage()
      citizenPage.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(citizenPage, 'company-invitation-accept', async () => {
        await citizenPage.goto(link)
        await citizenPage.locator('#sign-in-login').fill('citizen@spb.demo')
        await citizenPage.locator('#sign-in-password').fill(demoPassword('citizen@spb.demo'))
        await citizenPage.locator('form:has(#sign-in-login) button[type="submit"]').click()
        await citizenPage.getByTestId('invitation-from-link').waitFor()
        assert.equal(await citizenPage.locator('#invitation-token').inputValue(), token)
        // Taken out of the address: the history and the address bar no longer hold the token.
        assert.equal(new URL(citizenPage.url()).hash, '')
        assert.equal(new URL(citizenPage.url()).pathname, '/app/notifications')
        await citizenPage.getByLabel('Let my employer see my colour and name').check()
        await citizenPage.getByRole('button', { name: 'Accept', exact: true }).click()
        await citizenPage
          .getByText('You joined the company; it sees your colour and name.')
          .waitFor()
      })
      await citizen.close()

      // Someone checks in at the company's venue: the dashboard counts the visitor.
      const venues = await (
        await demoCaller(suite.url, 'company@spb.demo')
      )<{ venues: { name: string; posterCode: string }[] }>('GET', '/api/v1/venues')
      const canteen = venues.venues.find((v) => v.name === 'Nevsky Works canteen')
      assert.ok(canteen)
      await (
        await demoCaller(suite.url, 'citizen@spb.demo')
      )('POST', '/api/v1/checkins', { venueCode: canteen.posterCode, clientId: randomUUID() })

      await page.getByRole('button', { name: 'Refresh' }).click()
      await page.getByText('Employees: 1; sharing their colour: 1.').waitFor()
      const main = page.locator('main')
      for (const caption of [
        'Consenting employees by colour',
        'Declarations today',
        'Visitors to the company’s venues per day',
      ]) {
        await main.locator('figcaption', { hasText: caption }).waitFor()
      }
      const visitors = main.locator('figure.chart', {
        hasText: 'Visitors to the company’s venues per day',
      })
      const values = await visitors.locator('.bar-value').allInnerTexts()
      assert.ok(values.includes('1'), `a day with one visitor: ${values.join(', ')}`)
      await page.getByRole('heading', { name: 'Employees who are not green' }).waitFor()
    })
    await context.close()
  })

  it('lets the health authority confirm a case, see its whereabouts and publish them', async () => {
    // The citizen checks in at a venue, so the case has somewhere to have been.
    const operator = await demoCaller(suite.url, 'venue@spb.demo')
    const venue = await operator<{ id: string; posterCode: string }>('POST', '/api/v1/venues', {
      name: 'Mariinsky test hall',
      category: 'theatre',
      address: 'Teatralnaya pl. 1',
      district: 'RU-SPE-ADM',
    })
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/checkins', {
      venueCode: venue.posterCode,
      clientId: randomUUID(),
    })
    const me = await citizen<{ person: { id: string } }>('GET', '/api/v1/me')

    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'authority-case-journey', async () => {
      await signInThroughPage(page, suite.url, 'authority@spb.demo')
      // The dashboard shows the people registered and their codes now, as the API counts them in
      // the store (codes never computed included), so the colours add up to the people.
      const authority = await demoCaller(suite.url, 'authority@spb.demo')
      const { current } = await authority<{
        current: {
          registered: number
          codes: { green: number; yellow: number; red: number; notComputed: number }
        }
      }>('GET', '/api/v1/dashboards/authority')
      await page.getByText(`People registered: ${current.registered}`, { exact: true }).waitFor()
      const now = page.locator('figure.chart').filter({ hasText: 'Health codes now, by colour' })
      const bar = async (label: string) =>
        now.locator('li').filter({ hasText: label }).locator('.bar-value').innerText()
      assert.deepEqual(
        [await bar('Green'), await bar('Yellow'), await bar('Red'), await bar('Not computed yet')],
        [
          current.codes.green,
          current.codes.yellow,
          current.codes.red,
          current.codes.notComputed,
        ].map(String),
      )
      const { green, yellow, red, notComputed } = current.codes
      assert.equal(green + yellow + red + notComputed, current.registered, JSON.stringify(current))
      assert.ok(current.registered > 0, JSON.stringify(current))
      await page.getByRole('heading', { name: 'Confirm a case' }).waitFor()
      await page.locator(`#case-person option[value="${me.person.id}"]`).waitFor({
        state: 'attached',
      })
      await page.locator('#case-person').selectOption(me.person.id)
      await page.getByRole('button', { name: 'Confirm the case' }).click()
      await page.getByText('The case is confirmed and traced.').waitFor()
      await page.getByRole('heading', { name: 'Whereabouts in the last 14 days' }).waitFor()
      const visit = page.getByRole('row').filter({ hasText: 'Mariinsky test hall' })
      await visit.waitFor()
      // The district by its name, not its code.
      assert.match(await visit.innerText(), /Admiralteysky District/)
      assert.doesNotMatch(await visit.innerText(), /RU-SPE-ADM/)
      const facts = await page.locator('dl.facts').innerText()
      assert.match(facts, /Close contacts\s+\d+/)
      assert.match(facts, /Same-venue visitors\s+\d+/)
      assert.match(facts, /Contacts of contacts\s+\d+/)

      await page.getByRole('button', { name: 'Publish as exposure sites' }).click()
      // Publishing is asked first.
      const confirm = page.getByRole('alertdialog')
      await confirm
        .getByText('Publish these places and times for everyone to see?', { exact: false })
        .waitFor()
      assert.equal(await page.getByText(/Published anonymously on/).count(), 0)
      await confirm.getByRole('button', { name: 'Yes, publish them' }).click()
      await page.getByText(/Published anonymously on/).waitFor()
      const sites = (await (await fetch(`${suite.url}/api/v1/exposure-sites`)).json()) as unknown
      assert.match(JSON.stringify(sites), /Mariinsky test hall/)
    })
    await context.close()
  })

  it('shows an administrator the signing keys and lets them rotate a document signer', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'trust-journey', async () => {
      await signInThroughPage(page, suite.url, 'admin@spb.demo')
      await page.getByRole('heading', { name: 'Trust and keys' }).waitFor()
      await page.getByRole('heading', { name: 'Trust partners' }).waitFor()
      const active = page.getByRole('row').filter({ hasText: 'ru-spb' }).filter({
        hasText: 'Active',
      })
      await active.first().waitFor()
      const before = await page.getByRole('row').filter({ hasText: 'Retired' }).count()
      await active.first().getByRole('button', { name: 'Rotate' }).click()
      // Rotation is asked first: Cancel changes nothing.
      const confirm = page.getByRole('alertdialog')
      await confirm.getByText(/Rotate the document signer of ru-spb\?/).waitFor()
      await confirm.getByRole('button', { name: 'Cancel' }).click()
      assert.equal(await page.getByRole('row').filter({ hasText: 'Retired' }).count(), before)
      await active.first().getByRole('button', { name: 'Rotate' }).click()
      await confirm.getByRole('button', { name: 'Yes, rotate the key' }).click()
      await page.getByText(/A new signer of .+ is active/).waitFor()
      // The old signer is now listed as retired.
      await page.getByRole('row').filter({ hasText: 'Retired' }).nth(before).waitFor()
    })
    await context.close()
  })
})
