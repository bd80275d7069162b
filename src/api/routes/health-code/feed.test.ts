import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, personBody, testApp } from '../../../../test/api/test-app.js'

forEachDialect((dialect) => {
  describe(`the read state of the feed (${dialect.name})`, () => {
    let t: TestApp
    let personId: string
    let otherPersonId: string
    before(async () => {
      t = await testApp(dialect.url())
      const person = await t.request(t.users.citizen, 'POST', '/api/v1/me/person', {
        ...personBody({ document: { type: 'passport', number: 'FEED0001', country: 'RU' } }),
        issuerId: 'ru-spb',
      })
      assert.equal(person.statusCode, 201, person.body)
      personId = person.json().id
      const other = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'FEED0002', country: 'RU' } }),
      )
      assert.equal(other.statusCode, 201, other.body)
      otherPersonId = other.json().id
    })
    after(() => t.close())

    /** A notification in a person's feed, as tracing or the commission writes one. */
    const notify = (forPerson: string, to: string) =>
      t.store.transaction((tx) =>
        tx.tracing.notify({
          personId: forPerson,
          kind: 'colour-change',
          data: { to },
          createdAt: new Date().toISOString(),
        }),
      )

    const unread = async () => {
      const answer = await t.request(t.users.citizen, 'GET', '/api/v1/me/feed/unread')
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().unread as number
    }
    const feed = async () => {
      const answer = await t.request(t.users.citizen, 'GET', '/api/v1/me/feed')
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().notifications as { id: string; readAt?: string }[]
    }

    it('counts unread notifications, and marks the ones read that the person read', async () => {
      const before = await unread()
      const first = await notify(personId, 'red')
      const second = await notify(personId, 'green')
      assert.equal(await unread(), before + 2)
      const listed = await feed()
      assert.equal(listed.find((item) => item.id === first.id)?.readAt, undefined)

      const marked = await t.request(t.users.citizen, 'POST', '/api/v1/me/feed/read', {
        ids: [first.id],
      })
      assert.equal(marked.statusCode, 200, marked.body)
      assert.deepEqual(marked.json(), { unread: before + 1 })
      const now = await feed()
      const readAt = now.find((item) => item.id === first.id)?.readAt
      assert.ok(readAt, 'the first is read')
      assert.equal(now.find((item) => item.id === second.id)?.readAt, undefined)

      // Read again: nothing changes, not even the time it was read.
      const again = await t.request(t.users.citizen, 'POST', '/api/v1/me/feed/read', {
        ids: [first.id],
      })
      assert.deepEqual(again.json(), { unread: before + 1 })
      assert.equal((await feed()).find((item) => item.id === first.id)?.readAt, readAt)
    })

    it('leaves another person’s notifications unread', async () => {
      const theirs = await notify(otherPersonId, 'red')
      const answer = await t.request(t.users.citizen, 'POST', '/api/v1/me/feed/read', {
        ids: [theirs.id],
      })
      assert.equal(answer.statusCode, 200, answer.body)
      const stored = await t.store.transaction((tx) => tx.tracing.feed(otherPersonId, 10))
      assert.equal(stored.find((item) => item.id === theirs.id)?.readAt, undefined)
      assert.equal(
        await t.store.transaction((tx) => tx.tracing.unreadCount(otherPersonId)),
        stored.length,
      )
    })

    it('answers 0 unread to an account without a health record', async () => {
      const answer = await t.request(t.users.clinician, 'GET', '/api/v1/me/feed/unread')
      assert.equal(answer.statusCode, 200, answer.body)
      assert.deepEqual(answer.json(), { unread: 0 })
    })

    it('refuses a body without ids, with an empty list or with an unknown field', async () => {
      for (const body of [{}, { ids: [] }, { ids: ['x'], all: true }]) {
        const answer = await t.request(t.users.citizen, 'POST', '/api/v1/me/feed/read', body)
        assert.equal(answer.statusCode, 400, JSON.stringify(body))
        assert.equal(answer.json().error.code, 'ERR_VALIDATION', answer.body)
      }
    })

    it('refuses a caller who is not signed in', async () => {
      const answer = await t.request(undefined, 'GET', '/api/v1/me/feed/unread')
      assert.equal(answer.statusCode, 401, answer.body)
    })
  })
})
