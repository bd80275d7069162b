import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, type TestUser, testApp } from '../../../../test/api/test-app.js'

interface Version {
  version: number
  issuerId?: string
  note?: string
  createdBy?: string
}

forEachDialect((dialect) => {
  describe(`the history of a region's risk rules is its own (${dialect.name})`, () => {
    let t: TestApp
    let spb: number
    let mow: number
    let nationwide: number
    const store = async (user: TestUser, note: string, issuerId?: string): Promise<number> => {
      const inForce = (
        await t.request(undefined, 'GET', `/api/v1/risk-rules?issuerId=${issuerId ?? 'ru'}`)
      ).json()
      const answer = await t.request(user, 'PUT', '/api/v1/risk-rules', {
        rules: inForce.rules,
        note,
        ...(issuerId === undefined ? {} : { issuerId }),
      })
      assert.equal(answer.statusCode, 201, answer.body)
      return answer.json().version as number
    }
    const versions = async (user: TestUser): Promise<Version[]> => {
      const answer = await t.request(user, 'GET', '/api/v1/risk-rules/versions')
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().versions as Version[]
    }
    before(async () => {
      t = await testApp(dialect.url())
      spb = await store(t.users.health_authority, 'St. Petersburg: fever 5 days')
      mow = await store(t.moscow.health_authority, 'Moscow: fever 7 days')
      nationwide = await store(t.federal.health_authority, 'nationwide')
    })
    after(() => t.close())

    it('lists to a region’s authority its own versions and those handed down, never a sibling’s', async () => {
      const seen = (await versions(t.users.health_authority)).map((v) => v.version).sort()
      assert.deepEqual(seen, [spb, nationwide].sort())
      const moscow = (await versions(t.moscow.health_authority)).map((v) => v.version).sort()
      assert.deepEqual(moscow, [mow, nationwide].sort())
      const federal = (await versions(t.federal.health_authority)).map((v) => v.version).sort()
      assert.deepEqual(federal, [spb, mow, nationwide].sort())
    })

    it('refuses one version of a sibling region with 403, and shows one’s own with its author', async () => {
      const other = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/risk-rules/versions/${mow}`,
      )
      assert.equal(other.statusCode, 403, other.body)
      assert.equal(other.json().error.code, 'ERR_FORBIDDEN')
      const own = await t.request(
        t.users.health_authority,
        'GET',
        `/api/v1/risk-rules/versions/${spb}`,
      )
      assert.equal(own.statusCode, 200, own.body)
      assert.equal(own.json().createdBy, t.users.health_authority.account.id)
      const handedDown = await t.request(
        t.moscow.health_authority,
        'GET',
        `/api/v1/risk-rules/versions/${nationwide}`,
      )
      assert.equal(handedDown.statusCode, 200, handedDown.body)
    })

    it('keeps the rules in force public for every region', async () => {
      for (const issuerId of ['ru-spb', 'ru-mow', 'ru']) {
        const answer = await t.request(undefined, 'GET', `/api/v1/risk-rules?issuerId=${issuerId}`)
        assert.equal(answer.statusCode, 200, answer.body)
      }
    })
  })
})
