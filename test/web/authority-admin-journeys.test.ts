import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RunningServer } from '../../src/api/server.js'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  startDemoServer,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

interface Rule {
  id: string
  colour: string
  periodDays: number
}

interface DemoCertificate {
  id: string
  uvci: string
  kind: string
  qr: string
  status: string
}

/** A demo person's certificates, as the St. Petersburg administrator reads them. */
async function certificatesOf(url: string, familyName: string): Promise<DemoCertificate[]> {
  const admin = await demoCaller(url, 'admin@spb.demo')
  const { people } = await admin<{ people: { id: string; familyName: string }[] }>(
    'GET',
    '/api/v1/people',
  )
  const person = people.find((p) => p.familyName === familyName)
  if (!person) throw new Error(`no demo person ${familyName}`)
  const { certificates } = await admin<{ certificates: DemoCertificate[] }>(
    'GET',
    `/api/v1/people/${person.id}/certificates`,
  )
  return certificates
}

async function verify(url: string, qr: string): Promise<{ valid: boolean; stage: string }> {
  const answer = await fetch(`${url}/api/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ qr }),
  })
  assert.equal(answer.status, 200)
  return (await answer.json()) as { valid: boolean; stage: string }
}

async function revocationEntries(url: string): Promise<number> {
  const list = (await (await fetch(`${url}/api/v1/revocation-list`)).json()) as {
    entries: unknown[]
  }
  return list.entries.length
}

describe(
  'the authority’s rules, revocations and trust partners in Chromium',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser()
    // A second deployment: the partner whose signed trust list we import.
    let partner: RunningServer
    let partnerUrl: string

    before(async () => {
      ;({ server: partner, url: partnerUrl } = await startDemoServer())
    })
    after(async () => {
      await partner?.close()
    })

    it('lets the health authority publish a new version of the risk rules, and shows a refusal', async () => {
      const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'risk-rules-journey', async () => {
        await signInThroughPage(page, suite.url, 'authority@spb.demo')
        await page.getByRole('heading', { name: 'Risk rules', exact: true }).waitFor()
        await page.getByText('Version 1 in force').waitFor()
        const versions = page.getByRole('table', {
          name: 'Versions of the risk rules, newest first',
        })
        await versions.locator('tbody tr[data-version="1"]', { hasText: 'Built in' }).waitFor()

        // The editor starts from the rules in force; fever now clears after 5 days.
        await page.getByRole('button', { name: 'Write a new version' }).click()
        const editor = page.getByLabel('Rules (JSON)')
        const rules = JSON.parse(await editor.inputValue()) as Rule[]
        assert.ok(
          rules.some((rule) => rule.id === 'fever'),
          'the editor holds the rules in force',
        )
        const changed = rules.map((rule) =>
          rule.id === 'fever' ? { ...rule, periodDays: 5 } : rule,
        )

        // Text that is not JSON never leaves the browser.
        await editor.fill('[{"id": "fever",')
        await page.getByRole('button', { name: 'Publish version 2' }).click()
        await page.getByRole('alert').filter({ hasText: 'The rules are not valid JSON' }).waitFor()

        await editor.fill(JSON.stringify(changed, null, 2))
        await page.getByLabel('Why this change (kept in the audit log)').fill('fever: 5 days')
        await page.getByRole('button', { name: 'Publish version 2' }).click()
        // Publishing is asked first: No leaves the rules as they are.
        const confirm = page.getByRole('alertdialog')
        await confirm
          .getByText('Put version 2 in force for everyone now?', { exact: false })
          .waitFor()
        await confirm.getByRole('button', { name: 'Cancel' }).click()
        assert.equal(await page.getByText('Version 2 is published and in force.').count(), 0)
        await page.getByRole('button', { name: 'Publish version 2' }).click()
        await confirm.getByRole('button', { name: 'Yes, publish version 2' }).click()
        await page.getByText('Version 2 is published and in force.').waitFor()
        await page.getByText('Version 2 in force').waitFor()
        await page
          .getByText(
            /Everyone’s colour (is being|was) recomputed (in the background )?under version 2/,
          )
          .waitFor()
        const newest = versions.locator('tbody tr').first()
        await newest.filter({ hasText: 'fever: 5 days' }).waitFor()
        assert.equal(await newest.getAttribute('data-version'), '2')
        assert.match(await newest.innerText(), /in force/)
        assert.match(await newest.innerText(), /\bYou\b/, 'stored by the signed-in account')

        // Version 2 as stored: the changed period.
        await page.getByRole('button', { name: 'View version 2' }).click()
        await page.getByRole('heading', { name: 'Risk rules, version 2' }).waitFor()
        const shown = JSON.parse(await page.getByTestId('rule-version-json').innerText()) as Rule[]
        assert.equal(shown.find((rule) => rule.id === 'fever')?.periodDays, 5)

        // A colour the rules do not know: the server refuses, naming the rule and field.
        await page.getByRole('button', { name: 'Start a new version from version 2' }).click()
        const broken = shown.map((rule) =>
          rule.id === 'fever' ? { ...rule, colour: 'blue' } : rule,
        )
        await editor.fill(JSON.stringify(broken, null, 2))
        await page.getByRole('button', { name: 'Publish version 3' }).click()
        await page.getByRole('button', { name: 'Yes, publish version 3' }).click()
        const refusal = page
          .getByRole('alert')
          .filter({ hasText: 'The server refused these rules' })
        await refusal.waitFor()
        assert.match(
          await page.getByTestId('rules-refusal').innerText(),
          /rules\[\d+\]\.colour \(rule "fever"\): expected "red" or "yellow", found "blue"/,
        )
        assert.equal(await versions.locator('tbody tr').first().getAttribute('data-version'), '2')
        const inForce = async (query: string) =>
          (
            (await (await fetch(`${suite.url}/api/v1/risk-rules${query}`)).json()) as {
              version: number
            }
          ).version
        assert.equal(await inForce('?issuerId=ru-spb'), 2, 'the refused rules were not stored')
        // St. Petersburg's authority published St. Petersburg's version: the nationwide rules stay.
        assert.equal(await inForce(''), 1, 'the nationwide rules are not the region’s to change')
      })
      await context.close()
    })

    it('lets an administrator find certificates by UVCI and by holder, revoke them, and list them', async () => {
      const [mullerTest] = await certificatesOf(suite.url, 'Müller')
      const [wangAntibodies] = await certificatesOf(suite.url, '王')
      assert.ok(mullerTest && wangAntibodies, 'the demo people hold certificates')
      assert.equal((await verify(suite.url, mullerTest.qr)).valid, true)
      const entriesBefore = await revocationEntries(suite.url)

      const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'revocation-journey', async () => {
        await signInThroughPage(page, suite.url, 'admin@spb.demo')
        await page.getByRole('link', { name: 'Revocations' }).click()
        await page.getByRole('heading', { name: 'Revocations', level: 1 }).waitFor()
        await page.getByText('No certificate has been revoked.').waitFor()
        await page
          .getByTestId('revocation-list-facts')
          .filter({ hasText: `${entriesBefore} entries` })
          .waitFor()

        // By UVCI, typed without the URN:UVCI: prefix and in lower case.
        await page
          .getByLabel('Certificate ID', { exact: true })
          .fill(mullerTest.uvci.replace(/^URN:UVCI:/, '').toLowerCase())
        await page.getByRole('button', { name: 'Find', exact: true }).click()
        const found = page.getByRole('table', { name: 'Certificates found' })
        const row = found.locator(`tr[data-certificate-id="${mullerTest.id}"]`)
        await row.waitFor()
        const text = await row.innerText()
        assert.match(text, /Test/)
        assert.match(text, /Müller Jürgen/)
        assert.match(text, /21 July 1979|July 21, 1979/, 'the holder’s birth date')
        assert.match(text, /Valid/)
        assert.ok(text.includes(mullerTest.uvci))

        // Revoking takes a reason, then a confirmation.
        await row.getByRole('button', { name: 'Revoke' }).click()
        const submit = page.getByRole('button', { name: 'Revoke the certificate' })
        assert.equal(await submit.isDisabled(), true, 'no revocation without a reason')
        await page.getByLabel('Reason').fill('issued for another person’s sample')
        await submit.click()
        const confirm = page.getByRole('alertdialog')
        await confirm
          .getByText(`Revoke ${mullerTest.uvci} for good? This cannot be undone.`)
          .waitFor()
        await confirm.getByRole('button', { name: 'Yes, revoke it' }).click()
        await page.getByText(`${mullerTest.uvci} is revoked and on the revocation list.`).waitFor()
        await row.filter({ hasText: 'Revoked' }).waitFor()
        assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0)

        const revoked = page.getByRole('table', { name: 'Revoked certificates' })
        const listed = revoked.locator(`tr[data-certificate-id="${mullerTest.id}"]`)
        await listed.waitFor()
        assert.match(await listed.innerText(), /issued for another person’s sample/)
        assert.match(await listed.innerText(), /Müller Jürgen/)
        await page
          .getByTestId('revocation-list-facts')
          .filter({ hasText: `${entriesBefore + 3} entries` })
          .waitFor()

        // By holder: Wang Fang's antibody certificate.
        await page.getByLabel('Holder', { exact: true }).check()
        await page.getByLabel('Find the person').fill('wang')
        const person = page.locator('#revocation-person')
        const option = person.locator('option', { hasText: '王芳' })
        await option.waitFor({ state: 'attached' })
        await person.selectOption((await option.getAttribute('value')) ?? '')
        const byHolder = found.locator(`tr[data-certificate-id="${wangAntibodies.id}"]`)
        await byHolder.waitFor()
        assert.match(await byHolder.innerText(), /Antibodies/)
        assert.match(await byHolder.innerText(), /王芳/)
        await byHolder.getByRole('button', { name: 'Revoke' }).click()
        await page.getByLabel('Reason').fill('laboratory result withdrawn')
        await page.getByRole('button', { name: 'Revoke the certificate' }).click()
        await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, revoke it' }).click()
        await page
          .getByText(`${wangAntibodies.uvci} is revoked and on the revocation list.`)
          .waitFor()

        // Newest revocation first.
        await revoked.locator('tbody tr').nth(1).waitFor()
        assert.deepEqual(
          await revoked
            .locator('tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-certificate-id'))),
          [wangAntibodies.id, mullerTest.id],
        )
      })
      await context.close()

      // Every verifier now refuses both codes at the revocation stage.
      for (const certificate of [mullerTest, wangAntibodies]) {
        const verified = await verify(suite.url, certificate.qr)
        assert.equal(verified.valid, false)
        assert.equal(verified.stage, 'revoked')
      }
    })

    it('lets an administrator add a partner, import its signed list, and see a bad list refused', async () => {
      const signer = await (await fetch(`${partnerUrl}/api/v1/trust-list/signer`)).text()
      const list = (await (await fetch(`${partnerUrl}/api/v1/trust-list`)).json()) as {
        certificateType: string
        country: string
      }[]
      const documentSigners = list.filter((entry) => entry.certificateType === 'DSC').length
      assert.ok(documentSigners > 0)
      // A code of the partner's: not trusted here until its list is imported.
      const [partnerCode] = await certificatesOf(partnerUrl, 'Müller')
      assert.ok(partnerCode)
      assert.equal((await verify(suite.url, partnerCode.qr)).valid, false)

      const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'trust-import-journey', async () => {
        // Trusted partners are the whole deployment's: the federal administrator manages them.
        await signInThroughPage(page, suite.url, 'federal-admin@ru.demo')
        await page.getByRole('heading', { name: 'Trust partners' }).waitFor()
        await page.getByLabel('Name', { exact: true }).fill('Partner region')
        await page.getByLabel('List-signing certificate (PEM)').fill(signer)
        await page.getByLabel('List URL (optional)').fill(`${partnerUrl}/api/v1/trust-list`)
        await page.getByRole('button', { name: 'Add partner' }).click()
        const row = page.getByRole('row').filter({ hasText: 'Partner region' })
        await row.filter({ hasText: 'Never' }).waitFor()

        // Fetched from the partner's URL.
        await row.getByRole('button', { name: 'Import the trust list of Partner region' }).click()
        await page.getByRole('button', { name: 'Import', exact: true }).click()
        await page
          .getByText(
            `The list of Partner region is imported: ${documentSigners} signers are trusted.`,
          )
          .waitFor()
        await row.filter({ hasNotText: 'Never' }).waitFor()
        const cells = await row.getByRole('cell').allInnerTexts()
        assert.equal(
          cells[2]?.trim(),
          String(documentSigners),
          `signers column: ${cells.join(' | ')}`,
        )

        // A list altered after signing: refused whole, and the user is told why.
        const tampered = structuredClone(list)
        const first = tampered[0]
        assert.ok(first)
        first.country = 'DE'
        await row.getByRole('button', { name: 'Import the trust list of Partner region' }).click()
        const pasted = page.getByLabel(
          'The list as JSON (leave empty to fetch it from the partner’s URL)',
        )
        await pasted.fill('not a list')
        await page.getByRole('button', { name: 'Import', exact: true }).click()
        await page.getByRole('alert').filter({ hasText: 'This is not valid JSON.' }).waitFor()
        await pasted.fill(JSON.stringify(tampered))
        await page.getByRole('button', { name: 'Import', exact: true }).click()
        await page
          .getByRole('alert')
          .filter({
            hasText:
              'The list’s signatures do not verify with the partner’s certificate: it was altered or signed by someone else. Nothing was imported.',
          })
          .waitFor()
        assert.ok((await page.getByTestId('trust-import-detail').innerText()).trim().length > 0)
      })
      await context.close()

      // The first import is in force: the partner's code verifies here now.
      const verified = await verify(suite.url, partnerCode.qr)
      assert.equal(verified.valid, true, JSON.stringify(verified))
    })

    it('lets an administrator see each issuer’s EU and domestic signers and rotate the domestic one', async () => {
      const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshotOnFailure(page, 'trust-keys-journey', async () => {
        await signInThroughPage(page, suite.url, 'federal-admin@ru.demo')
        await page.getByRole('heading', { name: 'Trust partners' }).waitFor()
        const rows = (label: string) =>
          page
            .getByRole('row')
            .filter({ hasText: label })
            .filter({ has: page.getByRole('cell', { name: 'ru-spb', exact: true }) })
        const domestic = rows('Domestic signer (health codes, antibody certificates)')
        await rows('EU document signer (EU DCCs)').first().waitFor()
        assert.equal(await domestic.count(), 1)
        await domestic.getByRole('button', { name: 'Rotate' }).click()
        // Rotation is asked first.
        await page
          .getByRole('alertdialog')
          .getByRole('button', { name: 'Yes, rotate the key' })
          .click()
        await page.getByText('A new signer of ru-spb is active; the old one is retired.').waitFor()
        await domestic.nth(1).waitFor()
        assert.equal(await domestic.filter({ hasText: 'Retired' }).count(), 1)
        assert.equal(
          await rows('EU document signer (EU DCCs)').count(),
          1,
          'the EU-facing signer is left as it was',
        )
      })
      await context.close()
    })
  },
)
