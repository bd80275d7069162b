import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { FixedWindowLimit } from '../domain/limits/fixed-window-limit.js'
import { Lockout, lockoutPolicy } from '../domain/limits/lockout.js'
import { SharedRateCounter } from '../domain/limits/shared-rate-counter.js'
import type { Store } from '../domain/ports.js'
import { forEachDialect } from '../../test/support/dialects.js'
import { openStore } from './open-store.js'

forEachDialect((dialect) => {
  describe(`limit counters (${dialect.name})`, () => {
    let store: Store
    let now = Date.parse('2026-12-06T10:00:00.000Z')
    const clock = () => new Date(now)
    before(async () => (store = await openStore(dialect.url())))
    after(() => store.close())

    it('adds atomically: concurrent increments all count', async () => {
      const id = { bucket: 'test.add', key: 'k', window: 'w' }
      const expires = new Date(now + 60_000)
      await Promise.all(
        Array.from({ length: 20 }, () => store.limitCounters.add(id, 1, expires, clock())),
      )
      assert.equal((await store.limitCounters.find(id, clock()))?.count, 20)
    })

    it('adds to several counters in one write, a counter named twice added to twice', async () => {
      const expires = new Date(now + 60_000)
      const a = { bucket: 'test.many', key: 'a', window: 'w' }
      const b = { bucket: 'test.many', key: 'b', window: 'w' }
      await store.limitCounters.add(a, 2, expires, clock())
      const counts = await store.limitCounters.addMany(
        [
          { counter: a, by: 1, expiresAt: expires },
          { counter: b, by: 4, expiresAt: expires },
          { counter: a, by: 3, expiresAt: expires },
        ],
        clock(),
      )
      assert.deepEqual(counts, [6, 4, 6])
      assert.equal((await store.limitCounters.find(b, clock()))?.count, 4)
      assert.deepEqual(await store.limitCounters.addMany([], clock()), [])
    })

    it('starts an expired counter again in a write of several', async () => {
      const id = { bucket: 'test.many-expiry', key: 'k', window: 'w' }
      await store.limitCounters.add(id, 5, new Date(now + 1000), clock())
      now += 2000
      const [count] = await store.limitCounters.addMany(
        [{ counter: id, by: 1, expiresAt: new Date(now + 1000) }],
        clock(),
      )
      assert.equal(count, 1)
    })

    it('starts an expired counter again and deletes expired ones', async () => {
      const id = { bucket: 'test.expiry', key: 'k', window: 'w' }
      await store.limitCounters.add(id, 5, new Date(now + 1000), clock())
      now += 2000
      assert.equal(await store.limitCounters.find(id, clock()), undefined)
      assert.equal(await store.limitCounters.add(id, 1, new Date(now + 1000), clock()), 1)
      now += 2000
      assert.ok((await store.limitCounters.deleteExpired(clock())) >= 1)
    })

    it('refuses an amount over a fixed window, counts nothing for it, and frees it next window', async () => {
      const limit = new FixedWindowLimit(store.limitCounters, clock, {
        bucket: 'test.window',
        max: 100,
        windowMs: 60_000,
      })
      assert.equal((await limit.take('p', 60)).allowed, true)
      const refused = await limit.take('p', 50)
      assert.deepEqual([refused.allowed, refused.count], [false, 60])
      assert.equal((await limit.take('p', 40)).allowed, true)
      now = Math.ceil(now / 60_000) * 60_000
      assert.equal((await limit.take('p', 100)).allowed, true)
    })

    it('locks after every 5th failure, doubling, and forgets after a reset', async () => {
      const lockout = new Lockout(store.limitCounters, clock, lockoutPolicy('test.lock', 5, 15))
      for (let i = 0; i < 4; i++) assert.equal(await lockout.fail(['a']), undefined)
      const first = await lockout.fail(['a'])
      assert.equal(first?.getTime(), now + 15 * 60_000)
      assert.equal((await lockout.lockedUntil(['b', 'a']))?.getTime(), first?.getTime())
      now += 15 * 60_000
      assert.equal(await lockout.lockedUntil(['a']), undefined)
      for (let i = 0; i < 4; i++) await lockout.fail(['a'])
      assert.equal((await lockout.fail(['a']))?.getTime(), now + 30 * 60_000)
      await lockout.reset(['a'])
      assert.equal(await lockout.lockedUntil(['a']), undefined)
    })

    it('counts a hot path in memory and shares the counts through the store', async () => {
      now = Date.parse('2026-12-06T12:00:10.000Z')
      const options = { bucket: 'test.rate', max: 3, windowMs: 60_000 }
      const first = new SharedRateCounter(store.limitCounters, clock, options)
      const second = new SharedRateCounter(store.limitCounters, clock, options)
      assert.deepEqual(
        [first.take('p'), first.take('p'), first.take('p'), first.take('p')].map((t) => t.allowed),
        [true, true, true, false],
      )
      await first.flush()
      // The second process learns the shared count from its first write-out.
      assert.equal(second.take('p').allowed, true)
      await second.flush()
      assert.equal(second.take('p').allowed, false)
      now += 60_000
      assert.equal(first.take('p').allowed, true)
      await first.flush()
    })

    it('keeps the counts of a write-out that failed for the next one', async () => {
      let down = true
      const counters = Object.create(store.limitCounters) as typeof store.limitCounters
      counters.addMany = (additions, at) =>
        down
          ? Promise.reject(new Error('the database is down'))
          : store.limitCounters.addMany(additions, at)
      const failures: unknown[] = []
      const options = { bucket: 'test.shared-retry', max: 10, windowMs: 60_000 }
      const counter = new SharedRateCounter(counters, clock, options, (e) => failures.push(e))
      counter.take('q')
      counter.take('q')
      await counter.flush()
      assert.equal(failures.length, 1)
      down = false
      counter.take('q')
      await counter.flush()
      const window = new Date(Math.floor(now / 60_000) * 60_000).toISOString()
      const stored = await store.limitCounters.find(
        { bucket: options.bucket, key: 'q', window },
        clock(),
      )
      assert.equal(stored?.count, 3)
    })
  })
})
