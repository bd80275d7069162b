import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  chromiumSkip,
  demoCaller,
  demoDynamicCode,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

/** A district of its own, so that the dashboard counts only this journey's scans. */
const DISTRICT = 'RU-SPE-OFFLINE'

describe('the door scanner without the network, in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  it('judges codes offline from the cached bundle, and sends the check-ins once back online', async () => {
    // Before the doors open: the venue exists, and one of Petrov's certificates is revoked.
    const operator = await demoCaller(suite.url, 'venue@spb.demo')
    const venue = await operator<{ id: string }>('POST', '/api/v1/venues', {
      name: 'Bolshoi Drama Theatre',
      category: 'theatre',
      address: 'Fontanka 65',
      district: DISTRICT,
    })
    const clinician = await demoCaller(suite.url, 'clinician@spb.demo')
    const { people } = await clinician<{ people: { id: string; familyName: string }[] }>(
      'GET',
      '/api/v1/people',
    )
    const petrov = people.find((person) => person.familyName === 'Петров')
    assert.ok(petrov, 'the demo has Ivan Petrov')
    const { certificates } = await clinician<{ certificates: { id: string; qr: string }[] }>(
      'GET',
      `/api/v1/people/${petrov.id}/certificates`,
    )
    const revoked = certificates[0]
    assert.ok(revoked, 'Petrov has a certificate')
    const authority = await demoCaller(suite.url, 'authority@spb.demo')
    await authority('POST', `/api/v1/certificates/${revoked.id}/revoke`, {
      reason: 'issued on a forged vaccination record',
    })
    const green = await demoDynamicCode(suite.url, 'Müller')

    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'scanner-offline-journey', async () => {
      await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
      await page.getByText('Scanning at Bolshoi Drama Theatre').waitFor()
      // Online, the scanner fetched the venue's offline bundle and says how fresh it is.
      const readiness = page.locator('[data-offline-data]')
      await page.locator('[data-offline-data="ready"]').waitFor()
      assert.match(
        await readiness.innerText(),
        /^Offline checks ready: data from .+ \((now|this minute|\d+ minutes? ago)\)\.$/,
      )

      await context.setOffline(true)
      const result = page.locator('.scan-result')
      const scan = async (text: string) => {
        await page.getByLabel('Code text (paste or type)').fill(text)
        await page.getByRole('button', { name: 'Check this code' }).click()
        await result.waitFor()
      }

      await scan(green)
      assert.equal(await result.getAttribute('data-verdict'), 'allowed')
      assert.equal(await result.locator('.verdict').innerText(), 'ALLOWED')
      await result.getByText('Checked offline on this device').waitFor()
      assert.equal(
        await result.locator('[data-bundle-age]').getAttribute('data-bundle-age'),
        'fresh',
      )
      assert.match(
        await result.locator('[data-bundle-age]').innerText(),
        /^Judged with offline data from .+ \((now|this minute|\d+ minutes? ago)\)\.$/,
      )
      assert.match(await result.locator('.holder').innerText(), /^JUERGEN M\.$/)
      await result.getByText('Born 21 July 1979').waitFor()
      await result.getByText('Green health code').waitFor()
      await result.getByText('the live colour could not be checked', { exact: false }).waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await result.waitFor({ state: 'detached' })

      await scan(revoked.qr)
      assert.equal(await result.getAttribute('data-verdict'), 'refused')
      assert.equal(await result.locator('.verdict').innerText(), 'NOT ALLOWED')
      await result.getByText('Checked offline on this device').waitFor()
      await result.getByText('The certificate has been revoked').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await result.waitFor({ state: 'detached' })

      await scan('HC1:THIS-IS-NOT-A-HEALTH-CODE')
      assert.equal(await result.getAttribute('data-verdict'), 'refused')
      assert.equal(await result.locator('.verdict').innerText(), 'NOT ALLOWED')
      await result.getByText('The code is not valid').waitFor()
      await result.getByText('Checked offline on this device').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()

      // All three wait for the network, with the ids the server will record them under.
      await page.locator('[data-queued="3"]').waitFor()
      const queued = await page.evaluate(
        (key) =>
          JSON.parse(
            (
              globalThis as unknown as { localStorage: { getItem(k: string): string } }
            ).localStorage.getItem(key),
          ) as { clientId: string; qr: string; at: string }[],
        `hc.scan-queue.${venue.id}`,
      )
      assert.equal(queued.length, 3)

      await context.setOffline(false)
      await page.locator('[data-queued]').waitFor({ state: 'detached' })

      // The server judged the batch as the door did: one check-in, three scans.
      const today = new Date().toISOString().slice(0, 10)
      const dashboard = await authority<{
        districts: { district: string; scans: number; checkins: number }[]
      }>('GET', `/api/v1/dashboards/authority?from=${today}&until=${today}&district=${DISTRICT}`)
      const counted = dashboard.districts.find((row) => row.district === DISTRICT)
      assert.deepEqual([counted?.scans, counted?.checkins], [3, 1])
      // Sent again, the green visitor's check-in is there already and is not written twice.
      const again = await operator<{
        results: {
          clientId: string
          entryAllowed: boolean
          recorded: boolean
          duplicate: boolean
        }[]
      }>('POST', `/api/v1/venues/${venue.id}/scans`, { items: queued })
      const first = again.results.find((item) => item.clientId === queued[0]?.clientId)
      assert.deepEqual([first?.entryAllowed, first?.recorded, first?.duplicate], [true, true, true])
      assert.deepEqual(
        again.results
          .filter((item) => item.clientId !== queued[0]?.clientId)
          .map((r) => r.entryAllowed),
        [false, false],
      )
    })
    await context.close()
  })

  it('opens again after a restart without the network, with the last account and its data', async () => {
    const code = await demoDynamicCode(suite.url, 'Müller')
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    // Every answer to a queued batch: after the restart none may be a refused CSRF token.
    const batches: Promise<{ status: number; code: string | undefined }>[] = []
    page.on('response', (response) => {
      if (response.request().method() !== 'POST' || !response.url().endsWith('/scans')) return
      batches.push(
        response
          .json()
          .catch(() => ({}))
          .then((body: { error?: { code?: string } }) => ({
            status: response.status(),
            code: body.error?.code,
          })),
      )
    })
    await withScreenshotOnFailure(page, 'scanner-offline-restart', async () => {
      await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
      await page.getByText('Scanning at Bolshoi Drama Theatre').waitFor()
      await page.locator('[data-offline-data="ready"]').waitFor()
      // The service worker has kept this release's scripts and styles (precache.json).
      const kept = await page.evaluate(async () => {
        const { navigator, caches } = globalThis as unknown as {
          navigator: { serviceWorker: { ready: Promise<unknown> } }
          caches: {
            keys(): Promise<string[]>
            open(name: string): Promise<{ keys(): Promise<unknown[]> }>
          }
        }
        // Never waits for good: a page that registers no service worker fails the check below.
        const registered = await Promise.race([
          navigator.serviceWorker.ready.then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
        ])
        if (!registered) return 0
        const names = await caches.keys()
        const cache = await caches.open(names[0] ?? '')
        return (await cache.keys()).length
      })
      assert.ok(kept > 5, `the service worker keeps the app (${kept} entries)`)

      await context.setOffline(true)
      await page.reload()
      await page.getByText('Scanning at Bolshoi Drama Theatre').waitFor()
      await page.getByText('No connection to the server', { exact: false }).waitFor()
      await page.getByLabel('Code text (paste or type)').fill(code)
      await page.getByRole('button', { name: 'Check this code' }).click()
      const result = page.locator('.scan-result')
      await result.waitFor()
      assert.equal(await result.getAttribute('data-verdict'), 'allowed')
      await result.getByText('Checked offline on this device').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await page.locator('[data-queued="1"]').waitFor()

      // Back online: a fresh CSRF token is fetched for the session, and the scan is sent at once.
      await context.setOffline(false)
      await page.getByText('No connection to the server', { exact: false }).waitFor({
        state: 'detached',
      })
      await page.locator('[data-queued]').waitFor({ state: 'detached' })
      assert.deepEqual(await Promise.all(batches), [{ status: 200, code: undefined }])
    })
    await context.close()
  })

  it('flags offline data over an hour old with its age, and judges nothing with data over 12 hours old', async () => {
    // Any code will do: the flag is about the data, not the verdict (and a demo code would cost a
    // sign-in, which the server limits to ten a minute from one address).
    const code = 'HC1:THIS-IS-NOT-A-HEALTH-CODE'
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await page.clock.install()
    await withScreenshotOnFailure(page, 'scanner-offline-old-bundle', async () => {
      await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
      await page.getByText('Scanning at Bolshoi Drama Theatre').waitFor()
      await page.locator('[data-offline-data="ready"]').waitFor()
      await context.setOffline(true)
      const result = page.locator('.scan-result')
      const scan = async () => {
        await page.getByLabel('Code text (paste or type)').fill(code)
        await page.getByRole('button', { name: 'Check this code' }).click()
        await result.waitFor()
      }

      // Two hours without the network: still judged here, and the result says how old the data is.
      await page.clock.fastForward('02:00:00')
      await scan()
      assert.equal(await result.getAttribute('data-offline'), 'true')
      const age = result.locator('[data-bundle-age]')
      assert.equal(await age.getAttribute('data-bundle-age'), 'old')
      assert.match(
        await age.innerText(),
        /^The offline data is from .+ \(2 hours ago\): a certificate revoked since then is not known here\.$/,
      )
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await result.waitFor({ state: 'detached' })

      // Thirteen hours: past the 12-hour limit the data is no longer used, and the scan is only saved.
      await page.clock.fastForward('11:00:00')
      await scan()
      assert.equal(await result.getAttribute('data-verdict'), 'queued')
      assert.equal(await age.getAttribute('data-bundle-age'), 'stale')
      assert.match(
        await age.innerText(),
        /\(13 hours ago\), more than 12 hours old: it is no longer used\.$/,
      )
      await result.getByText('The offline check data is more than 12 hours old.').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await page.locator('[data-offline-data="stale"]').waitFor()
    })
    await context.close()
  })

  it('only saves a scan offline when the device has no offline data for the venue', async () => {
    const code = await demoDynamicCode(suite.url, '王')
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'scanner-offline-no-bundle', async () => {
      // The bundle cannot be fetched: the scanner says so, and offline it only saves scans.
      await page.route('**/offline-bundle', (route) => route.abort())
      await signInThroughPage(page, suite.url, 'venue@spb.demo', { path: 'scanner' })
      await page.getByText('Scanning at Bolshoi Drama Theatre').waitFor()
      await page.locator('[data-offline-data="missing"]').waitFor()
      await page.getByText('No offline check data on this device yet', { exact: false }).waitFor()

      await context.setOffline(true)
      await page.getByLabel('Code text (paste or type)').fill(code)
      await page.getByRole('button', { name: 'Check this code' }).click()
      const result = page.locator('.scan-result')
      await result.waitFor()
      assert.equal(await result.getAttribute('data-verdict'), 'queued')
      assert.equal(await result.locator('.verdict').innerText(), 'SAVED OFFLINE')
      await result.getByText('This device has no offline check data for this venue.').waitFor()
      await page.getByRole('button', { name: 'Next visitor' }).click()
      await page.locator('[data-queued="1"]').waitFor()
      await context.setOffline(false)
      await page.locator('[data-queued]').waitFor({ state: 'detached' })
    })
    await context.close()
  })
})
