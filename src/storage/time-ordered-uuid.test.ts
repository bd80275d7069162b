import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { timeOrderedUuid } from './time-ordered-uuid.js'

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('time-ordered UUIDs', () => {
  it('are version 7 UUIDs whose first 48 bits are the milliseconds given', () => {
    const ms = Date.parse('2026-12-07T20:00:00.123Z')
    const id = timeOrderedUuid(ms)
    assert.match(id, VERSION_7)
    assert.equal(Number.parseInt(id.replace('-', '').slice(0, 12), 16), ms)
  })

  it('sort in time order across milliseconds, and differ within one', () => {
    const start = Date.parse('2026-12-07T20:00:00.000Z')
    const ids = Array.from({ length: 5_000 }, (_, i) => timeOrderedUuid(start + Math.floor(i / 5)))
    // Made in time order, sorted they keep their times' order.
    const time = (id: string) => id.slice(0, 13)
    assert.deepEqual([...ids].sort().map(time), ids.map(time))
    for (let i = 5; i < ids.length; i += 5) {
      assert.ok((ids[i - 1] as string) < (ids[i] as string), `${ids[i - 1]} < ${ids[i]}`)
    }
    assert.equal(new Set(ids).size, ids.length)
    for (const id of ids) assert.match(id, VERSION_7)
  })
})
