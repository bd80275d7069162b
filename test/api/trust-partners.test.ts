import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 1,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}

forEachDialect((dialect) => {
  describe(`trust between deployments (${dialect.name})`, () => {
    // Two deployments, each with its own store and CSCA: a partner region, and us.
    let partner: TestApp
    let us: TestApp
    let partnerUrl: string
    let qr: string
    before(async () => {
      partner = await testApp(dialect.url(), { readReplica: true })
      us = await testApp(dialect.url(), { readReplica: true })
      partnerUrl = await partner.app.listen({ port: 0, host: '127.0.0.1' })
      const person = await partner.request(
        partner.users.clinician,
        'POST',
        '/api/v1/people',
        personBody(),
      )
      const dose = await partner.request(
        partner.users.clinician,
        'POST',
        `/api/v1/people/${person.json().id}/vaccinations`,
        sputnikDose,
      )
      qr = dose.json().certificate.qr
    })
    after(async () => {
      await partner.close()
      await us.close()
    })

    const verify = async () =>
      (await us.request(undefined, 'POST', '/api/v1/verify', { qr })).json()

    async function addPartner(sourceUrl?: string) {
      const signer = await partner.request(undefined, 'GET', '/api/v1/trust-list/signer')
      const added = await us.request(us.federalAdmin, 'POST', '/api/v1/trust-partners', {
        name: 'Partner region',
        signingCertificate: signer.body,
        ...(sourceUrl ? { sourceUrl } : {}),
      })
      assert.equal(added.statusCode, 201, added.body)
      return added.json().id as string
    }

    it('recognises a partner’s codes once its signed list is imported, and refuses a tampered list', async () => {
      assert.equal((await verify()).error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
      const id = await addPartner()
      const list = (await partner.request(undefined, 'GET', '/api/v1/trust-list')).json()
      const tampered = structuredClone(list)
      tampered[0].country = 'DE'
      const refused = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${id}/import`,
        { trustList: tampered },
      )
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_TRUST_LIST_SIGNATURE')
      assert.equal((await verify()).valid, false)

      const imported = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${id}/import`,
        { trustList: list },
      )
      assert.equal(imported.statusCode, 200, imported.body)
      assert.equal(imported.json().signers, 3, 'the document signers of ru, ru-spb and ru-mow')
      const verified = await verify()
      assert.equal(verified.valid, true, JSON.stringify(verified))

      // A list signed by someone else than the configured partner is refused whole.
      const ours = (await us.request(undefined, 'GET', '/api/v1/trust-list')).json()
      const foreign = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${id}/import`,
        { trustList: ours },
      )
      assert.equal(foreign.statusCode, 400)
      assert.equal((await verify()).valid, true, 'the previous list stays in force')
    })

    it('fetches a partner’s list from its URL', async () => {
      const id = await addPartner(`${partnerUrl}/api/v1/trust-list`)
      const imported = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${id}/import`,
        {},
      )
      assert.equal(imported.statusCode, 200, imported.body)
      assert.ok(imported.json().importedAt)
      const unreachable = await addPartner('http://127.0.0.1:9/trust-list')
      const failed = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${unreachable}/import`,
        {},
      )
      assert.equal(failed.statusCode, 502)
      assert.equal(failed.json().error.code, 'ERR_TRUST_LIST_FETCH')
      const listed = await us.request(us.federalAdmin, 'GET', '/api/v1/trust-partners')
      assert.equal(listed.json().partners.length, 3)
      // Each imported list says how many signers it gives; a partner never imported says nothing.
      const byId = new Map(
        listed.json().partners.map((p: { id: string; signers?: number }) => [p.id, p.signers]),
      )
      assert.equal(byId.get(id), imported.json().signers)
      assert.ok((byId.get(id) as number) > 0)
      assert.equal(byId.get(unreachable), undefined)
      const byClinician = await us.request(us.users.clinician, 'GET', '/api/v1/trust-partners')
      assert.equal(byClinician.statusCode, 403)
      // Every region's doors accept what a partner signs: a region's administrator adds none.
      for (const [method, url] of [
        ['GET', '/api/v1/trust-partners'],
        ['POST', `/api/v1/trust-partners/${id}/import`],
      ] as const) {
        const regional = await us.request(us.users.administrator, method, url, {})
        assert.equal(regional.statusCode, 403, `${method} ${url}`)
        assert.equal(regional.json().error.code, 'ERR_FORBIDDEN')
      }
    })
  })
})
