import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IsoFormatter } from './iso-time.js'
import { SeededRandom, streamSeed } from './seeded-random.js'
import { WeightedPicker } from './weighted-picker.js'

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new SeededRandom(42)
    const b = new SeededRandom(42)
    const c = new SeededRandom(43)
    const first = Array.from({ length: 5 }, () => a.uint32())
    assert.deepEqual(
      Array.from({ length: 5 }, () => b.uint32()),
      first,
    )
    assert.notDeepEqual(
      Array.from({ length: 5 }, () => c.uint32()),
      first,
    )
  })

  it('makes version 7 UUIDs that begin with the time and ascend with it', () => {
    const random = new SeededRandom(1)
    const ms = Date.parse('2026-11-30T10:00:00.000Z')
    const ids = [ms, ms + 1, ms + 60_000, ms + 86_400_000].map((t) => random.uuidAt(t))
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
    assert.equal(
      (ids[0] as string).replace('-', '').slice(0, 12),
      ms.toString(16).padStart(12, '0'),
    )
    assert.deepEqual([...ids].sort(), ids)
  })

  it('makes 22-character base64url tokens', () => {
    assert.match(new SeededRandom(5).token16(), /^[A-Za-z0-9_-]{22}$/)
  })

  it('gives each stream, and each appended batch, a seed of its own', () => {
    const seeds = new Set([
      streamSeed(1, 'people', 0),
      streamSeed(1, 'checkins', 0),
      streamSeed(1, 'people', 2_000),
      streamSeed(2, 'people', 0),
    ])
    assert.equal(seeds.size, 4)
    assert.equal(streamSeed(1, 'people', 0), streamSeed(1, 'people', 0))
  })
})

describe('IsoFormatter', () => {
  it('writes what toISOString writes, across minutes, days and years', () => {
    const random = new SeededRandom(9)
    const formatter = new IsoFormatter()
    let ms = Date.parse('2025-12-31T23:58:00.000Z')
    for (let i = 0; i < 20_000; i++) {
      ms += random.int(i % 100 === 0 ? 90_000 : 2_000)
      assert.equal(formatter.format(ms), new Date(ms).toISOString())
    }
  })
})

describe('WeightedPicker', () => {
  it('picks in proportion to the weights and never a weight of zero', () => {
    const picker = new WeightedPicker([1, 0, 3])
    const random = new SeededRandom(3)
    const counts = new Int32Array(3)
    for (let i = 0; i < 40_000; i++) {
      const index = picker.pick(random.next())
      counts[index] = (counts[index] ?? 0) + 1
    }
    assert.equal(counts[1], 0)
    assert.ok(Math.abs((counts[2] as number) / (counts[0] as number) - 3) < 0.2, String(counts))
  })

  it('refuses weights that are all zero', () => {
    assert.throws(() => new WeightedPicker([0, 0]), RangeError)
  })
})
