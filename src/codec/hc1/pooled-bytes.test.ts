import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pooledBytes } from './pooled-bytes.js'

describe('pooledBytes', () => {
  it('hands out zero-filled arrays of the asked length whose bytes no other array shares', () => {
    const arrays: Uint8Array[] = []
    for (let n = 0; n < 200; n++) {
      const bytes = pooledBytes(n * 13)
      assert.equal(bytes.length, n * 13)
      assert.ok(bytes.every((byte) => byte === 0))
      bytes.fill(n & 0xff)
      arrays.push(bytes)
    }
    // Every array still holds what was written into it: no region was handed out twice.
    arrays.forEach((bytes, n) =>
      assert.ok(
        bytes.every((byte) => byte === (n & 0xff)),
        `${n}`,
      ),
    )
  })

  it('gives large arrays a buffer of their own', () => {
    const bytes = pooledBytes(100_000)
    assert.equal(bytes.length, 100_000)
    assert.equal(bytes.byteOffset, 0)
    assert.equal(bytes.buffer.byteLength, 100_000)
  })
})
