// Health codes across regions (docs/interoperability.md): a partner deployment that has imported our
// domestic list judges our dynamic codes at its own doors, by its own entry policy, offline, and
// learns no more than the door view; both ways, as trust-partners.test.ts does for EU DCCs.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  type JsonValue,
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../../src/codec/hc1/index.js'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import { readAtDoor } from '../../src/domain/venues/door-reading.js'
import { decideEntry } from '../../src/domain/venues/entry-decision.js'
import type { OfflineBundle } from '../../web/src/scanner/offline-bundle.js'
import { OfflineTrust, verifyHc1Offline } from '../../web/src/scanner/verify-offline.js'
import { forEachDialect } from '../support/dialects.js'
import { TEST_KEK, type TestApp, personBody, testApp } from './test-app.js'

const HOUR = 3_600_000

/** One deployment, with a venue of its own whose door judges codes. */
interface Deployment {
  readonly t: TestApp
  readonly name: string
  venueId: string
}

forEachDialect((dialect) => {
  describe(`health codes across regions (${dialect.name})`, () => {
    // Two deployments with their own stores, CSCAs and key-encryption keys: Shanghai and a partner
    // city of the same economic region (the Yangtze River Delta recognition).
    let shanghai: Deployment
    let hangzhou: Deployment
    const keks = { Shanghai: TEST_KEK, Hangzhou: '3c'.repeat(32) }
    before(async () => {
      shanghai = { t: await testApp(dialect.url()), name: 'Shanghai', venueId: '' }
      hangzhou = {
        t: await testApp(dialect.url(), { env: { KEY_ENCRYPTION_KEY: keks.Hangzhou } }),
        name: 'Hangzhou',
        venueId: '',
      }
      for (const deployment of [shanghai, hangzhou]) {
        const venue = await deployment.t.request(
          deployment.t.users.venue_operator,
          'POST',
          '/api/v1/venues',
          {
            name: `${deployment.name} Grand Theatre`,
            category: 'theatre',
            address: 'People’s Square 1',
            district: 'RU-SPB-ADM',
          },
        )
        assert.equal(venue.statusCode, 201, venue.body)
        deployment.venueId = venue.json().id
      }
      // Each imports the other's domestic list, checked against the other's list-signing certificate.
      for (const [home, partner] of [
        [shanghai, hangzhou],
        [hangzhou, shanghai],
      ] as const) {
        const signer = await partner.t.request(undefined, 'GET', '/api/v1/trust-list/signer')
        const added = await home.t.request(home.t.federalAdmin, 'POST', '/api/v1/trust-partners', {
          name: `${partner.name} (domestic)`,
          signingCertificate: signer.body,
          list: 'domestic',
        })
        assert.equal(added.statusCode, 201, added.body)
        assert.equal(added.json().list, 'domestic')
        const list = (
          await partner.t.request(undefined, 'GET', '/api/v1/trust-list/domestic')
        ).json()
        const imported = await home.t.request(
          home.t.federalAdmin,
          'POST',
          `/api/v1/trust-partners/${added.json().id}/import`,
          { trustList: list },
        )
        assert.equal(imported.statusCode, 200, imported.body)
        assert.equal(imported.json().signers, 3, 'the domestic signers of ru, ru-spb and ru-mow')
      }
    })
    after(async () => {
      await shanghai.t.close()
      await hangzhou.t.close()
    })

    let documents = 0
    /** A resident of `home` with a fresh dynamic code: green, or red after a positive test. */
    async function residentCode(home: Deployment, colour: 'green' | 'red'): Promise<string> {
      const { t } = home
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: `YRD${++documents}`, country: 'RU' },
        }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const id = person.json().id
      if (colour === 'red') {
        const positive = await t.request(t.users.clinician, 'POST', `/api/v1/people/${id}/tests`, {
          testType: 'LP6464-4',
          name: 'RT-PCR SARS-CoV-2',
          sampledAt: new Date(t.clock().getTime() - HOUR).toISOString(),
          result: '260373001',
          centre: 'Testing site',
          country: 'RU',
        })
        assert.equal(positive.statusCode, 201, positive.body)
      }
      const token = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${id}/health-code/token`,
      )
      assert.equal(token.statusCode, 200, token.body)
      assert.equal(token.json().healthCode.colour, colour)
      return token.json().qr
    }

    const scanAt = (door: Deployment, qr: string) =>
      door.t.request(door.t.users.venue_operator, 'POST', `/api/v1/venues/${door.venueId}/scan`, {
        clientId: randomUUID(),
        qr,
      })

    for (const [homeName, doorName] of [
      ['Shanghai', 'Hangzhou'],
      ['Hangzhou', 'Shanghai'],
    ] as const) {
      const pick = (name: string) => (name === 'Shanghai' ? shanghai : hangzhou)

      it(`${doorName}’s door admits a green code of ${homeName} and refuses a red one, by ${doorName}’s policy`, async () => {
        const home = pick(homeName)
        const door = pick(doorName)
        const green = await scanAt(door, await residentCode(home, 'green'))
        assert.equal(green.statusCode, 200, green.body)
        assert.equal(green.json().entryAllowed, true, green.body)
        assert.equal(green.json().reason, 'GREEN_CODE')
        const red = await scanAt(door, await residentCode(home, 'red'))
        assert.equal(red.json().entryAllowed, false, red.body)
        assert.equal(red.json().reason, 'CODE_NOT_GREEN')
        assert.equal(red.json().colour, 'red')

        // The door's own region decides what a green code is worth: where its authority admits
        // certificates only, the partner's green code is refused as its own would be.
        const policy = await door.t.request(
          door.t.users.health_authority,
          'PUT',
          '/api/v1/entry-policies/theatre',
          { acceptGreenCode: false, acceptCertificates: ['vaccination'], testMaxAgeHours: 72 },
        )
        assert.equal(policy.statusCode, 200, policy.body)
        try {
          const refused = await scanAt(door, await residentCode(home, 'green'))
          assert.equal(refused.json().entryAllowed, false, refused.body)
          assert.equal(refused.json().reason, 'GREEN_CODE_NOT_ACCEPTED')
        } finally {
          await door.t.request(
            door.t.users.health_authority,
            'PUT',
            '/api/v1/entry-policies/theatre',
            {
              acceptGreenCode: true,
              acceptCertificates: ['vaccination', 'recovery', 'test'],
              testMaxAgeHours: 72,
            },
          )
        }
      })

      it(`${doorName}’s offline scanner judges ${homeName}’s codes from its bundle alone`, async () => {
        const home = pick(homeName)
        const door = pick(doorName)
        const bundle = (
          await door.t.request(
            door.t.users.venue_operator,
            'GET',
            `/api/v1/venues/${door.venueId}/offline-bundle`,
          )
        ).json() as OfflineBundle
        const trust = new OfflineTrust(bundle.signers, bundle.revocations)
        const now = door.t.clock()
        for (const colour of ['green', 'red'] as const) {
          const verified = await verifyHc1Offline(await residentCode(home, colour), trust, now)
          assert.equal(verified.valid, true, JSON.stringify(verified))
          if (!verified.valid) continue
          const reading = readAtDoor(verified.certificate)
          const decision = decideEntry(bundle.policy, reading.presented, now)
          assert.equal(decision.allowed, colour === 'green', colour)
        }
      })

      it(`${doorName} trusts ${homeName}’s domestic signers for its own codes only: an EU DCC they sign is refused (ERR_SIGNER_SCOPE)`, async () => {
        const home = pick(homeName)
        const door = pick(doorName)
        const person = await home.t.request(
          home.t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({
            document: { type: 'passport', number: `YRD${++documents}`, country: 'RU' },
          }),
        )
        const dose = await home.t.request(
          home.t.users.clinician,
          'POST',
          `/api/v1/people/${person.json().id}/vaccinations`,
          {
            vaccine: 'J07BX03',
            product: 'Sputnik-V',
            manufacturer: 'Gamaleya-Research-Institute',
            doseNumber: 2,
            totalDoses: 2,
            date: '2026-06-01',
            country: 'RU',
          },
        )
        assert.equal(dose.statusCode, 201, dose.body)
        const claims = decodeHc1Claims(
          decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(dose.json().certificate.qr))))
            .payload,
        )
        const keys = new SigningKeyService(
          home.t.store,
          home.t.clock,
          KeyVault.fromText(keks[homeName]),
        )
        const domestic = await home.t.store.transaction((tx) =>
          keys.signerFor(tx, 'ru-spb', 'domestic'),
        )
        const issuedAt = new Date(Math.floor(home.t.clock().getTime() / 1000) * 1000)
        const forged = signHc1(
          {
            dcc: (claims.payloadType === 'eu-dcc' ? claims.dcc : null) as JsonValue,
            payloadType: 'eu-dcc',
            issuer: 'RU',
            issuedAt,
            expiresAt: new Date(issuedAt.getTime() + 30 * 86_400_000),
          },
          { privateKey: domestic.privateKey, kid: domestic.kid },
        )
        const verified = (
          await door.t.request(door.t.users.clinician, 'POST', '/api/v1/verify', { qr: forged })
        ).json()
        assert.equal(verified.valid, false, JSON.stringify(verified))
        assert.equal(verified.stage, 'key_usage')
        assert.equal(verified.error.code, 'ERR_SIGNER_SCOPE')
        // The genuine certificate, by the EU-facing signer, is not on the domestic list at all.
        const genuine = (
          await door.t.request(door.t.users.clinician, 'POST', '/api/v1/verify', {
            qr: dose.json().certificate.qr,
          })
        ).json()
        assert.equal(genuine.error?.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
      })

      it(`${doorName} learns of ${homeName}’s resident no more than the door view`, async () => {
        const home = pick(homeName)
        const door = pick(doorName)
        const qr = await residentCode(home, 'green')
        const answer = await scanAt(door, qr)
        assert.doesNotMatch(answer.body, /PETROV|Петров|Иван|passport|YRD/)
        const view = answer.json()
        assert.deepEqual(view.holder, { name: 'IVAN P.', birthDate: '1985-03-14' })
        assert.equal(view.colour, 'green')
        // The subject is sealed for the home deployment: the door cannot tell whose it is, and
        // its check-in names no person.
        const checkin = await door.t.store.transaction((tx) => tx.checkins.find(view.checkinId))
        assert.ok(checkin, 'the admitted visitor is recorded')
        assert.equal(checkin.personId, undefined)
        const subjectOf = async (code: string) => {
          const verified = await door.t.request(undefined, 'POST', '/api/v1/verify', { qr: code })
          assert.equal(verified.json().valid, true, verified.body)
          return JSON.stringify(verified.json()).match(/"sub":"([^"]*)"/)?.[1]
        }
        const first = await subjectOf(qr)
        const second = await subjectOf(await residentCode(home, 'green'))
        assert.match(first ?? '', /^[A-Za-z0-9_-]{64}$/)
        assert.notEqual(first, second)
      })
    }
  })
})
