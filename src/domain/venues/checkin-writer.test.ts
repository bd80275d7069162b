import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { openStore } from '../../storage/open-store.js'
import type { Store } from '../ports.js'
import { CheckinWriter } from './checkin-writer.js'
import type { Checkin } from './venue.js'

const checkin = (id: string, at = '2026-11-23T09:00:00.000Z'): Checkin => ({
  id,
  venueId: 'venue-1',
  personId: undefined,
  subject: undefined,
  method: 'scan',
  at,
  colour: 'green',
  entryAllowed: true,
  recordedAt: at,
})
const counters = [{ day: '2026-11-23', district: 'SH-PD', metric: 'checkins', by: 1 }]

forEachDialect((dialect) => {
  describe(`the check-in group committer (${dialect.name})`, () => {
    let store: Store
    before(async () => {
      store = await openStore(dialect.url())
    })
    after(() => store.close())

    async function counted(): Promise<number> {
      const rows = await store.transaction((tx) =>
        tx.counters.read({ from: '2026-11-23', until: '2026-11-23', metrics: ['checkins'] }),
      )
      return rows.reduce((sum, row) => sum + row.value, 0)
    }

    it('writes a burst of concurrent check-ins in few transactions, each once, counted once', async () => {
      const writer = new CheckinWriter(store, 300)
      const ids = Array.from({ length: 1000 }, () => randomUUID())
      const before = await counted()
      const answers = await Promise.all(ids.map((id) => writer.write(checkin(id), counters)))
      assert.ok(answers.every((inserted) => inserted))
      assert.equal((await counted()) - before, 1000)
      for (const id of [ids[0], ids[999]] as string[]) {
        assert.equal((await store.transaction((tx) => tx.checkins.find(id)))?.id, id)
      }
    })

    it('answers a re-sent check-in as a duplicate, within a batch and across batches', async () => {
      const writer = new CheckinWriter(store)
      const id = randomUUID()
      const before = await counted()
      const [first, second] = await Promise.all([
        writer.write(checkin(id), counters),
        writer.write(checkin(id), counters),
      ])
      assert.deepEqual([first, second], [true, false])
      assert.equal(await writer.write(checkin(id), counters), false)
      assert.equal((await counted()) - before, 1)
    })

    it('rejects every check-in of a batch the store refuses, and keeps working after', async () => {
      const writer = new CheckinWriter(store)
      const broken = { ...checkin(randomUUID()), venueId: null as unknown as string }
      const good = checkin(randomUUID())
      const results = await Promise.allSettled([
        writer.write(broken, counters),
        writer.write(good, counters),
      ])
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      )
      assert.equal(await store.transaction((tx) => tx.checkins.find(good.id)), undefined)
      assert.equal(await writer.write(good, counters), true)
    })
  })
})
