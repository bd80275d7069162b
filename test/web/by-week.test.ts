import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { byWeekWhenLong } from '../../web/src/components/by-week.js'

const days = (count: number, first = '2026-09-01') =>
  Array.from({ length: count }, (_, index) => ({
    day: new Date(Date.parse(`${first}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10),
    value: 1,
  }))

describe('byWeekWhenLong (web/src/components/by-week.ts)', () => {
  it('keeps one bar a day up to 30 days', () => {
    assert.equal(byWeekWhenLong(days(30)).length, 30)
  })

  it('sums 90 days into Monday-to-Sunday weeks, losing no count', () => {
    // 2026-09-01 is a Tuesday: the first week has 6 days, then 12 whole weeks.
    const weeks = byWeekWhenLong(days(90))
    assert.equal(weeks.length, 13)
    assert.deepEqual(weeks[0], { from: '2026-09-01', until: '2026-09-06', value: 6 })
    assert.deepEqual(weeks[1], { from: '2026-09-07', until: '2026-09-13', value: 7 })
    assert.equal(
      weeks.reduce((sum, week) => sum + week.value, 0),
      90,
    )
  })
})
