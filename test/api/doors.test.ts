// What a door may be told about time, and what it learns of a visitor: a live scan is judged at the
// server's clock, a queued offline scan at the time it was shown (at most OFFLINE_SCAN_MAX_AGE
// back), the public verifier at now for anyone but staff; and every kind of code shows the same
// door view, with a masked name only.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { TEST_PASSWORD, type TestApp, personBody, testApp } from './test-app.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

const shcExamples = new URL('../vectors/shc-testdata/examples/', import.meta.url)
const shcWellKnown = new URL('issuer/.well-known/', shcExamples)
const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer'

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}
const antibodies = {
  assay: 'Elecsys Anti-SARS-CoV-2 S',
  value: 350,
  unit: 'U/mL',
  threshold: 100,
  date: '2026-11-20',
  country: 'RU',
}

forEachDialect((dialect) => {
  describe(`doors (${dialect.name})`, () => {
    let t: TestApp
    let venueId: string
    before(async () => {
      t = await testApp(dialect.url(), { env: { OFFLINE_SCAN_MAX_AGE: '2h' } })
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Alexandrinsky Theatre',
        category: 'theatre',
        address: 'Ostrovsky Square 6',
        district: 'RU-SPB-ADM',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      venueId = venue.json().id
    })
    after(() => t.close())

    let documentNumber = 0
    async function person(): Promise<string> {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: `DOOR${++documentNumber}`, country: 'RU' },
        }),
      )
      assert.equal(answer.statusCode, 201, answer.body)
      return answer.json().id
    }

    /** A fresh dynamic code of a new person, and when it was made (it lives 5 minutes). */
    async function dynamicCode(): Promise<{ qr: string; madeAt: number }> {
      const id = await person()
      const madeAt = t.clock().getTime()
      const token = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${id}/health-code/token`,
      )
      assert.equal(token.statusCode, 200, token.body)
      return { qr: token.json().qr, madeAt }
    }

    const scan = (body: Record<string, unknown>) =>
      t.request(t.users.venue_operator, 'POST', `/api/v1/venues/${venueId}/scan`, {
        clientId: randomUUID(),
        ...body,
      })
    const batch = (items: Record<string, unknown>[]) =>
      t.request(t.users.venue_operator, 'POST', `/api/v1/venues/${venueId}/scans`, {
        items: items.map((item) => ({ clientId: randomUUID(), ...item })),
      })
    const iso = (ms: number) => new Date(ms).toISOString()

    describe('the time of a scan', () => {
      it('refuses a live scan that sends a past `at` with ERR_SCAN_TIME_NOT_QUEUED: an expired dynamic code is not admitted', async () => {
        const { qr, madeAt } = await dynamicCode()
        t.clock.advance(HOUR)
        const replayed = await scan({ qr, at: iso(madeAt + MINUTE) })
        assert.equal(replayed.statusCode, 400, replayed.body)
        assert.deepEqual(
          [replayed.json().error.code, replayed.json().error.field],
          ['ERR_SCAN_TIME_NOT_QUEUED', 'at'],
        )
        const live = await scan({ qr })
        assert.deepEqual(
          [live.json().entryAllowed, live.json().reason, live.json().verification.stage],
          [false, 'CODE_INVALID', 'expired'],
        )
      })

      it('judges a queued dynamic code at the time it was shown: admitted while valid, `expired` once its exp is before `at`', async () => {
        const { qr, madeAt } = await dynamicCode()
        t.clock.advance(HOUR)
        const sent = await batch([
          { qr, at: iso(madeAt + MINUTE) },
          { qr, at: iso(madeAt + 10 * MINUTE) },
        ])
        assert.equal(sent.statusCode, 200, sent.body)
        const [shownValid, shownExpired] = sent.json().results
        assert.deepEqual(
          [shownValid.ok, shownValid.entryAllowed, shownValid.recorded],
          [true, true, true],
        )
        assert.deepEqual(
          [shownExpired.entryAllowed, shownExpired.reason, shownExpired.verification.stage],
          [false, 'CODE_INVALID', 'expired'],
        )
        const flagged = await scan({ qr, at: iso(madeAt + 10 * MINUTE), offline: true })
        assert.equal(flagged.statusCode, 200, flagged.body)
        assert.deepEqual(
          [flagged.json().entryAllowed, flagged.json().verification.stage],
          [false, 'expired'],
        )
        const flaggedValid = await scan({ qr, at: iso(madeAt + MINUTE), offline: true })
        assert.equal(flaggedValid.json().entryAllowed, true, flaggedValid.body)
      })

      it('refuses a queued scan older than OFFLINE_SCAN_MAX_AGE with ERR_SCAN_TIME_TOO_OLD, item by item', async () => {
        const old = await dynamicCode()
        t.clock.advance(3 * HOUR)
        const fresh = await dynamicCode()
        const sent = await batch([
          { qr: old.qr, at: iso(old.madeAt + MINUTE) },
          { qr: fresh.qr, at: iso(fresh.madeAt) },
        ])
        assert.equal(sent.statusCode, 200, sent.body)
        const [tooOld, recent] = sent.json().results
        assert.deepEqual(
          [tooOld.ok, tooOld.error?.code, tooOld.error?.field],
          [false, 'ERR_SCAN_TIME_TOO_OLD', 'items[0].at'],
        )
        assert.deepEqual([recent.ok, recent.entryAllowed], [true, true])
        const single = await scan({ qr: old.qr, at: iso(old.madeAt + MINUTE), offline: true })
        assert.equal(single.statusCode, 400, single.body)
        assert.deepEqual(
          [single.json().error.code, single.json().error.field],
          ['ERR_SCAN_TIME_TOO_OLD', 'at'],
        )
      })
    })

    describe('POST /api/v1/verify', () => {
      it('judges an anonymous caller’s code now whatever `at` it sends: an expired code stays expired', async () => {
        const { qr, madeAt } = await dynamicCode()
        t.clock.advance(HOUR)
        const anonymous = await t.request(undefined, 'POST', '/api/v1/verify', {
          qr,
          at: iso(madeAt + MINUTE),
        })
        assert.equal(anonymous.statusCode, 200, anonymous.body)
        assert.deepEqual([anonymous.json().valid, anonymous.json().stage], [false, 'expired'])
        // A venue operator is no verifier of other times either.
        const operator = await t.request(t.users.venue_operator, 'POST', '/api/v1/verify', {
          qr,
          at: iso(madeAt + MINUTE),
        })
        assert.deepEqual([operator.json().valid, operator.json().stage], [false, 'expired'])
      })

      it('lets signed-in staff ask about another time, within bounds', async () => {
        const { qr, madeAt } = await dynamicCode()
        t.clock.advance(HOUR)
        const staff = await t.request(t.users.health_authority, 'POST', '/api/v1/verify', {
          qr,
          at: iso(madeAt + MINUTE),
        })
        assert.deepEqual([staff.json().valid, staff.json().stage], [true, 'ok'], staff.body)
        // Before the first case the edge's reading of times refuses; over a year ahead, the verifier.
        for (const [at, code] of [
          ['2019-06-01T00:00:00Z', 'ERR_VALIDATION'],
          [iso(t.clock().getTime() + 400 * 24 * HOUR), 'ERR_INVALID_FIELD'],
        ] as const) {
          const outOfBounds = await t.request(t.users.clinician, 'POST', '/api/v1/verify', {
            qr,
            at,
          })
          assert.equal(outOfBounds.statusCode, 400, outOfBounds.body)
          assert.deepEqual(
            [outOfBounds.json().error.code, outOfBounds.json().error.field],
            [code, 'at'],
          )
        }
      })

      it('reads `at` from a staff session only with its CSRF token, and treats an unknown token as anonymous', async () => {
        const { qr, madeAt } = await dynamicCode()
        t.clock.advance(HOUR)
        const signIn = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
          login: 'health_authority@test',
          password: TEST_PASSWORD,
        })
        assert.equal(signIn.statusCode, 200, signIn.body)
        const cookie = [signIn.headers['set-cookie'] ?? []]
          .flat()
          .find((header) => header.startsWith('hc_session='))
          ?.split(';')[0]
        assert.ok(cookie, 'a session cookie')
        const verify = (headers: Record<string, string>) =>
          t.app.inject({
            method: 'POST',
            url: '/api/v1/verify',
            headers,
            payload: { qr, at: iso(madeAt + MINUTE) },
          })
        const withoutCsrf = await verify({ cookie })
        assert.deepEqual([withoutCsrf.statusCode, withoutCsrf.json().stage], [200, 'expired'])
        const withCsrf = await verify({ cookie, 'x-csrf-token': signIn.json().csrfToken })
        assert.deepEqual([withCsrf.json().valid, withCsrf.json().stage], [true, 'ok'])
        const unknownToken = await verify({ authorization: 'Bearer not-a-token' })
        assert.deepEqual([unknownToken.statusCode, unknownToken.json().stage], [200, 'expired'])
      })
    })

    describe('the door view', () => {
      /** The answer of a live scan, asserting it carries no more than the masked name. */
      async function doorView(qr: string, fullName: RegExp) {
        const answer = await scan({ qr })
        assert.equal(answer.statusCode, 200, answer.body)
        assert.doesNotMatch(answer.body, fullName)
        return answer.json()
      }

      it('shows a dynamic code’s holder masked', async () => {
        const { qr } = await dynamicCode()
        const view = await doorView(qr, /PETROV|Петров|Иван/)
        assert.deepEqual(view.holder, { name: 'IVAN P.', birthDate: '1985-03-14' })
        assert.equal(view.entryAllowed, true)
      })

      it('shows an EU DCC’s holder masked as a dynamic code’s, without the family name', async () => {
        const id = await person()
        const dose = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${id}/vaccinations`,
          sputnikDose,
        )
        assert.equal(dose.statusCode, 201, dose.body)
        const view = await doorView(dose.json().certificate.qr, /PETROV|Петров|Иван/)
        assert.deepEqual(
          [view.holder, view.certificateKind, view.reason],
          [{ name: 'IVAN P.', birthDate: '1985-03-14' }, 'vaccination', 'CERTIFICATE_ACCEPTED'],
        )
        assert.equal(view.certificate, undefined, 'no certificate payload')
      })

      it('shows an antibody certificate’s holder masked, refused or not', async () => {
        const id = await person()
        const high = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${id}/antibody-tests`,
          antibodies,
        )
        assert.equal(high.statusCode, 201, high.body)
        const view = await doorView(high.json().certificate.qr, /PETROV|Петров|Иван/)
        assert.deepEqual(
          [view.holder, view.certificateKind, view.entryAllowed],
          [{ name: 'IVAN P.', birthDate: '1985-03-14' }, 'antibody', false],
        )
      })

      it('shows a SMART Health Card’s holder masked', async () => {
        const jwks = JSON.parse(readFileSync(new URL('jwks.json', shcWellKnown), 'utf8'))
        const crls = readdirSync(new URL('crl/', shcWellKnown)).map((file) =>
          JSON.parse(readFileSync(new URL(`crl/${file}`, shcWellKnown), 'utf8')),
        )
        const trusted = await t.request(t.federalAdmin, 'POST', '/api/v1/shc-issuers', {
          iss: SHC_ISSUER,
          jwks,
          crls,
        })
        assert.equal(trusted.statusCode, 201, trusted.body)
        const qr = readFileSync(new URL('valid-covid-vaccines.qr.txt', shcExamples), 'utf8').trim()
        const view = await doorView(qr, /Anyperson|ANYPERSON/)
        assert.deepEqual(
          [view.holder, view.certificateKind],
          [{ name: 'JOHN A.', birthDate: '1951-01-20' }, 'vaccination'],
        )
      })
    })
  })
})
