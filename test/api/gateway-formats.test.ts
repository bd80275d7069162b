import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { GatewayKeyService } from '../../src/domain/keys/gateway-key-service.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}

/** Makes a deployment's Gateway trust anchor and UPLOAD certificate, as `healthcode keys init` does. */
async function gatewayKeys(t: TestApp): Promise<void> {
  const kek = t.config.keyEncryptionKey
  assert.ok(kek, 'the test app has a key-encryption key')
  await new GatewayKeyService(t.store, t.clock, KeyVault.fromText(kek)).ensureKeys(undefined)
}

/** `openssl cms -verify` on DER files in `dir`, against `anchor.pem`: another implementation. */
function opensslVerify(dir: string, args: string[]) {
  return spawnSync(
    'openssl',
    ['cms', '-verify', '-binary', '-inform', 'DER', '-CAfile', 'anchor.pem', ...args],
    { cwd: dir },
  )
}

forEachDialect((dialect) => {
  describe(`DCC Gateway formats between deployments (${dialect.name})`, () => {
    // A partner that publishes in the Gateway's formats, and us, who import them.
    let partner: TestApp
    let us: TestApp
    let qr: string
    let certificateId: string
    let partnerId: string
    let dir: string
    before(async () => {
      partner = await testApp(dialect.url())
      us = await testApp(dialect.url())
      await gatewayKeys(partner)
      dir = mkdtempSync(join(tmpdir(), 'hc-gateway-api-'))
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
      assert.equal(dose.statusCode, 201, dose.body)
      qr = dose.json().certificate.qr
      certificateId = dose.json().certificate.id
      const anchor = await partner.request(undefined, 'GET', '/api/v1/gateway/trust-anchor')
      assert.equal(anchor.statusCode, 200, anchor.body)
      writeFileSync(join(dir, 'anchor.pem'), anchor.body)
      const added = await us.request(us.federalAdmin, 'POST', '/api/v1/trust-partners', {
        name: 'Partner in Gateway formats',
        signingCertificate: anchor.body,
      })
      assert.equal(added.statusCode, 201, added.body)
      partnerId = added.json().id
    })
    after(async () => {
      await partner.close()
      await us.close()
      rmSync(dir, { recursive: true, force: true })
    })

    const verifyAtUs = async () =>
      (await us.request(undefined, 'POST', '/api/v1/verify', { qr })).json()

    it('publishes the trust list as the Gateway does, every entry verified by openssl cms -verify against the trust anchor', async () => {
      const answer = await partner.request(undefined, 'GET', '/api/v1/gateway/trust-list')
      assert.equal(answer.statusCode, 200, answer.body)
      const list = answer.json() as {
        certificateType: string
        signature: string
        rawData: string
      }[]
      const types = list.map((entry) => entry.certificateType)
      assert.ok(types.includes('CSCA') && types.includes('UPLOAD'), types.join())
      assert.equal(types.filter((type) => type === 'DSC').length, 3, 'a DSC per issuer')
      for (const [index, entry] of list.entries()) {
        writeFileSync(join(dir, `sig-${index}.der`), Buffer.from(entry.signature, 'base64'))
        writeFileSync(join(dir, `cert-${index}.der`), Buffer.from(entry.rawData, 'base64'))
        const result = opensslVerify(dir, [
          '-in',
          `sig-${index}.der`,
          '-content',
          `cert-${index}.der`,
          '-out',
          '/dev/null',
        ])
        assert.equal(result.status, 0, `${entry.certificateType}: ${result.stderr}`)
      }
    })

    it('refuses a tampered Gateway list on import (ERR_GATEWAY_SIGNATURE), then trusts the partner’s codes once the real one is imported', async () => {
      assert.equal((await verifyAtUs()).error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
      const list = (await partner.request(undefined, 'GET', '/api/v1/gateway/trust-list')).json()
      const csca = list.find((e: { certificateType: string }) => e.certificateType === 'CSCA')
      const tampered = list.map((entry: { certificateType: string; signature: string }) =>
        // A DSC entry carrying the signature made over another certificate.
        entry.certificateType === 'DSC' ? { ...entry, signature: csca.signature } : entry,
      )
      const refused = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${partnerId}/gateway-trust-list`,
        { trustList: tampered },
      )
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_GATEWAY_SIGNATURE')
      assert.equal((await verifyAtUs()).valid, false)

      const imported = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${partnerId}/gateway-trust-list`,
        { trustList: list },
      )
      assert.equal(imported.statusCode, 200, imported.body)
      assert.deepEqual([imported.json().signers, imported.json().uploadCertificates], [3, 1])
      assert.equal((await verifyAtUs()).valid, true)
      const partners = await us.request(us.federalAdmin, 'GET', '/api/v1/trust-partners')
      const shown = partners.json().partners.find((p: { id: string }) => p.id === partnerId)
      assert.deepEqual(
        [shown.signers, shown.gatewayImportedAt, shown.problem],
        [3, imported.json().importedAt, undefined],
      )
    })

    it('publishes revocation as Gateway batches (If-Modified-Since paging, CMS openssl verifies); an imported batch stops the certificate at verification and at the door, a tampered one is refused', async () => {
      const since = partner.clock().toISOString()
      const none = await partner.request(undefined, 'GET', '/api/v1/gateway/revocation-list')
      assert.equal(none.statusCode, 204, none.body)
      partner.clock.advance(60_000)
      const revoked = await partner.request(
        partner.federalAdmin,
        'POST',
        `/api/v1/certificates/${certificateId}/revoke`,
        { reason: 'issued in error' },
      )
      assert.equal(revoked.statusCode, 200, revoked.body)

      const listed = await partner.app.inject({
        method: 'GET',
        url: '/api/v1/gateway/revocation-list',
        headers: { 'if-modified-since': since },
      })
      assert.equal(listed.statusCode, 200, listed.body)
      const page = listed.json() as {
        more: boolean
        batches: { batchId: string; country: string; deleted: boolean }[]
      }
      assert.equal(page.more, false)
      assert.equal(page.batches.length, 3, 'one batch per hash type')
      assert.ok(page.batches.every((b) => b.country === 'RU' && b.deleted === false))
      const signed: string[] = []
      for (const { batchId } of page.batches) {
        const batch = await partner.request(
          undefined,
          'GET',
          `/api/v1/gateway/revocation-list/${batchId}`,
        )
        assert.equal(batch.statusCode, 200, batch.body)
        assert.match(String(batch.headers['content-type']), /^application\/cms-text/)
        signed.push(batch.body)
      }
      writeFileSync(join(dir, 'batch.der'), Buffer.from(signed[0] as string, 'base64'))
      const checked = opensslVerify(dir, ['-in', 'batch.der'])
      assert.equal(checked.status, 0, String(checked.stderr))
      const content = JSON.parse(checked.stdout.toString('utf8'))
      assert.deepEqual(Object.keys(content), ['country', 'expires', 'kid', 'hashType', 'entries'])

      // A tampered batch: one hash changed inside the signed content.
      const der = Buffer.from(signed[0] as string, 'base64')
      const hash = Buffer.from(content.entries[0].hash)
      const at = der.indexOf(hash)
      assert.ok(at > 0)
      der[at + 1] = der[at + 1] === 0x41 ? 0x42 : 0x41
      const refused = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${partnerId}/gateway-revocation-batches`,
        { batches: [{ batchId: page.batches[0]?.batchId, signedBatch: der.toString('base64') }] },
      )
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_GATEWAY_SIGNATURE')
      assert.equal((await verifyAtUs()).valid, true, 'nothing of a refused import is kept')

      const imported = await us.request(
        us.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${partnerId}/gateway-revocation-batches`,
        {
          batches: page.batches.map((b, index) => ({
            batchId: b.batchId,
            signedBatch: signed[index],
          })),
        },
      )
      assert.equal(imported.statusCode, 200, imported.body)
      assert.deepEqual(imported.json(), { imported: 3, deleted: 0, hashes: 3 })
      const verified = await verifyAtUs()
      assert.deepEqual([verified.valid, verified.stage], [false, 'revoked'])

      const venue = await us.request(us.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Mariinsky Theatre',
        category: 'theatre',
        address: 'Theatre Square 1',
        district: 'RU-SPB-ADM',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      const atDoor = await us.request(
        us.users.venue_operator,
        'POST',
        `/api/v1/venues/${venue.json().id}/scan`,
        { clientId: randomUUID(), qr },
      )
      assert.equal(atDoor.statusCode, 200, atDoor.body)
      assert.deepEqual(
        [atDoor.json().entryAllowed, atDoor.json().verification.stage],
        [false, 'revoked'],
      )
    })

    it('answers 410 for a batch whose certificate is valid again, and lists it deleted', async () => {
      const before = partner.clock().toISOString()
      partner.clock.advance(60_000)
      // Valid again, as a recovery reinstates a suspended certificate (set in the store directly).
      const changed = await partner.store.transaction((tx) =>
        tx.certificates.setStatus(certificateId, ['revoked'], {
          status: 'valid',
          reason: 'reinstated',
          at: partner.clock().toISOString(),
          by: 'test',
        }),
      )
      assert.equal(changed, true)
      const listed = await partner.app.inject({
        method: 'GET',
        url: '/api/v1/gateway/revocation-list',
        headers: { 'if-modified-since': before },
      })
      assert.equal(listed.statusCode, 200, listed.body)
      const batches = listed.json().batches as { batchId: string; deleted: boolean }[]
      assert.deepEqual(
        batches.map((b) => b.deleted),
        [true, true, true],
      )
      const gone = await partner.request(
        undefined,
        'GET',
        `/api/v1/gateway/revocation-list/${batches[0]?.batchId}`,
      )
      assert.equal(gone.statusCode, 410, gone.body)
      assert.equal(gone.json().error.code, 'ERR_GATEWAY_BATCH_GONE')
    })
  })
})
