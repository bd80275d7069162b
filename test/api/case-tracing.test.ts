import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { tracingSettled } from '../support/tracing-services.js'
import { type TestApp, type TestUser, personBody, testApp } from './test-app.js'

const DAY = 86_400_000

forEachDialect((dialect) => {
  describe(`the authority's cases (${dialect.name})`, () => {
    let t: TestApp
    let venueId: string
    let caseId: string
    let caseId2: string
    let contactId: string
    let visitorId: string
    before(async () => {
      t = await testApp(dialect.url())
      const ok = (answer: { statusCode: number; body: string }) => {
        assert.ok(answer.statusCode < 300, answer.body)
        return JSON.parse(answer.body)
      }
      const register = async (user: TestUser, number: string, extra = {}) =>
        ok(
          await t.request(
            user,
            'POST',
            '/api/v1/people',
            personBody({ document: { type: 'passport', number, country: 'RU' }, ...extra }),
          ),
        ).id as string
      const scan = async (user: TestUser, personId: string) => {
        const token = ok(
          await t.request(user, 'GET', `/api/v1/people/${personId}/health-code/token`),
        )
        ok(
          await t.request(t.users.venue_operator, 'POST', `/api/v1/venues/${venueId}/scan`, {
            qr: token.qr,
            clientId: randomUUID(),
          }),
        )
      }
      venueId = ok(
        await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
          name: 'Mariinsky Theatre',
          category: 'theatre',
          address: 'Theatre Square 1',
          district: 'RU-SPB-ADM',
        }),
      ).id
      const patient = await register(t.users.clinician, 'CASE0001', {
        familyName: 'Соколов',
        givenName: 'Олег',
      })
      // A close contact of St. Petersburg, and a visitor from Moscow (another region's person).
      contactId = await register(t.users.clinician, 'CASE0002', {
        familyName: 'Орлова',
        givenName: 'Нина',
        language: 'en',
      })
      visitorId = await register(t.moscow.clinician, 'CASE0003', {
        familyName: 'Лебедев',
        givenName: 'Дмитрий',
        familyNameIcao: 'LEBEDEV',
        givenNameIcao: 'DMITRII',
      })
      await scan(t.users.clinician, patient)
      t.clock.advance(20 * 60_000)
      await scan(t.users.clinician, contactId)
      await scan(t.moscow.clinician, visitorId)
      t.clock.advance(DAY)
      caseId = ok(
        await t.request(t.users.health_authority, 'POST', '/api/v1/cases', { personId: patient }),
      ).case.id
      const other = await register(t.users.clinician, 'CASE0004', { familyName: 'Зайцева' })
      caseId2 = ok(
        await t.request(t.users.health_authority, 'POST', '/api/v1/cases', { personId: other }),
      ).case.id
      // The close contacts' colours are the background work's, started right after each answer.
      await tracingSettled(t.store)
    })
    after(() => t.close())

    it('lists the region’s cases, open and closed, and none to another region’s authority', async () => {
      const all = await t.request(t.users.health_authority, 'GET', '/api/v1/cases')
      assert.equal(all.statusCode, 200, all.body)
      assert.deepEqual(
        all
          .json()
          .cases.map((c: { case: { id: string }; person: { name: string } }) => c.case.id)
          .sort(),
        [caseId, caseId2].sort(),
      )
      const moscow = await t.request(t.moscow.health_authority, 'GET', '/api/v1/cases')
      assert.deepEqual(moscow.json().cases, [])
      const federal = await t.request(t.federal.health_authority, 'GET', '/api/v1/cases')
      assert.equal(federal.json().cases.length, 2, 'the parent level reads the regions under it')
      const bad = await t.request(t.users.health_authority, 'GET', '/api/v1/cases?status=shut')
      assert.equal(bad.statusCode, 400)
      assert.equal(bad.json().error.code, 'ERR_VALIDATION')
    })

    it('shows a case page with whereabouts and contacts, masking a person of another region', async () => {
      const page = await t.request(t.users.health_authority, 'GET', `/api/v1/cases/${caseId}`)
      assert.equal(page.statusCode, 200, page.body)
      const body = page.json()
      assert.equal(body.person.name, 'Соколов Олег')
      assert.equal(body.person.masked, false)
      assert.deepEqual(
        body.visits.map((v: { venueName: string }) => v.venueName),
        ['Mariinsky Theatre'],
      )
      const contacts = Object.fromEntries(
        body.contacts.map(
          (c: {
            personId: string
            name: string
            masked: boolean
            kind: string
            colour: string
          }) => [c.personId, [c.name, c.masked, c.kind, c.colour]],
        ),
      )
      assert.deepEqual(contacts[contactId], ['Орлова Нина', false, 'close-contact', 'red'])
      assert.deepEqual(contacts[visitorId], ['DMITRII L.', true, 'close-contact', 'red'])
      assert.doesNotMatch(page.body, /Лебедев|CASE0003/)
      const moscow = await t.request(t.moscow.health_authority, 'GET', `/api/v1/cases/${caseId}`)
      assert.equal(moscow.statusCode, 403)
      assert.equal(moscow.json().error.code, 'ERR_FORBIDDEN')
    })

    it('tells a contact the venue, the time window and the kind, for advice in their language', async () => {
      const feed = await t.store.transaction((tx) => tx.tracing.feed(contactId, 10))
      const exposure = feed.find((n) => n.kind === 'exposure')
      assert.ok(exposure, JSON.stringify(feed))
      assert.equal(exposure.data['kind'], 'close-contact')
      assert.equal(exposure.data['venueName'], 'Mariinsky Theatre')
      assert.equal(exposure.data['address'], 'Theatre Square 1')
      assert.equal(exposure.data['from'], '2026-11-23T09:00:00.000Z')
      assert.equal(exposure.data['until'], '2026-11-23T11:00:00.000Z')
    })

    it('closes a case, and reopens it when it is confirmed again instead of answering "already a case"', async () => {
      const closed = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/cases/${caseId2}/close`,
      )
      assert.equal(closed.statusCode, 200, closed.body)
      assert.ok(closed.json().case.closedAt)
      const twice = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/cases/${caseId2}/close`,
      )
      assert.equal(twice.statusCode, 409)
      assert.equal(twice.json().error.code, 'ERR_CASE_CLOSED')
      const listed = async (status: string) =>
        (await t.request(t.users.health_authority, 'GET', `/api/v1/cases?status=${status}`))
          .json()
          .cases.map((c: { case: { id: string } }) => c.case.id)
      assert.deepEqual(await listed('closed'), [caseId2])
      assert.deepEqual(await listed('open'), [caseId])
      const personId = (
        await t.request(t.users.health_authority, 'GET', `/api/v1/cases/${caseId2}`)
      ).json().person.personId
      const again = await t.request(t.users.health_authority, 'POST', '/api/v1/cases', { personId })
      assert.equal(again.statusCode, 201, again.body)
      assert.deepEqual([again.json().created, again.json().reopened], [false, true])
      assert.equal(again.json().case.id, caseId2)
      assert.equal(again.json().case.closedAt, undefined)
      assert.deepEqual((await listed('closed')).length, 0)
      const open = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/cases/${caseId2}/reopen`,
      )
      assert.equal(open.statusCode, 409)
      await t.request(t.users.health_authority, 'POST', `/api/v1/cases/${caseId2}/close`)
      const reopened = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/cases/${caseId2}/reopen`,
      )
      assert.equal(reopened.statusCode, 200, reopened.body)
      assert.equal(reopened.json().case.closedAt, undefined)
      const moscow = await t.request(
        t.moscow.health_authority,
        'POST',
        `/api/v1/cases/${caseId}/close`,
      )
      assert.equal(moscow.statusCode, 403)
    })
  })
})
