import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TEST_KEK, type TestApp, personBody, testApp } from '../../../../test/api/test-app.js'
import {
  type JsonValue,
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../../../codec/hc1/index.js'
import { KeyVault } from '../../../domain/keys/key-vault.js'
import { SigningKeyService } from '../../../domain/keys/signing-key-service.js'
import { forEachDialect } from '../../../../test/support/dialects.js'
import type { OfflineBundle } from '../../../../web/src/scanner/offline-bundle.js'
import { OfflineTrust, verifyHc1Offline } from '../../../../web/src/scanner/verify-offline.js'

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
  describe(`GET /api/v1/venues/:id/offline-bundle (${dialect.name})`, () => {
    let t: TestApp
    let partner: TestApp
    let venueId: string
    before(async () => {
      t = await testApp(dialect.url())
      partner = await testApp(dialect.url())
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Alexandrinsky Theatre',
        category: 'theatre',
        address: 'Ostrovskogo pl. 6',
        district: 'RU-SPE-CEN',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      venueId = venue.json().id
    })
    after(async () => {
      await t.close()
      await partner.close()
    })

    const bundle = async (): Promise<OfflineBundle> => {
      const answer = await t.request(
        t.users.venue_operator,
        'GET',
        `/api/v1/venues/${venueId}/offline-bundle`,
      )
      assert.equal(answer.statusCode, 200, answer.body)
      assert.equal(answer.headers['cache-control'], 'private, no-store')
      return answer.json() as OfflineBundle
    }

    const vaccinate = async (app: TestApp, document: string) => {
      const person = await app.request(
        app.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: document, country: 'RU' } }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const dose = await app.request(
        app.users.clinician,
        'POST',
        `/api/v1/people/${person.json().id}/vaccinations`,
        sputnikDose,
      )
      assert.equal(dose.statusCode, 201, dose.body)
      return {
        personId: person.json().id as string,
        certificate: dose.json().certificate as { id: string; qr: string },
      }
    }

    it('gives the venue’s operator our document signers as public keys, its policy and its rules', async () => {
      const answer = await bundle()
      assert.equal(answer.format, 1)
      assert.equal(answer.venueId, venueId)
      assert.equal(answer.category, 'theatre')
      assert.ok(Math.abs(Date.parse(answer.generatedAt) - t.clock().getTime()) < 1000)
      const keys = await t.store.transaction((tx) => tx.signingKeys.list())
      // Both lists' signers, each trusted for what its list is for.
      const ours = keys.filter((key) => key.purpose !== 'csca').map((key) => key.kid)
      assert.deepEqual(answer.signers.map((signer) => signer.kid).sort(), [...ours].sort())
      for (const key of keys.filter((key) => key.purpose !== 'csca')) {
        const signer = answer.signers.find((s) => s.kid === key.kid)
        assert.deepEqual(
          signer?.payloadTypes,
          key.purpose === 'document-signer'
            ? ['eu-dcc']
            : ['healthcode-antibody', 'healthcode-status'],
        )
      }
      for (const signer of answer.signers) {
        assert.equal(signer.keyType, 'ec-p256')
        assert.deepEqual(Object.keys(signer.publicKey).sort(), ['crv', 'kty', 'x', 'y'])
        assert.ok(signer.notAfter && Date.parse(signer.notAfter) > t.clock().getTime())
      }
      const policies = (await t.request(undefined, 'GET', '/api/v1/entry-policies')).json()
      assert.deepEqual(answer.policy, policies.theatre)
      assert.equal(answer.rules?.ruleSetId, t.config.validityRuleSet)
      assert.equal(answer.rules?.ruleSet?.id, t.config.validityRuleSet)
      assert.ok((answer.rules?.ruleSet?.rules.length ?? 0) > 0)
      assert.ok((answer.rules?.valueSets['covid-19-lab-test-type']?.length ?? 0) > 0)
      assert.deepEqual(answer.revocations, [])
    })

    it('lets the scanner refuse offline a code signed by the other list’s signer (ERR_SIGNER_SCOPE)', async () => {
      const { personId } = await vaccinate(t, 'RU1000002')
      const token = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/health-code/token`,
      )
      const claims = decodeHc1Claims(
        decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(token.json().qr)))).payload,
      )
      const keys = new SigningKeyService(t.store, t.clock, KeyVault.fromText(TEST_KEK))
      const eu = await t.store.transaction((tx) => keys.signerFor(tx, 'ru-spb', 'eu'))
      const issuedAt = new Date(Math.floor(t.clock().getTime() / 1000) * 1000)
      const byEuSigner = signHc1(
        {
          dcc: (claims.payloadType === 'healthcode-status' ? claims.status : null) as JsonValue,
          payloadType: 'healthcode-status',
          issuer: 'RU',
          issuedAt,
          expiresAt: new Date(issuedAt.getTime() + 5 * 60_000),
        },
        { privateKey: eu.privateKey, kid: eu.kid },
      )
      const current = await bundle()
      const trust = new OfflineTrust(current.signers, current.revocations)
      assert.equal((await verifyHc1Offline(token.json().qr, trust, t.clock())).valid, true)
      const refused = await verifyHc1Offline(byEuSigner, trust, t.clock())
      assert.equal(refused.valid, false)
      assert.equal(refused.stage, 'key_usage')
      assert.equal(refused.valid ? undefined : refused.error.code, 'ERR_SIGNER_SCOPE')
    })

    it('lets the scanner verify our codes offline, and names a revoked certificate', async () => {
      const { personId, certificate } = await vaccinate(t, 'RU1000001')
      const token = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/health-code/token`,
      )
      let current = await bundle()
      let trust = new OfflineTrust(current.signers, current.revocations)
      const offlineToken = await verifyHc1Offline(token.json().qr, trust, t.clock())
      assert.equal(offlineToken.valid, true, JSON.stringify(offlineToken))
      assert.equal((await verifyHc1Offline(certificate.qr, trust, t.clock())).valid, true)

      const revoked = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/certificates/${certificate.id}/revoke`,
        { reason: 'entered for the wrong person' },
      )
      assert.equal(revoked.statusCode, 200, revoked.body)
      current = await bundle()
      assert.deepEqual(current.revocations.map((entry) => entry.hashType).sort(), [
        'COUNTRYCODEUCI',
        'SIGNATURE',
        'UCI',
      ])
      trust = new OfflineTrust(current.signers, current.revocations)
      const offline = await verifyHc1Offline(certificate.qr, trust, t.clock())
      const online = (
        await t.request(undefined, 'POST', '/api/v1/verify', { qr: certificate.qr })
      ).json()
      assert.deepEqual(
        [offline.stage, !offline.valid && offline.error.code],
        [online.stage, 'ERR_REVOKED'],
      )
    })

    it('includes the signers of an imported partner list, so partners’ codes verify offline', async () => {
      const { certificate } = await vaccinate(partner, 'RU2000002')
      let trust = new OfflineTrust((await bundle()).signers, [])
      const before = await verifyHc1Offline(certificate.qr, trust, t.clock())
      assert.equal(!before.valid && before.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')

      const signer = await partner.request(undefined, 'GET', '/api/v1/trust-list/signer')
      const added = await t.request(t.federalAdmin, 'POST', '/api/v1/trust-partners', {
        name: 'Partner region',
        signingCertificate: signer.body,
      })
      assert.equal(added.statusCode, 201, added.body)
      const list = (await partner.request(undefined, 'GET', '/api/v1/trust-list')).json()
      const imported = await t.request(
        t.federalAdmin,
        'POST',
        `/api/v1/trust-partners/${added.json().id}/import`,
        { trustList: list },
      )
      assert.equal(imported.statusCode, 200, imported.body)

      const current = await bundle()
      const partnerKeys = await partner.store.transaction((tx) => tx.signingKeys.list())
      for (const key of partnerKeys.filter((k) => k.purpose === 'document-signer')) {
        assert.ok(
          current.signers.some((s) => s.kid === key.kid),
          `partner signer ${key.kid}`,
        )
      }
      trust = new OfflineTrust(current.signers, current.revocations)
      const offline = await verifyHc1Offline(certificate.qr, trust, t.clock())
      const online = (
        await t.request(undefined, 'POST', '/api/v1/verify', { qr: certificate.qr })
      ).json()
      assert.deepEqual([offline.valid, online.valid], [true, true], JSON.stringify(offline))
    })

    it('refuses an account that does not run the venue, and names an unknown venue', async () => {
      const stranger = await t.request(
        t.users.company_admin,
        'GET',
        `/api/v1/venues/${venueId}/offline-bundle`,
      )
      assert.equal(stranger.statusCode, 403, stranger.body)
      assert.equal(stranger.json().error.code, 'ERR_FORBIDDEN')
      const citizen = await t.request(
        t.users.citizen,
        'GET',
        `/api/v1/venues/${venueId}/offline-bundle`,
      )
      assert.equal(citizen.statusCode, 403)
      const anonymous = await t.request(
        undefined,
        'GET',
        `/api/v1/venues/${venueId}/offline-bundle`,
      )
      assert.equal(anonymous.statusCode, 401)
      const unknown = await t.request(
        t.users.venue_operator,
        'GET',
        '/api/v1/venues/00000000-0000-4000-8000-000000000000/offline-bundle',
      )
      assert.equal(unknown.statusCode, 404)
      assert.equal(unknown.json().error.code, 'ERR_NOT_FOUND')
      const authority = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/venues/${venueId}/offline-bundle`,
      )
      assert.equal(authority.statusCode, 200)
    })

    it('is described in the OpenAPI document', async () => {
      const openapi = (await t.request(undefined, 'GET', '/openapi.json')).json()
      const path = openapi.paths['/api/v1/venues/{id}/offline-bundle']
      assert.ok(path?.get, 'the route is documented')
      const schema = path.get.responses['200'].content['application/json'].schema
      assert.ok(
        schema.properties.signers && schema.properties.revocations && schema.properties.rules,
      )
    })
  })
})
