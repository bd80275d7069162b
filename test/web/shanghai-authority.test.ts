import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  chromiumSkip,
  demoCaller,
  signInThroughPage,
  useDemoServerAndBrowser,
  withScreenshotOnFailure,
} from './web-harness.js'

describe('the Shanghai authority’s screens in Chromium', { skip: chromiumSkip }, () => {
  const suite = useDemoServerAndBrowser()

  it('declares a risk area picked from the districts it defined', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'risk-area-picker', async () => {
      await signInThroughPage(page, suite.url, 'authority@sh.demo')
      await page.getByRole('heading', { name: 'Districts' }).waitFor()
      // A district of its own, then a risk area picked from the list (no code typed).
      await page.locator('#district-code').fill('cn-sh-cm')
      await page.locator('#district-name').fill('Chongming (崇明区)')
      await page.getByRole('button', { name: 'Define the district' }).click()
      await page.getByText('The district is defined.').waitFor()
      const picker = page.locator('#area-code')
      assert.equal(await picker.evaluate((e) => e.tagName), 'SELECT')
      await page.locator('#area-code option[value="CN-SH-CM"]').waitFor({ state: 'attached' })
      const options = await picker.locator('option').allInnerTexts()
      assert.ok(options.includes('Pudong New Area (浦东新区) (CN-SH-PD)'), options.join(' | '))
      await picker.selectOption('CN-SH-CM')
      assert.equal(await page.locator('#area-name').inputValue(), 'Chongming (崇明区)')
      await page.locator('#area-level').selectOption('medium')
      await page.getByRole('button', { name: 'Declare' }).click()
      await page.getByText('The risk area is in force; codes are recomputed.').waitFor()
      await page.getByRole('cell', { name: 'CN-SH-CM' }).waitFor()
    })
    const authority = await demoCaller(suite.url, 'authority@sh.demo')
    const { riskAreas } = await authority<{ riskAreas: { areaCode: string; level: string }[] }>(
      'GET',
      '/api/v1/risk-areas',
    )
    assert.ok(riskAreas.some((a) => a.areaCode === 'CN-SH-CM' && a.level === 'medium'))
    await context.close()
  })

  it('lets the authority admit antibody certificates at theatres with the entry-policy editor', async () => {
    // Yuki Tanaka's antibody certificate, shown at the Shanghai Grand Theatre's door.
    const clinician = await demoCaller(suite.url, 'clinician@sh.demo')
    const { people } = await clinician<{ people: { id: string; familyName: string }[] }>(
      'GET',
      '/api/v1/people',
    )
    const tanaka = people.find((p) => p.familyName === 'Tanaka')
    assert.ok(tanaka)
    const { certificates } = await clinician<{ certificates: { qr: string }[] }>(
      'GET',
      `/api/v1/people/${tanaka.id}/certificates`,
    )
    const operator = await demoCaller(suite.url, 'venue@sh.demo')
    const { venues } = await operator<{ venues: { id: string; category: string }[] }>(
      'GET',
      '/api/v1/venues',
    )
    const theatre = venues.find((v) => v.category === 'theatre')
    assert.ok(theatre)
    const scan = async () =>
      (
        await operator<{ entryAllowed: boolean }>('POST', `/api/v1/venues/${theatre.id}/scan`, {
          qr: certificates[0]?.qr,
          clientId: randomUUID(),
        })
      ).entryAllowed
    assert.equal(await scan(), false, 'not accepted here before the change')

    const context = await suite.browser.newContext({ viewport: { width: 1366, height: 900 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await withScreenshotOnFailure(page, 'entry-policy-editor', async () => {
      await signInThroughPage(page, suite.url, 'authority@sh.demo')
      await page.locator('#language').selectOption('zh')
      await page.getByRole('heading', { name: '准入规则' }).waitFor()
      const theatreLine = page.locator('.policy-list li[data-category="theatre"]')
      assert.doesNotMatch(await theatreLine.innerText(), /抗体水平/)
      await page.locator('#policy-category').selectOption('theatre')
      await page.locator('#policy-kind-antibody').check()
      await page.getByRole('button', { name: '保存剧院的规则' }).click()
      await page.getByText('已保存：剧院即日起按此准入。').waitFor()
      await theatreLine.getByText(/抗体水平/).waitFor()
      // Parks let yellow codes in too: the colours a kind of venue admits.
      await page.locator('#policy-category').selectOption('park')
      await page.locator('#policy-yellow').check()
      await page.getByRole('button', { name: '保存公园的规则' }).click()
      await page.locator('.policy-list li[data-category="park"]').getByText('绿码, 黄码').waitFor()
    })
    await context.close()
    const policies = (await (
      await fetch(`${suite.url}/api/v1/entry-policies?issuerId=cn-sh`)
    ).json()) as Record<string, { acceptCertificates: string[]; admitYellowCode?: boolean }>
    assert.deepEqual(policies['theatre']?.acceptCertificates, [
      'vaccination',
      'recovery',
      'test',
      'antibody',
    ])
    assert.equal(await scan(), true, 'the antibody certificate is admitted at the theatre')
    assert.equal(policies['park']?.admitYellowCode, true)
  })
})
