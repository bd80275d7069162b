import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import type { LimitCounterStore } from '../../domain/limits/limit-counter-store.js'
import { RedisLimitCounterStore } from './redis-limit-counter-store.js'

// Runs when TEST_REDIS_URL names a Redis server (as in CI); each run counts in its own namespace.
const url = process.env['TEST_REDIS_URL']

describe(
  'RedisLimitCounterStore',
  { skip: url === undefined && 'TEST_REDIS_URL is not set' },
  () => {
    let redis: Redis
    let secondConnection: Redis
    let counters: LimitCounterStore
    let other: LimitCounterStore
    before(() => {
      redis = new Redis(url as string)
      const namespace = `test-${randomUUID()}`
      counters = new RedisLimitCounterStore(redis, namespace)
      // A second store on another connection, as another server process would have.
      secondConnection = redis.duplicate()
      other = new RedisLimitCounterStore(secondConnection, namespace)
    })
    after(async () => {
      await redis.quit()
      await secondConnection.quit()
    })

    it('adds atomically across connections and reads the count and expiry back', async () => {
      const id = { bucket: 'sign-in.address', key: '127.0.0.1', window: '2026-12-06T10:00:00.000Z' }
      const expiresAt = new Date(Date.now() + 60_000)
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : counters).add(id, 1, expiresAt, new Date()),
        ),
      )
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      )
      const found = await other.find(id, new Date())
      assert.equal(found?.count, 20)
      assert.equal(found?.expiresAt.getTime(), expiresAt.getTime())
    })

    it('gives back with a negative amount', async () => {
      const id = { bucket: 'quota', key: 'p1', window: 'w' }
      const expiresAt = new Date(Date.now() + 60_000)
      await counters.add(id, 5, expiresAt, new Date())
      assert.equal(await counters.add(id, -2, expiresAt, new Date()), 3)
    })

    it('starts an expired counter again from the amount added', async () => {
      const id = { bucket: 'quota', key: 'p2', window: 'w' }
      await counters.add(id, 7, new Date(Date.now() + 50), new Date())
      await new Promise((resolve) => setTimeout(resolve, 120))
      assert.equal(await counters.find(id, new Date()), undefined)
      assert.equal(await counters.add(id, 1, new Date(Date.now() + 60_000), new Date()), 1)
    })

    it('clears a key in every window of its bucket and nothing else', async () => {
      const expiresAt = new Date(Date.now() + 60_000)
      for (const window of ['a', 'b', 'c']) {
        await counters.add(
          { bucket: 'claim.account:fail', key: 'acc-1', window },
          1,
          expiresAt,
          new Date(),
        )
      }
      const kept = { bucket: 'claim.account:fail', key: 'acc-2', window: 'a' }
      await counters.add(kept, 1, expiresAt, new Date())
      await counters.clear('claim.account:fail', 'acc-1')
      for (const window of ['a', 'b', 'c']) {
        assert.equal(
          await counters.find({ bucket: 'claim.account:fail', key: 'acc-1', window }, new Date()),
          undefined,
        )
      }
      assert.equal((await counters.find(kept, new Date()))?.count, 1)
    })
  },
)
