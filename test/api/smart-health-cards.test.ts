import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, testApp } from './test-app.js'

const examples = new URL('../vectors/shc-testdata/examples/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, examples), 'utf8').trim()
const wellKnown = new URL('issuer/.well-known/', examples)
const jwks = JSON.parse(readFileSync(new URL('jwks.json', wellKnown), 'utf8'))
const crls = readdirSync(new URL('crl/', wellKnown)).map((file) =>
  JSON.parse(readFileSync(new URL(`crl/${file}`, wellKnown), 'utf8')),
)
const ISS = 'https://spec.smarthealth.cards/examples/issuer'
const at = '2026-06-01T12:00:00Z'

forEachDialect((dialect) => {
  describe(`SMART Health Cards over HTTP (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    // Staff verify: only they may ask about another time than now (`at`).
    it('verifies a card once its issuer is trusted, and judges it under the validity rules', async () => {
      const unknown = await t.request(t.users.health_authority, 'POST', '/api/v1/verify', {
        qr: read('valid-covid-vaccines.qr.txt'),
        at,
      })
      assert.deepEqual([unknown.json().kind, unknown.json().valid], ['shc', false], unknown.body)

      const badJwks = await t.request(t.federalAdmin, 'POST', '/api/v1/shc-issuers', {
        iss: ISS,
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'nope' }] },
      })
      assert.equal(badJwks.statusCode, 400, badJwks.body)
      const imported = await t.request(t.federalAdmin, 'POST', '/api/v1/shc-issuers', {
        iss: ISS,
        jwks,
        crls,
      })
      assert.equal(imported.statusCode, 201, imported.body)

      const valid = await t.request(t.users.health_authority, 'POST', '/api/v1/verify', {
        qr: read('valid-covid-vaccines.qr.txt'),
        at,
      })
      assert.deepEqual(
        [valid.json().kind, valid.json().valid, valid.json().stage],
        ['shc', true, 'ok'],
      )
      assert.ok(valid.json().certificate.summary.immunizations.length >= 2, valid.body)
      // Its vaccinations are from 2021: more than 12 months old under the Russian practice.
      assert.equal(valid.json().entry.allowed, false, valid.body)
      assert.ok(
        valid
          .json()
          .entry.failed.some((f: { identifier: string }) => f.identifier === 'VR-RU-0003'),
      )

      for (const [file, stage] of [
        ['invalid-signature.qr.txt', 'signature'],
        ['invalid-revoked.qr.txt', 'revoked'],
        ['invalid-expired.qr.txt', 'expired'],
      ] as const) {
        const answer = await t.request(t.users.health_authority, 'POST', '/api/v1/verify', {
          qr: read(file),
          at,
        })
        assert.deepEqual(
          [answer.json().valid, answer.json().stage],
          [false, stage],
          `${file}: ${answer.body}`,
        )
      }

      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Mariinsky Theatre',
        category: 'theatre',
        address: 'Theatre Square 1',
        district: 'RU-SPB-ADM',
      })
      const scan = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${venue.json().id}/scans`,
        {
          items: [
            {
              clientId: randomUUID(),
              qr: read('valid-covid-vaccines.qr.txt'),
              at: new Date(t.clock().getTime() - 60_000).toISOString(),
            },
          ],
        },
      )
      const [result] = scan.json().results
      assert.equal(result.certificateKind, 'vaccination', scan.body)
      assert.equal(result.reason, 'RULES_NOT_MET')
    })
  })
})
