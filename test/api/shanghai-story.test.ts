import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { tracingSettled } from '../support/tracing-services.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const DAY = 86_400_000
const clean = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}

forEachDialect((dialect) => {
  describe(`the Shanghai story over HTTP (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    it('yellow on arrival from a medium-risk area, green on its day, red as a close contact', async () => {
      // The authority has declared a medium-risk area.
      const area = await t.request(t.users.health_authority, 'POST', '/api/v1/risk-areas', {
        areaCode: 'CN-HB-WH',
        name: 'Wuhan, Hubei',
        level: 'medium',
        from: '2026-11-01',
      })
      assert.equal(area.statusCode, 201, area.body)

      // A foreigner registers with their own account.
      const me = await t.request(t.users.citizen, 'POST', '/api/v1/me/person', {
        ...personBody({
          familyName: 'Müller',
          givenName: 'Jürgen',
          residency: 'foreigner',
          document: { type: 'passport', number: 'C01X00T47', country: 'DE' },
          language: 'en',
        }),
        issuerId: 'ru-spb',
        district: 'SH-PD',
      })
      assert.equal(me.statusCode, 201, me.body)
      const personId = me.json().id as string

      // Bad declarations are refused, naming the field, and change nothing.
      const fever60 = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${personId}/declarations`,
        {
          symptoms: { ...clean, temperatureC: 60 },
        },
      )
      assert.equal(fever60.statusCode, 400)
      assert.equal(fever60.json().error.field, 'symptoms.temperatureC')
      const future = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${personId}/declarations`,
        {
          symptoms: clean,
          visits: [{ areaCode: 'CN-HB-WH', from: '2026-11-20', until: '2026-11-30' }],
        },
      )
      assert.equal(future.statusCode, 400)
      assert.equal(future.json().error.field, 'visits[0].until')

      // They declare the stay: yellow, with the reason and the day it turns green.
      const declared = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${personId}/declarations`,
        {
          symptoms: { ...clean, temperatureC: 36.6 },
          visits: [{ areaCode: 'CN-HB-WH', from: '2026-11-10', until: '2026-11-22' }],
        },
      )
      assert.equal(declared.statusCode, 201, declared.body)
      const yellow = declared.json().healthCode
      assert.equal(yellow.colour, 'yellow')
      assert.equal(yellow.reasons[0].ruleId, 'medium-risk-arrival')
      assert.match(yellow.reasons[0].text.en, /medium/i)
      assert.ok(yellow.reasons[0].text.ru && yellow.reasons[0].text.zh)
      assert.equal(yellow.greenOn, '2026-11-29')

      // The required test after arrival: a negative PCR the next day.
      t.clock.advance(DAY)
      const pcr = await t.request(t.users.clinician, 'POST', `/api/v1/people/${personId}/tests`, {
        testType: 'LP6464-4',
        name: 'RT-PCR SARS-CoV-2',
        sampledAt: '2026-11-24T08:00:00Z',
        result: '260415000',
        centre: 'Pudong testing site',
        country: 'RU',
      })
      assert.equal(pcr.statusCode, 201, pcr.body)

      // Daily declarations, free of symptoms, until the day.
      for (let day = 24; day <= 28; day++) {
        const daily = await t.request(
          t.users.citizen,
          'POST',
          `/api/v1/people/${personId}/declarations`,
          {
            symptoms: clean,
          },
        )
        assert.equal(daily.json().healthCode.colour, 'yellow', `still yellow on the ${day}th`)
        t.clock.advance(DAY)
      }
      // 2026-11-29: green, without anything new happening.
      const green = await t.request(
        t.users.citizen,
        'GET',
        `/api/v1/people/${personId}/health-code`,
      )
      assert.equal(green.json().colour, 'green', green.body)
      assert.deepEqual(green.json().reasons, [])
      await t.request(t.users.citizen, 'POST', `/api/v1/people/${personId}/declarations`, {
        symptoms: clean,
      })

      // Their employer: a company with an office, and the employee joins with consent.
      const company = await t.request(t.users.company_admin, 'POST', '/api/v1/companies', {
        name: 'Pudong Precision Parts',
      })
      const companyId = company.json().id as string
      const office = await t.request(t.users.company_admin, 'POST', '/api/v1/venues', {
        name: 'Pudong Precision Parts, head office',
        category: 'office',
        address: '88 Century Avenue',
        district: 'SH-PD',
        companyId,
      })
      assert.equal(office.statusCode, 201, office.body)
      const officeId = office.json().id as string
      const invitation = await t.request(
        t.users.company_admin,
        'POST',
        `/api/v1/companies/${companyId}/invitations`,
      )
      const joined = await t.request(
        t.users.citizen,
        'POST',
        '/api/v1/company-invitations/accept',
        {
          token: invitation.json().token,
          consent: true,
        },
      )
      assert.equal(joined.statusCode, 200, joined.body)

      // Scanned at the office door with the dynamic code.
      const token = await t.request(
        t.users.citizen,
        'GET',
        `/api/v1/people/${personId}/health-code/token`,
      )
      assert.equal(token.statusCode, 200, token.body)
      const scanId = randomUUID()
      const scan = await t.request(
        t.users.company_admin,
        'POST',
        `/api/v1/venues/${officeId}/scan`,
        {
          qr: token.json().qr,
          clientId: scanId,
        },
      )
      assert.equal(scan.statusCode, 200, scan.body)
      assert.deepEqual(
        [
          scan.json().entryAllowed,
          scan.json().colour,
          scan.json().holder.name,
          scan.json().duplicate,
        ],
        [true, 'green', 'JUERGEN M.', false],
      )
      const resent = await t.request(
        t.users.company_admin,
        'POST',
        `/api/v1/venues/${officeId}/scan`,
        {
          qr: token.json().qr,
          clientId: scanId,
        },
      )
      assert.equal(resent.json().duplicate, true, 'a re-sent scan is not a second visit')

      // The company's dashboard counts them.
      const dashboard = await t.request(
        t.users.company_admin,
        'GET',
        `/api/v1/companies/${companyId}/dashboard`,
      )
      assert.equal(dashboard.statusCode, 200, dashboard.body)
      assert.deepEqual(dashboard.json().employees.byColour, {
        green: 1,
        yellow: 0,
        red: 0,
        unknown: 0,
      })
      assert.equal(dashboard.json().declarationsToday, 1)
      assert.equal(dashboard.json().visitorsByDay.at(-1).checkins, 1)

      // A colleague at the office half an hour later tests positive.
      const colleague = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: 'E12345678', country: 'CN' },
          district: 'SH-PD',
        }),
      )
      const colleagueId = colleague.json().id as string
      t.clock.advance(30 * 60_000)
      const colleagueToken = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${colleagueId}/health-code/token`,
      )
      const colleagueScan = await t.request(
        t.users.company_admin,
        'POST',
        `/api/v1/venues/${officeId}/scan`,
        {
          qr: colleagueToken.json().qr,
          clientId: randomUUID(),
        },
      )
      assert.equal(colleagueScan.json().entryAllowed, true, colleagueScan.body)
      t.clock.advance(DAY)
      const positive = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${colleagueId}/tests`,
        {
          testType: 'LP6464-4',
          sampledAt: new Date(t.clock().getTime() - 3_600_000).toISOString(),
          result: '260373001',
          centre: 'Pudong testing site',
          country: 'RU',
        },
      )
      assert.equal(positive.statusCode, 201, positive.body)
      // A close contact's colour is the background work's, started right after the answer.
      await tracingSettled(t.store)

      // The first person's code is red, because of the close contact, and their feed says so.
      const red = await t.request(t.users.citizen, 'GET', `/api/v1/people/${personId}/health-code`)
      assert.equal(red.json().colour, 'red', red.body)
      assert.equal(red.json().reasons[0].ruleId, 'close-contact')
      assert.match(red.json().reasons[0].text.en, /close contact/i)
      const feed = await t.request(t.users.citizen, 'GET', '/api/v1/me/feed')
      assert.ok(
        feed
          .json()
          .notifications.some(
            (n: { kind: string; data: { kind?: string } }) =>
              n.kind === 'exposure' && n.data.kind === 'close-contact',
          ),
        feed.body,
      )
      const after = await t.request(
        t.users.company_admin,
        'GET',
        `/api/v1/companies/${companyId}/dashboard`,
      )
      assert.deepEqual(
        after
          .json()
          .notGreen.map((e: { familyName: string; colour: string }) => [e.familyName, e.colour]),
        [['Müller', 'red']],
      )

      // The authority sees the case, its whereabouts and the city's figures.
      const authority = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/dashboards/authority',
      )
      const totals = authority.json().days.reduce(
        (
          sum: { cases: number; close: number; checkins: number },
          d: { cases: number; checkins: number; exposures: { closeContact: number } },
        ) => ({
          cases: sum.cases + d.cases,
          close: sum.close + d.exposures.closeContact,
          checkins: sum.checkins + d.checkins,
        }),
        { cases: 0, close: 0, checkins: 0 },
      )
      assert.deepEqual(totals, { cases: 1, close: 1, checkins: 2 })
      assert.ok(authority.json().days.at(-1).codes.red >= 2, authority.body)

      // The case (already confirmed by the positive test) lists the office visit; once published,
      // the office appears among the exposure sites, with nothing that names the colleague.
      const confirmed = await t.request(t.users.health_authority, 'POST', '/api/v1/cases', {
        personId: colleagueId,
      })
      assert.equal(confirmed.json().created, false, confirmed.body)
      const caseId = confirmed.json().case.id as string
      const whereabouts = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/cases/${caseId}/whereabouts`,
      )
      assert.deepEqual(
        whereabouts
          .json()
          .visits.map((v: { venueId: string; venueName: string }) => [v.venueId, v.venueName]),
        [[officeId, 'Pudong Precision Parts, head office']],
      )
      assert.equal(whereabouts.json().exposures.closeContacts, 1)
      const published = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/cases/${caseId}/publish`,
      )
      assert.ok(published.statusCode < 300, published.body)
      const sites = (await t.request(undefined, 'GET', '/api/v1/exposure-sites')).json()
      assert.deepEqual(
        sites.sites.map((s: { venueName: string; district: string }) => [s.venueName, s.district]),
        [['Pudong Precision Parts, head office', 'SH-PD']],
      )
      assert.doesNotMatch(JSON.stringify(sites), /Петров|Petrov|E12345678|1985-03-14/)
    })

    it('refuses an expired screenshot, a forged code and an unknown venue; keeps a batch’s good items', async () => {
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Shanghai Museum',
        category: 'museum',
        address: '201 Renmin Avenue',
        district: 'SH-HP',
      })
      const venueId = venue.json().id as string
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'G99887766', country: 'CN' } }),
      )
      const token = (
        await t.request(
          t.users.clinician,
          'GET',
          `/api/v1/people/${person.json().id}/health-code/token`,
        )
      ).json()
      const now = await t.request(undefined, 'POST', '/api/v1/verify', { qr: token.qr })
      assert.equal(now.json().valid, true, now.body)
      t.clock.advance(3_600_000)
      const screenshot = await t.request(undefined, 'POST', '/api/v1/verify', { qr: token.qr })
      assert.deepEqual([screenshot.json().valid, screenshot.json().stage], [false, 'expired'])
      const scanned = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${venueId}/scan`,
        {
          qr: token.qr,
          clientId: randomUUID(),
        },
      )
      assert.deepEqual(
        [scanned.json().entryAllowed, scanned.json().reason, scanned.json().verification.stage],
        [false, 'CODE_INVALID', 'expired'],
      )
      const fresh = (
        await t.request(
          t.users.clinician,
          'GET',
          `/api/v1/people/${person.json().id}/health-code/token`,
        )
      ).json()
      const forged = fresh.qr.slice(0, 60) + (fresh.qr[60] === 'A' ? 'B' : 'A') + fresh.qr.slice(61)
      const unknown = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${randomUUID()}/scan`,
        {
          qr: fresh.qr,
          clientId: randomUUID(),
        },
      )
      assert.equal(unknown.statusCode, 404)

      const goodId = randomUUID()
      const batch = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${venueId}/scans`,
        {
          items: [
            { clientId: goodId, qr: fresh.qr },
            { clientId: randomUUID(), qr: forged },
            { clientId: randomUUID(), qr: fresh.qr, at: '2031-01-01T00:00:00Z' },
          ],
        },
      )
      assert.equal(batch.statusCode, 200, batch.body)
      const [good, bad, future] = batch.json().results
      assert.deepEqual([good.ok, good.entryAllowed, good.recorded], [true, true, true])
      assert.deepEqual([bad.ok, bad.entryAllowed, bad.reason], [true, false, 'CODE_INVALID'])
      assert.deepEqual(
        [future.ok, future.error.code, future.error.field],
        [false, 'ERR_INVALID_FIELD', 'items[2].at'],
      )
      const again = await t.request(
        t.users.venue_operator,
        'POST',
        `/api/v1/venues/${venueId}/scans`,
        {
          items: [{ clientId: goodId, qr: fresh.qr }],
        },
      )
      assert.equal(again.json().results[0].duplicate, true)
      // A museum admits a green code; a yellow one is refused with its reason.
      const policies = await t.request(undefined, 'GET', '/api/v1/entry-policies')
      assert.deepEqual(policies.json().museum.acceptCertificates, [
        'vaccination',
        'recovery',
        'test',
      ])
    })
  })
})
