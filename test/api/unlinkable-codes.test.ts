// Dynamic codes that venues cannot link (docs/health-code-token.md, "The subject"): every token of
// a person carries a fresh subject, so two tokens share no field but what the door must see, while
// our server still recovers the person (the door's live colour) until the token expires.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  type JsonValue,
  cborToJson,
  decodeBase45,
  decodeCoseSign1,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../../src/codec/hc1/index.js'
import { cborDecoder } from '../../src/codec/hc1/cbor.js'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import { forEachDialect } from '../support/dialects.js'
import { TEST_KEK, type TestApp, personBody, testApp } from './test-app.js'

const MINUTE = 60_000

/** Every field of a token, by where it sits: the COSE headers, the CWT claims, the payload. */
function fieldsOf(qr: string): Map<string, string> {
  const cose = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(qr))))
  const fields = new Map<string, string>()
  const add = (where: string, map: ReadonlyMap<unknown, unknown>) => {
    for (const [key, value] of map) {
      const converted = cborToJson(value)
      const text =
        value instanceof Uint8Array
          ? Buffer.from(value).toString('base64')
          : JSON.stringify('json' in converted ? converted.json : String(value))
      fields.set(`${where}.${String(key)}`, text)
    }
  }
  add('protected', cose.protectedHeader)
  add('unprotected', cose.unprotectedHeader)
  const claims = cborDecoder.decode(cose.payload) as Map<unknown, unknown>
  const status = claims.get(-70002) as Map<unknown, unknown>
  add('claims', new Map([...claims].filter(([key]) => key !== -70002)))
  add('status', status)
  fields.set('signature', Buffer.from(cose.signature).toString('base64'))
  return fields
}

forEachDialect((dialect) => {
  describe(`unlinkable dynamic codes (${dialect.name})`, () => {
    let t: TestApp
    let venueId: string
    before(async () => {
      t = await testApp(dialect.url())
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Mariinsky Theatre',
        category: 'theatre',
        address: 'Theatre Square 1',
        district: 'RU-SPB-ADM',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      venueId = venue.json().id
    })
    after(() => t.close())

    let documents = 0
    async function person(): Promise<string> {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: `LINK${++documents}`, country: 'RU' },
        }),
      )
      assert.equal(answer.statusCode, 201, answer.body)
      return answer.json().id
    }
    async function token(personId: string): Promise<string> {
      const answer = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/health-code/token`,
      )
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().qr
    }
    const scan = (qr: string) =>
      t.request(t.users.venue_operator, 'POST', `/api/v1/venues/${venueId}/scan`, {
        clientId: randomUUID(),
        qr,
      })

    it('gives two tokens of one person no field in common but the masked name, birth date and colour, and nothing that tells them from another person’s', async () => {
      // Two people with the same name and birth date: only a linking field could tell them apart.
      const first = await person()
      const second = await person()
      const a = fieldsOf(await token(first))
      t.clock.advance(MINUTE)
      const b = fieldsOf(await token(first))
      const other = fieldsOf(await token(second))
      assert.equal(a.get('status.ver'), '"1.1.0"')
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same fields')
      const shared = [...a.keys()].filter((field) => a.get(field) === b.get(field)).sort()
      const theDoorView = ['status.col', 'status.dob', 'status.nam']
      // What else two tokens of a person share is the same in every token of the region (the
      // schema and rule versions, the country, the region's signer and its algorithm): it links
      // nobody.
      const everyones = shared.filter((field) => !theDoorView.includes(field))
      assert.deepEqual(everyones, [
        'claims.1',
        'protected.1',
        'protected.4',
        'status.rsv',
        'status.ver',
      ])
      for (const field of everyones) assert.equal(other.get(field), a.get(field), field)
      for (const field of theDoorView) assert.ok(shared.includes(field), field)
      // The subject is fresh in every token, of one person or of two.
      const subjects = [a, b, other].map((fields) => fields.get('status.sub'))
      assert.equal(new Set(subjects).size, 3)
      for (const subject of subjects) assert.match(subject ?? '', /^"[A-Za-z0-9_-]{64}"$/)
    })

    it('lets a door ask for the live colour with a fresh subject: a green token shown after a positive test is refused', async () => {
      const id = await person()
      const qr = await token(id)
      assert.equal((await scan(qr)).json().entryAllowed, true)
      const positive = await t.request(t.users.clinician, 'POST', `/api/v1/people/${id}/tests`, {
        testType: 'LP6464-4',
        name: 'RT-PCR SARS-CoV-2',
        sampledAt: new Date(t.clock().getTime() - 60 * MINUTE).toISOString(),
        result: '260373001',
        centre: 'City polyclinic No. 37',
        country: 'RU',
      })
      assert.equal(positive.statusCode, 201, positive.body)
      const refused = (await scan(qr)).json()
      assert.equal(refused.entryAllowed, false, JSON.stringify(refused))
      assert.equal(refused.colour, 'red')
    })

    it('still verifies a 1.0.0 token, with the subject every token of the person carried, until it expires', async () => {
      const id = await person()
      await token(id)
      const keys = new SigningKeyService(t.store, t.clock, KeyVault.fromText(TEST_KEK))
      const { qr, subject } = await t.store.transaction(async (tx) => {
        const stored = await tx.health.healthCode(id)
        const signer = await keys.signerFor(tx, 'ru-spb', 'domestic')
        const issuedAt = new Date(Math.floor(t.clock().getTime() / 1000) * 1000)
        const expiresAt = new Date(issuedAt.getTime() + 5 * MINUTE)
        return {
          subject: stored?.subject as string,
          qr: signHc1(
            {
              dcc: {
                ver: '1.0.0',
                sub: stored?.subject as string,
                col: 'green',
                nam: 'IVAN P.',
                dob: '1985-03-14',
                rsv: 1,
              } as JsonValue,
              payloadType: 'healthcode-status',
              issuer: 'RU',
              issuedAt,
              expiresAt,
            },
            { privateKey: signer.privateKey, kid: signer.kid },
          ),
        }
      })
      assert.match(subject, /^[A-Za-z0-9_-]{22}$/)
      const admitted = (await scan(qr)).json()
      assert.equal(admitted.entryAllowed, true, JSON.stringify(admitted))
      assert.equal(admitted.colour, 'green')
      // The server still finds the person by the stored subject: the live colour decides.
      const positive = await t.request(t.users.clinician, 'POST', `/api/v1/people/${id}/tests`, {
        testType: 'LP6464-4',
        name: 'RT-PCR SARS-CoV-2',
        sampledAt: new Date(t.clock().getTime() - 60 * MINUTE).toISOString(),
        result: '260373001',
        centre: 'City polyclinic No. 37',
        country: 'RU',
      })
      assert.equal(positive.statusCode, 201, positive.body)
      const live = (await scan(qr)).json()
      assert.equal(live.entryAllowed, false, JSON.stringify(live))
      assert.equal(live.colour, 'red')
      t.clock.advance(6 * MINUTE)
      const expired = (await scan(qr)).json()
      assert.equal(expired.entryAllowed, false)
      assert.equal(expired.verification.code, 'ERR_CWT_EXPIRED')
    })
  })
})
