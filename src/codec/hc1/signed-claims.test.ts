import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isoTime } from './signed-claims.js'

describe('isoTime', () => {
  it('writes whole seconds exactly as Date.prototype.toISOString does, from 1970 to 9999', () => {
    const samples = [
      0, 59, 60, 86_399, 86_400, 951_782_400, 951_868_800, 1_620_324_000, 4_102_444_800,
      253_402_300_799,
    ]
    // A fixed-step walk over the whole range, leap days and century years included.
    for (let seconds = 0; seconds < 253_402_300_800; seconds += 86_400 * 97 + 3_607) {
      samples.push(seconds)
    }
    for (const seconds of samples) {
      assert.equal(isoTime(seconds), new Date(seconds * 1000).toISOString(), `at ${seconds}`)
    }
  })

  it('writes fractional, negative and six-digit-year times as toISOString does', () => {
    for (const seconds of [1.5, -1, -86_401, 253_402_300_800, 1_620_324_000.25]) {
      assert.equal(isoTime(seconds), new Date(seconds * 1000).toISOString())
    }
  })

  it('gives undefined for no time and for one beyond the range of a Date', () => {
    assert.equal(isoTime(undefined), undefined)
    assert.equal(isoTime(1e20), undefined)
  })
})
