import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { build } from '../../src/api/app.js'
import { openStore } from '../../src/storage/open-store.js'
import { forEachDialect } from '../support/dialects.js'
import { TEST_PASSWORD, type TestApp, personBody, testApp } from './test-app.js'

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

const antibodies = {
  assay: 'Elecsys Anti-SARS-CoV-2 S',
  value: 350,
  unit: 'U/mL',
  threshold: 100,
  date: '2026-11-20',
  country: 'RU',
}

forEachDialect((dialect) => {
  describe(`POST /api/v1/auth/sign-in limits (${dialect.name})`, () => {
    let t: TestApp
    let url: string
    before(async () => {
      url = dialect.url()
      t = await testApp(url, {
        env: { SIGN_IN_ACCOUNT_LIMIT: '5', SIGN_IN_LOCK_MINUTES: '15', SIGN_IN_RATE_LIMIT: '1000' },
      })
    })
    after(() => t.close())

    const signIn = (login: string, password: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        remoteAddress,
        payload: { login, password },
      })

    it('locks a login after 5 wrong passwords from 5 addresses, even for the right password', async () => {
      const login = t.users.clinician.account.login
      for (let i = 0; i < 5; i++) {
        const wrong = await signIn(login, 'not the password', `198.51.100.${i + 1}`)
        assert.equal(wrong.json().error.code, 'ERR_SIGN_IN_FAILED')
      }
      const right = await signIn(login, TEST_PASSWORD, '198.51.100.77')
      assert.equal(right.statusCode, 429, right.body)
      assert.equal(right.json().error.code, 'ERR_SIGN_IN_LOCKED')
      assert.equal(right.headers['retry-after'], String(15 * 60))
      t.clock.advance(15 * 60_000 + 1000)
      const later = await signIn(login, TEST_PASSWORD, '198.51.100.77')
      assert.equal(later.statusCode, 200, later.body)
    })

    it('answers a login that does not exist exactly as one that does', async () => {
      const answers = async (login: string) => {
        const seen: string[] = []
        for (let i = 0; i < 6; i++) {
          const answer = await signIn(login, 'not the password', `203.0.113.${i + 1}`)
          seen.push(`${answer.statusCode} ${answer.body} ${answer.headers['retry-after']}`)
        }
        return seen
      }
      const known = await answers(t.users.health_authority.account.login)
      const unknown = await answers('nobody@nowhere.test')
      assert.deepEqual(unknown, known)
      assert.match(known[5] ?? '', /^429 .*ERR_SIGN_IN_LOCKED/)
      t.clock.advance(24 * 3_600_000)
    })

    it('shares the lock between two server processes on one database', async () => {
      const second = await openStore(url)
      const other = await build({ config: t.config, store: second, clock: t.clock, logger: false })
      try {
        const login = t.users.venue_operator.account.login
        for (let i = 0; i < 3; i++) await signIn(login, 'wrong', '192.0.2.1')
        for (let i = 0; i < 2; i++) {
          await other.inject({
            method: 'POST',
            url: '/api/v1/auth/sign-in',
            remoteAddress: '192.0.2.2',
            payload: { login, password: 'wrong' },
          })
        }
        const onOther = await other.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          remoteAddress: '192.0.2.2',
          payload: { login, password: TEST_PASSWORD },
        })
        assert.equal(onOther.json().error.code, 'ERR_SIGN_IN_LOCKED')
        const onFirst = await signIn(login, TEST_PASSWORD, '192.0.2.1')
        assert.equal(onFirst.json().error.code, 'ERR_SIGN_IN_LOCKED')
      } finally {
        await other.close()
        await second.close()
      }
      t.clock.advance(24 * 3_600_000)
    })
  })

  describe(`per-address sign-in limit and TRUST_PROXY (${dialect.name})`, () => {
    let url: string
    before(() => {
      url = dialect.url()
    })

    async function attempts(
      t: TestApp,
      request: (i: number) => { remoteAddress: string; forwardedFor?: string },
    ): Promise<string[]> {
      const codes: string[] = []
      for (let i = 0; i < 4; i++) {
        const { remoteAddress, forwardedFor } = request(i)
        const answer = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          remoteAddress,
          headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
          // A different login each time: only the address limit can refuse.
          payload: { login: `someone${i}@example.org`, password: 'wrong password' },
        })
        codes.push(answer.json().error.code)
        if (answer.statusCode === 429) assert.ok(Number(answer.headers['retry-after']) > 0)
      }
      return codes
    }

    it('ignores X-Forwarded-For without TRUST_PROXY, and counts it with', async () => {
      const direct = await testApp(url, { env: { SIGN_IN_RATE_LIMIT: '3' } })
      try {
        const spoofed = await attempts(direct, (i) => ({
          remoteAddress: '192.0.2.10',
          forwardedFor: `198.51.100.${i + 1}`,
        }))
        assert.deepEqual(spoofed, [
          'ERR_SIGN_IN_FAILED',
          'ERR_SIGN_IN_FAILED',
          'ERR_SIGN_IN_FAILED',
          'ERR_RATE_LIMITED',
        ])
        // The next minute starts afresh.
        direct.clock.advance(60_000)
        const next = await attempts(direct, () => ({ remoteAddress: '192.0.2.10' }))
        assert.equal(next[0], 'ERR_SIGN_IN_FAILED')
      } finally {
        await direct.app.close()
      }
      // The same database: the second app is another process behind a proxy it trusts.
      const store = await openStore(url)
      const behindProxy = await build({
        config: { ...direct.config, signInRateLimit: 3, trustProxy: true },
        store,
        clock: direct.clock,
        logger: false,
      })
      try {
        const viaProxy = { ...direct, app: behindProxy }
        const clients = await attempts(viaProxy, (i) => ({
          remoteAddress: '10.0.0.1',
          forwardedFor: `198.51.100.${i + 1}`,
        }))
        assert.deepEqual(clients, Array(4).fill('ERR_SIGN_IN_FAILED'))
        const oneClient = await attempts(viaProxy, (i) => ({
          remoteAddress: `10.0.0.${i + 1}`,
          forwardedFor: '198.51.100.200',
        }))
        assert.deepEqual(oneClient.slice(3), ['ERR_RATE_LIMITED'])
      } finally {
        await behindProxy.close()
        await store.close()
        await direct.store.close()
      }
    })
  })

  describe(`POST /api/v1/verify per-address limit (${dialect.name})`, () => {
    it('refuses the fourth verification in a minute from one address, counting in the shared store', async () => {
      const url = dialect.url()
      const t = await testApp(url, { env: { VERIFY_RATE_LIMIT: '3' } })
      const stores = [await openStore(url), await openStore(url)] as const
      const first = await build({
        config: t.config,
        store: stores[0],
        clock: t.clock,
        logger: false,
      })
      const second = await build({
        config: t.config,
        store: stores[1],
        clock: t.clock,
        logger: false,
      })
      const address = '198.51.100.7'
      const verify = (app: FastifyInstance, remoteAddress: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/verify',
          remoteAddress,
          payload: { qr: 'HC1:NOT-A-CODE' },
        })
      const minute = Math.floor(t.clock().getTime() / 60_000) * 60_000
      const shared = async () =>
        (
          await stores[1].limitCounters.find(
            { bucket: 'verify.address', key: address, window: new Date(minute).toISOString() },
            t.clock(),
          )
        )?.count
      try {
        for (let i = 0; i < 3; i++) assert.equal((await verify(first, address)).statusCode, 200)
        const fourth = await verify(first, address)
        assert.equal(fourth.statusCode, 429)
        assert.equal(fourth.json().error.code, 'ERR_RATE_LIMITED')
        assert.ok(Number(fourth.headers['retry-after']) > 0)
        assert.equal((await verify(first, '198.51.100.8')).statusCode, 200, 'another address')
        // Closing writes out what is counted: the refused call took nothing.
        await first.close()
        assert.equal(await shared(), 3)
        // The other process adds to the same counter.
        assert.equal((await verify(second, address)).statusCode, 200)
        await second.close()
        assert.equal(await shared(), 4)
      } finally {
        for (const store of stores) await store.close()
        await t.close()
      }
    })
  })

  describe(`per-person quotas (${dialect.name})`, () => {
    let t: TestApp
    let citizenPersonId: string
    before(async () => {
      t = await testApp(dialect.url(), {
        env: {
          QUOTA_OPEN_REQUESTS: '2',
          QUOTA_EVIDENCE_BYTES_PER_DAY: '1024',
          QUOTA_CHECKINS_PER_MINUTE: '3',
          ATTACHMENT_MAX_COUNT: '20',
        },
      })
      const made = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'QUOTA0001', country: 'RU' } }),
      )
      citizenPersonId = made.json().id
      const claimed = await t.request(t.users.citizen, 'POST', '/api/v1/me/claim', {
        document: { type: 'passport', number: 'QUOTA0001', country: 'RU' },
        birthDate: '1985-03-14',
        claimCode: made.json().claimCode,
      })
      assert.equal(claimed.statusCode, 200, claimed.body)
    })
    after(() => t.close())

    const submit = (files: number) =>
      t.request(t.users.citizen, 'POST', `/api/v1/people/${citizenPersonId}/commission-requests`, {
        evidence: { kind: 'antibody', data: antibodies },
        attachments: Array.from({ length: files }, (_, i) => ({
          fileName: `result${i}.png`,
          mediaType: 'image/png',
          content: png.toString('base64'),
        })),
      })

    it('refuses evidence over the bytes per day with ERR_QUOTA_EVIDENCE_BYTES, storing nothing', async () => {
      // 70 bytes a file: 14 files fit in 1024 bytes, 15 do not.
      const tooMuch = await submit(15)
      assert.equal(tooMuch.statusCode, 429, tooMuch.body)
      assert.equal(tooMuch.json().error.code, 'ERR_QUOTA_EVIDENCE_BYTES')
      // The day (UTC) ends at midnight: 2026-11-23T09:00Z + 15 h.
      assert.equal(tooMuch.headers['retry-after'], String(15 * 3600))
      const stored = await t.request(
        t.users.citizen,
        'GET',
        `/api/v1/people/${citizenPersonId}/commission-requests`,
      )
      assert.deepEqual(stored.json().requests, [])
    })

    it('refuses a request over the open requests with ERR_QUOTA_OPEN_REQUESTS', async () => {
      assert.equal((await submit(1)).statusCode, 201)
      assert.equal((await submit(1)).statusCode, 201)
      const third = await submit(1)
      assert.equal(third.statusCode, 429, third.body)
      assert.equal(third.json().error.code, 'ERR_QUOTA_OPEN_REQUESTS')
    })

    it('refuses the fourth check-in in a minute with ERR_QUOTA_CHECKINS', async () => {
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Hermitage',
        category: 'museum',
        address: 'Palace Square 2',
        district: 'RU-SPB-ADM',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      const checkIn = () =>
        t.request(t.users.citizen, 'POST', '/api/v1/checkins', {
          venueCode: venue.json().posterCode,
          clientId: randomUUID(),
        })
      t.clock.set('2026-11-24T10:00:00.000Z')
      for (let i = 0; i < 3; i++) assert.equal((await checkIn()).statusCode, 201)
      const fourth = await checkIn()
      assert.equal(fourth.statusCode, 429, fourth.body)
      assert.equal(fourth.json().error.code, 'ERR_QUOTA_CHECKINS')
      assert.equal(fourth.headers['retry-after'], '60')
      t.clock.advance(60_000)
      assert.equal((await checkIn()).statusCode, 201)
    })
  })
})
