import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { demoClaimCode } from '../../src/demo/demo-data.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

/** The text of a PDF's first page, white space removed. */
async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise
  const content = await (await document.getPage(1)).getTextContent()
  return content.items
    .map((item) => ('str' in item ? item.str : ''))
    .join('')
    .replace(/\s+/g, '')
}

const reason = 'Entered for the wrong person'

describe('a revoked certificate in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  it('shows it revoked on the holder’s card and in the clinic, and prints its PDF marked REVOKED', async () => {
    // The demo citizen holds Ivan Petrov's record, which the clinic made.
    const citizenCaller = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizenCaller('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
    const admin = await demoCaller(suite.url, 'admin@spb.demo')
    const { people } = await admin<{ people: { id: string; familyName: string }[] }>(
      'GET',
      '/api/v1/people',
    )
    const petrov = people.find((person) => person.familyName === 'Петров')
    assert.ok(petrov, 'the demo citizen')
    const { certificates } = await admin<{ certificates: { id: string; uvci: string }[] }>(
      'GET',
      `/api/v1/people/${petrov.id}/certificates`,
    )
    const [first, ...others] = certificates
    assert.ok(first && others.length > 0, 'Petrov holds more than one certificate')

    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'certificate-revoked', async () => {
      await signInThroughPage(page, suite.url, 'clinician@spb.demo')
      const pdfOf = async () =>
        Buffer.from(
          await (await page.request.get(`${suite.url}/api/v1/certificates/${first.id}/pdf`)).body(),
        )
      const clean = await pdfOf()
      assert.equal((await pdfText(clean)).includes('REVOKED'), false)

      await admin('POST', `/api/v1/certificates/${first.id}/revoke`, { reason })

      const marked = await pdfOf()
      assert.equal(marked.equals(clean), false, 'the PDF of a revoked certificate differs')
      const text = await pdfText(marked)
      assert.ok(text.includes('REVOKED'), 'the stamp')
      assert.ok(text.includes('ОТОЗВАН'), 'the notice in the holder’s language')
      assert.ok(text.includes(reason.replace(/\s+/g, '')), 'the reason')

      // In the clinic: the person's certificates, the revoked one marked with its reason.
      await page.getByRole('heading', { name: 'Clinic: people' }).waitFor()
      await page.locator('#clinic-search').fill('Петров')
      await page
        .getByRole('button', { name: /Петров/ })
        .first()
        .click()
      const revoked = page.locator('li.certificate-revoked')
      await revoked.waitFor()
      assert.equal(await revoked.count(), 1)
      assert.match(await revoked.innerText(), /Revoked: this certificate is no longer valid/)
      assert.match(await revoked.innerText(), new RegExp(`Reason: ${reason}`))
      assert.equal(await page.locator('li.certificate-valid').count(), others.length)
    })
    await context.close()

    const holder = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const citizen = await holder.newPage()
    citizen.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(citizen, 'certificate-revoked-holder', async () => {
      await signInThroughPage(citizen, suite.url, 'citizen@spb.demo', { path: 'certificates' })
      const card = citizen.locator('.certificate.certificate-revoked')
      await card.waitFor()
      assert.equal(await card.count(), 1)
      assert.match(await card.innerText(), /Revoked/)
      assert.match(await card.innerText(), new RegExp(reason))
      assert.equal(
        await citizen.evaluate(
          "getComputedStyle(document.querySelector('.certificate-revoked canvas')).opacity",
        ),
        '0.35',
        'its QR code is faded',
      )
    })
    await holder.close()
  })
})
