import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalJson } from './canonical-json.js'

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members by name and writes no whitespace, at every depth', () => {
    assert.equal(
      canonicalJson({ timestamp: 't', kid: 'k', nested: { b: [2, { z: 1, a: 0 }], a: null } }),
      '{"kid":"k","nested":{"a":null,"b":[2,{"a":0,"z":1}]},"timestamp":"t"}',
    )
  })

  it('sorts by UTF-16 code units, not by code points (RFC 8785 section 3.2.3)', () => {
    // U+FB01 comes before U+1F600 by code point, but after its first UTF-16 unit, 0xD83D.
    assert.equal(
      canonicalJson({ '\ufb01': 2, '😀': 1, Z: 3, a: 4 }),
      '{"Z":3,"a":4,"😀":1,"\ufb01":2}',
    )
  })

  it('writes strings and numbers as JSON.stringify does', () => {
    assert.equal(canonicalJson('line\n"quoted"\u0001'), '"line\\n\\"quoted\\"\\u0001"')
    assert.equal(canonicalJson([1e21, 0.1, -0, 100]), '[1e+21,0.1,0,100]')
  })

  it('leaves out members whose value is undefined', () => {
    assert.equal(canonicalJson({ a: undefined, b: true }), '{"b":true}')
  })

  it('refuses what JSON cannot hold', () => {
    for (const value of [NaN, Infinity, 1n, () => 0]) {
      assert.throws(() => canonicalJson(value), TypeError)
    }
  })
})
