import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CityGenerator } from './city-generator.js'

function cityWithPeople(): CityGenerator {
  const city = new CityGenerator({
    people: 300,
    checkins: 2_000,
    seed: 5,
    now: new Date('2026-11-30T10:00:00.000Z'),
    firstIndex: 0,
  })
  city.companies()
  city.venues()
  city.people(0, 300)
  return city
}

describe('CityGenerator', () => {
  it('writes the JSON of check-ins as JSON.stringify writes the same rows', () => {
    const asRows = cityWithPeople()
    const asJson = cityWithPeople()
    for (const count of [700, 1, 1_299]) {
      const rows = asRows.checkins(count)
      assert.equal(rows.length, count)
      assert.equal(asJson.checkinsJson(count), JSON.stringify(rows))
    }
    assert.deepEqual(asJson.counters(), asRows.counters())
  })
})
