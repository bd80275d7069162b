import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'
import { demoClaimCode } from '../../src/demo/demo-data.js'

/** A time some hours ago, as a `datetime-local` input takes it (the browser's zone is ours). */
function localDateTime(hoursAgo: number): string {
  const at = new Date(Date.now() - hoursAgo * 3_600_000)
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

/** A real PNG (the app's 192 px icon), for the evidence viewer. */
const png = readFileSync(new URL('../../web/public/icon-192.png', import.meta.url))

/** A small but real PDF: the server checks the bytes, not the name. */
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
)

/** A citizen registered through the API, with a caller that sends their cookie and CSRF token. */
async function registeredCitizen(
  url: string,
  login: string,
  person: Record<string, unknown>,
): Promise<<T>(method: string, path: string, body?: unknown) => Promise<T>> {
  const answer = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: 'a long enough password', displayName: login }),
  })
  assert.equal(answer.status, 201, await answer.clone().text())
  const { csrfToken } = (await answer.json()) as { csrfToken: string }
  const cookie = answer.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const reply = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!reply.ok) throw new Error(`${method} ${path}: ${reply.status} ${await reply.text()}`)
    return (await reply.json()) as T
  }
  await call('POST', '/api/v1/me/person', person)
  return call
}

describe('the citizen’s screens in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  before(async () => {
    // The demo citizen holds Ivan Petrov's record, which the clinic made.
    const citizen = await demoCaller(suite.url, 'citizen@spb.demo')
    await citizen('POST', '/api/v1/me/claim', {
      document: { type: 'national-id', number: '4012 345678', country: 'RU' },
      birthDate: '1985-03-14',
      claimCode: demoClaimCode,
    })
  })

  const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    return { context, page }
  }

  it('lets a new visitor register, create their record, sign in and see their code', async () => {
    const { context, page } = await newPage()
    const login = 'maria.kuznetsova@example.org'
    const password = 'a long enough password'
    await withScreenshotOnFailure(page, 'citizen-register', async () => {
      await page.goto(`${suite.url}/app/`)
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      // The demo server has no identity provider: only the password form.
      assert.equal(await page.getByRole('link', { name: /^Sign in with/ }).count(), 0)
      await page.getByRole('link', { name: 'Create an account' }).click()
      await page.getByRole('heading', { name: 'Create an account' }).waitFor()
      assert.match(page.url(), /\/app\/register$/)

      await page.locator('#register-name').fill('Maria Kuznetsova')
      await page.locator('#register-login').fill(login)
      await page.locator('#register-password').fill('too short')
      await page.getByRole('button', { name: 'Create account' }).click()
      // The API's 400 names the password: the error shows beside it.
      await page.getByText('Use a password of at least 10 characters.').waitFor()
      assert.equal(await page.locator('#register-password').getAttribute('aria-invalid'), 'true')
      await page.locator('#register-password').fill(password)
      await page.getByRole('button', { name: 'Create account' }).click()

      await page.getByRole('heading', { name: 'Your health record' }).waitFor()
      await page.getByText('Step 2 of 2').waitFor()
      // The account is created and signed in: nothing offers to sign in any more.
      assert.equal(await page.getByRole('link', { name: 'Sign in', exact: true }).count(), 0)
      await page.getByLabel('No: create my record').check()
      await page.locator('#record-family').fill('Кузнецова')
      await page.locator('#record-given').fill('Мария')
      await page.locator('#record-birth').fill('1990-02-01')
      // The demo has two regions: she lives in St. Petersburg.
      await page.locator('#record-region').selectOption({ label: 'St. Petersburg' })
      await page.locator('#record-doc-number').fill('12')
      await page.getByRole('button', { name: 'Create my record' }).click()
      await page.getByText('Enter 3 to 20 letters and digits, as printed.').waitFor()
      assert.equal(await page.locator('#record-doc-number').getAttribute('aria-invalid'), 'true')
      await page.locator('#record-doc-number').fill('4099 001122')
      await page.getByRole('button', { name: 'Create my record' }).click()

      await page.locator('.code-card canvas.qr').waitFor()
      await page.getByRole('heading', { name: 'My code' }).waitFor()

      // The new password signs in.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await signInThroughPage(page, suite.url, login, { password: password })
      const card = page.locator('.code-card')
      await card.waitFor()
      assert.equal(await card.getAttribute('data-colour'), 'green')

      await page.getByRole('link', { name: 'My details' }).click()
      const record = page.getByTestId('own-record')
      await record.waitFor()
      const shown = await record.innerText()
      for (const expected of [
        'Кузнецова Мария',
        'KUZNETSOVA MARIIA',
        'National ID 4099001122 (RU)',
        'Resident',
        'St. Petersburg',
      ]) {
        assert.ok(shown.includes(expected), `My details show ${expected}: ${shown}`)
      }
    })
    await context.close()
  })

  it('offers the identity provider on the sign-in page when the server names one', async () => {
    const { context, page } = await newPage()
    await withScreenshotOnFailure(page, 'citizen-sign-in-provider', async () => {
      // The demo server has none: the answer of a server that has one stands in for it.
      await page.route('**/api/v1/auth/providers', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            providers: [
              { kind: 'password' },
              { kind: 'oidc', name: 'esia.gosuslugi.ru', startUrl: '/api/v1/auth/oidc/start' },
            ],
          }),
        }),
      )
      await page.goto(`${suite.url}/app/`)
      const provider = page.getByRole('link', { name: 'Sign in with esia.gosuslugi.ru' })
      await provider.waitFor()
      assert.equal(await provider.getAttribute('href'), '/api/v1/auth/oidc/start')
      await page.locator('#sign-in-password').waitFor()
    })
    await context.close()
  })

  it('takes a recovery request through refusal, notification, appeal and approval to a certificate', async () => {
    const reason = 'The PCR report does not show the laboratory’s stamp.'
    const citizen = await newPage()
    const page = citizen.page
    await withScreenshotOnFailure(page, 'citizen-request', async () => {
      await signInThroughPage(page, suite.url, 'citizen@spb.demo')
      await page.getByRole('link', { name: 'Requests' }).click()
      await page.getByRole('heading', { name: 'Requests to the medical commission' }).waitFor()
      await page.getByText('You have filed no requests.').waitFor()

      await page.locator('#request-sampled').fill(localDateTime(72))
      await page.locator('#request-centre').fill('Invitro laboratory, Nevsky 12')
      // A file of another type, and one too large, are refused beside the file field.
      await page.locator('#request-files').setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('not a report'),
      })
      await page.getByText('“notes.txt” is not a PDF, PNG or JPEG file.').waitFor()
      await page.locator('#request-files').setInputFiles({
        name: 'scan.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]),
      })
      await page.getByText('“scan.pdf” is larger than 5 MB.').waitFor()
      await page.getByRole('button', { name: 'File the request' }).click()
      assert.equal(await page.locator('#request-files').getAttribute('aria-invalid'), 'true')
      assert.equal(await page.getByText('Your request is with the commission.').count(), 0)

      await page.locator('#request-files').setInputFiles([
        { name: 'pcr-report.pdf', mimeType: 'application/pdf', buffer: pdf },
        { name: 'lab-stamp.png', mimeType: 'image/png', buffer: png },
      ])
      await page.getByRole('button', { name: 'File the request' }).click()
      await page.getByText('Your request is with the commission.').waitFor()
      const request = page.locator('li.request')
      await request.getByText('Waiting for the commission').waitFor()
      assert.match(await request.innerText(), /Recovery request/)
      assert.match(await request.innerText(), /\d+ h/, 'the waiting time shows')
      await request.getByRole('link', { name: 'pcr-report.pdf' }).waitFor()
    })

    // A commission member refuses it with a reason.
    const member = await newPage()
    await withScreenshotOnFailure(member.page, 'citizen-request-refusal', async () => {
      await signInThroughPage(member.page, suite.url, 'commission@spb.demo')
      await member.page.getByRole('link', { name: 'Commission' }).click()
      await member.page.getByRole('heading', { name: 'Commission queue' }).waitFor()
      const row = member.page.getByRole('row').filter({ hasText: 'PETROV' })
      await row.getByRole('button', { name: /PETROV/ }).click()
      await member.page.getByRole('heading', { name: /Request of Петров Иван/ }).waitFor()
      await member.page.getByRole('link', { name: 'pcr-report.pdf' }).waitFor()
      // The evidence viewer shows the image as it was uploaded, and downloads the PDF (a PDF may
      // carry scripts; it is never opened as the server's origin).
      const image = member.page.getByRole('img', { name: 'Evidence file lab-stamp.png' })
      await image.waitFor()
      await member.page.waitForFunction(
        (element) => (element as unknown as { naturalWidth: number }).naturalWidth > 0,
        await image.elementHandle(),
      )
      assert.equal(
        await image.evaluate(
          (element) => (element as unknown as { naturalWidth: number }).naturalWidth,
        ),
        192,
      )
      assert.match(
        (await member.page.getByRole('link', { name: 'pcr-report.pdf' }).getAttribute('href')) ??
          '',
        /\/attachments\/[\w-]+$/,
      )
      await member.page.locator('#decision-reason').fill(reason)
      await member.page.getByRole('button', { name: 'Refuse' }).click()
      await member.page.getByText('The request is refused.').waitFor()
    })
    await member.context.close()

    await withScreenshotOnFailure(page, 'citizen-request-appeal', async () => {
      await page.getByRole('link', { name: 'Notifications' }).click()
      await page.getByText(`Your recovery request was refused: ${reason}`).waitFor()
      await page.getByRole('link', { name: 'See your requests' }).click()
      // The notification opens the request's own view.
      await page.getByRole('button', { name: 'All your requests' }).waitFor()
      assert.match(new URL(page.url()).pathname, /^\/app\/requests\/requests\/[0-9a-f-]{36}$/)
      const request = page.locator('li.request')
      await request.locator('.notice', { hasText: 'Refused' }).waitFor()
      await request.getByText(reason).waitFor()

      await request.getByRole('button', { name: 'Appeal' }).click()
      const grounds = page.getByLabel('Why should the commission decide otherwise?')
      await grounds.fill('Stamp')
      await page.getByRole('button', { name: 'Send appeal' }).click()
      await page.getByText('Write your grounds in at least 10 characters.').waitFor()
      await grounds.fill(
        'The stamp is on the second page of the report; the laboratory confirms it.',
      )
      await page.getByRole('button', { name: 'Send appeal' }).click()
      await page.getByText('Your appeal is with the commission.').waitFor()
      await request.getByText('Appealed: waiting for the commission').waitFor()
      assert.equal(
        await request.getByRole('button', { name: 'Appeal' }).count(),
        0,
        'a request is appealed once',
      )
    })

    // The member who refused is not offered the appeal: another member decides it.
    const first = await newPage()
    await withScreenshotOnFailure(first.page, 'citizen-request-appeal-same-member', async () => {
      await signInThroughPage(first.page, suite.url, 'commission@spb.demo')
      await first.page.getByRole('link', { name: 'Commission' }).click()
      const row = first.page.getByRole('row').filter({ hasText: 'PETROV' })
      await row.getByText('(you refused it: another member decides)').waitFor()
      await row.getByRole('button', { name: /PETROV/ }).click()
      await first.page.getByRole('heading', { name: /Appeal of Петров Иван/ }).waitFor()
      await first.page
        .getByText('You decided this request first, so another member of the commission')
        .waitFor()
      assert.equal(await first.page.getByRole('button', { name: 'Approve' }).count(), 0)
      assert.equal(await first.page.getByRole('button', { name: 'Refuse' }).count(), 0)
    })
    await first.context.close()

    // A different member decides the appeal.
    const second = await newPage()
    await withScreenshotOnFailure(second.page, 'citizen-request-appeal-decision', async () => {
      await signInThroughPage(second.page, suite.url, 'commission2@spb.demo')
      await second.page.getByRole('link', { name: 'Commission' }).click()
      const row = second.page.getByRole('row').filter({ hasText: 'PETROV' })
      await row.getByText('Appeal').waitFor()
      await row.getByRole('button', { name: /PETROV/ }).click()
      await second.page.getByRole('heading', { name: /Appeal of Петров Иван/ }).waitFor()
      await second.page.getByRole('button', { name: 'Approve' }).click()
      await second.page.getByText('The request is approved').waitFor()
    })
    await second.context.close()

    await withScreenshotOnFailure(page, 'citizen-request-approved', async () => {
      await page.getByRole('link', { name: 'Notifications' }).click()
      await page.getByText('Your appeal was upheld: your recovery request is approved.').waitFor()
      await page.getByRole('link', { name: 'Requests', exact: true }).click()
      const request = page.locator('li.request')
      await request.getByText('Approved on appeal').waitFor()
      assert.match(await request.innerText(), /Upheld/)
      await page.getByRole('link', { name: 'Certificates' }).click()
      const recovery = page.locator('.certificate[data-certificate-kind="recovery"]')
      await recovery.waitFor()
      assert.match(await recovery.innerText(), /Valid/)
    })
    await citizen.context.close()
  })

  it('hides an employee from the company dashboard once they withdraw consent in My details', async () => {
    const admin = await demoCaller(suite.url, 'company@spb.demo')
    const company = await admin<{ id: string }>('POST', '/api/v1/companies', {
      name: 'Nevsky Works',
    })
    const { token } = await admin<{ token: string }>(
      'POST',
      `/api/v1/companies/${company.id}/invitations`,
    )
    const employee = await registeredCitizen(suite.url, 'oleg.sidorov@example.org', {
      issuerId: 'ru-spb',
      familyName: 'Сидоров',
      givenName: 'Олег',
      birthDate: '1979-09-09',
      residency: 'resident',
      document: { type: 'national-id', number: '4011 998877', country: 'RU' },
    })
    await employee('POST', '/api/v1/company-invitations/accept', { token, consent: true })
    const me = await employee<{ person: { id: string } }>('GET', '/api/v1/me')
    const declared = await employee<{ healthCode: { colour: string } }>(
      'POST',
      `/api/v1/people/${me.person.id}/declarations`,
      { symptoms: { fever: true, temperatureC: 38.4 } },
    )
    assert.equal(declared.healthCode.colour, 'yellow')

    const hr = await newPage()
    await withScreenshotOnFailure(hr.page, 'citizen-consent-dashboard', async () => {
      await signInThroughPage(hr.page, suite.url, 'company@spb.demo')
      await hr.page.getByRole('heading', { name: 'Company: Nevsky Works' }).waitFor()
      await hr.page.getByText('Employees: 1; sharing their colour: 1.').waitFor()
      await hr.page.locator('main li', { hasText: 'Сидоров Олег' }).waitFor()
    })

    const { context, page } = await newPage()
    await withScreenshotOnFailure(page, 'citizen-consent', async () => {
      await signInThroughPage(page, suite.url, 'oleg.sidorov@example.org', {
        password: 'a long enough password',
      })
      await page.getByRole('link', { name: 'My details' }).click()
      const consent = page.getByRole('switch', { name: 'Let Nevsky Works see my colour and name' })
      await consent.waitFor()
      assert.equal(await consent.isChecked(), true)
      await consent.uncheck()
      await page.getByText('Nevsky Works no longer sees your colour and name.').waitFor()
      assert.equal(await consent.isChecked(), false)
      await page
        .getByText('Not shared: the company sees neither your colour nor your name.')
        .waitFor()
    })
    await context.close()
    const { companies } = await employee<{ companies: { consent: boolean }[] }>(
      'GET',
      '/api/v1/companies',
    )
    assert.deepEqual(
      companies.map((entry) => entry.consent),
      [false],
    )

    await withScreenshotOnFailure(hr.page, 'citizen-consent-dashboard-after', async () => {
      await hr.page.getByRole('button', { name: 'Refresh' }).click()
      await hr.page.getByText('Employees: 1; sharing their colour: 0.').waitFor()
      // No one consents: nobody is called green.
      await hr.page.getByText('No employee shares their colour yet').waitFor()
      assert.equal(await hr.page.getByText('Every consenting employee is green.').count(), 0)
      assert.equal(await hr.page.locator('main li', { hasText: 'Сидоров Олег' }).count(), 0)
    })
    await hr.context.close()
  })
})
