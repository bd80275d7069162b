import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { constants, deflateRawSync, deflateSync, gzipSync, inflateSync } from 'node:zlib'
import { assertSameBytes } from '../../../test/assert-bytes.js'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import { seededRandom, type SeededRandom } from '../../../test/seeded-random.js'
import { Hc1Error } from './errors.js'
import { INFLATE_LIMIT, deflateZlib, inflateZlib } from './inflate.js'

const SEED = 0x1f1a7e

/** Kinds of payload that exercise different deflate block types and code lengths. */
const payloads: Record<string, (random: SeededRandom, length: number) => Uint8Array> = {
  zeros: (_, length) => new Uint8Array(length),
  random: (random, length) => random.bytes(length),
  text: (random, length) => {
    const words = ['vaccination', 'recovery', 'test', 'Musterfrau', 'EU/1/20/1528', '2021-05-03']
    let text = ''
    while (text.length < length) text += random.pick(words) + (random.int(4) === 0 ? '\n' : ' ')
    return new Uint8Array(Buffer.from(text.slice(0, length), 'latin1'))
  },
  // A steep distribution over all 256 byte values gives Huffman codes up to the 15-bit maximum,
  // longer than any single table lookup covers.
  skewed: (random, length) => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      let symbol = 0
      while (symbol < 255 && random.next() < 0.55) symbol++
      out[i] = symbol
    }
    return out
  },
}

/** The zlib trailer: the Adler-32 of the data, big-endian (RFC 1950 section 2.2). */
function adler32(bytes: Uint8Array): Uint8Array {
  let a = 1
  let b = 0
  for (const byte of bytes) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  const value = ((b << 16) | a) >>> 0
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
}

/** A zlib stream around a raw deflate stream, with the trailer computed for `data`. */
function zlibStream(deflated: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0x78, 0x9c]), deflated, adler32(data)]))
}

/** A stored block (RFC 1951 section 3.2.4): header bits, LEN, NLEN, the bytes. */
function storedBlock(bytes: Uint8Array, final: boolean): Uint8Array {
  const length = bytes.length
  return new Uint8Array([
    final ? 0x01 : 0x00,
    length & 0xff,
    length >> 8,
    ~length & 0xff,
    (~length >> 8) & 0xff,
    ...bytes,
  ])
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Asserts that inflating `compressed` fails with `code`, and returns the error. */
function assertRejects(compressed: Uint8Array, code: Hc1Error['code'], what = ''): void {
  assert.throws(
    () => inflateZlib(compressed),
    { name: 'Hc1Error', code, stage: 'decompress' },
    what,
  )
}

/**
 * Inflates with node's zlib as the reference: the bytes, or undefined when zlib refuses the stream.
 * zlib reads past the end of the stream without complaint; only the stream itself is compared.
 */
function referenceInflate(compressed: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(inflateSync(compressed))
  } catch {
    return undefined
  }
}

describe('inflateZlib', () => {
  it(`round-trips deflateSync output at every level for every kind of payload (seed ${SEED})`, () => {
    const random = seededRandom(SEED)
    for (const [kind, make] of Object.entries(payloads)) {
      for (const length of [0, 1, 2, 3, 100, 1000, 10_000, 60_000]) {
        const data = make(random, length)
        for (let level = 0; level <= 9; level++) {
          const inflated = inflateZlib(deflateSync(data, { level }))
          assertSameBytes(
            inflated,
            data,
            `${kind}, ${length} bytes, level ${level} does not round-trip`,
          )
        }
      }
    }
  })

  it(`round-trips every deflate strategy, window size and memory level (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 1)
    const strategies = {
      filtered: constants.Z_FILTERED,
      huffmanOnly: constants.Z_HUFFMAN_ONLY,
      rle: constants.Z_RLE,
      fixed: constants.Z_FIXED,
    }
    for (const [kind, make] of Object.entries(payloads)) {
      const data = make(random, 20_000)
      for (const [name, strategy] of Object.entries(strategies)) {
        const inflated = inflateZlib(deflateSync(data, { strategy }))
        assertSameBytes(inflated, data, `${kind} with strategy ${name}`)
      }
      for (let windowBits = 9; windowBits <= 15; windowBits++) {
        for (const memLevel of [1, 9]) {
          const inflated = inflateZlib(deflateSync(data, { windowBits, memLevel, level: 9 }))
          assertSameBytes(inflated, data, `${kind}, window ${windowBits}`)
        }
      }
    }
  })

  it('round-trips a real COSE_Sign1 (common/CO1) through deflateZlib', () => {
    const cose = getDgcVector('common/CO1').cose
    assert.ok(cose)
    assertSameBytes(inflateZlib(deflateZlib(cose)), cose)
  })

  it(`round-trips random, incompressible data through deflateZlib (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 2)
    for (const length of [0, 1, 17, 255, 256, 1000, 4000, 30_000, INFLATE_LIMIT]) {
      const data = random.bytes(length)
      assertSameBytes(inflateZlib(deflateZlib(data)), data, `${length} bytes`)
    }
  })

  it('writes streams that zlib itself reads (deflateZlib)', () => {
    const data = payloads.text?.(seededRandom(SEED + 3), 5000) ?? new Uint8Array(0)
    const compressed = deflateZlib(data)
    assert.equal(hex(compressed.subarray(0, 1)), '78')
    assertSameBytes(inflateSync(compressed), data)
  })

  it('reads stored blocks, including empty ones, before a final block', () => {
    const first = new Uint8Array(Buffer.from('first '))
    const second = new Uint8Array(Buffer.from('second'))
    const data = new Uint8Array(Buffer.concat([first, second]))
    const deflated = Buffer.concat([
      storedBlock(new Uint8Array(0), false),
      storedBlock(first, false),
      storedBlock(new Uint8Array(0), false),
      storedBlock(second, true),
    ])
    assertSameBytes(inflateZlib(zlibStream(deflated, data)), data)
  })

  it('reads a final empty stored block', () => {
    const data = new Uint8Array(0)
    assertSameBytes(inflateZlib(zlibStream(storedBlock(data, true), data)), data)
  })

  it('reads a stream whose blocks came from two compressors (a sync flush between)', () => {
    const random = seededRandom(SEED + 4)
    const first = payloads.skewed?.(random, 3000) ?? new Uint8Array(0)
    const second = payloads.text?.(random, 3000) ?? new Uint8Array(0)
    const deflated = Buffer.concat([
      deflateRawSync(first, { finishFlush: constants.Z_SYNC_FLUSH }),
      deflateRawSync(second, { strategy: constants.Z_FIXED }),
    ])
    const data = new Uint8Array(Buffer.concat([first, second]))
    assertSameBytes(inflateZlib(zlibStream(deflated, data)), data)
  })

  it('returns a fresh array each time, never a view of a buffer it reuses', () => {
    const one = new Uint8Array(Buffer.from('one one one one'))
    const two = new Uint8Array(Buffer.from('two two two two two two'))
    const first = inflateZlib(deflateSync(one))
    const second = inflateZlib(deflateSync(two))
    assertSameBytes(first, one)
    assertSameBytes(second, two)
    first.fill(0)
    assertSameBytes(inflateZlib(deflateSync(two)), two)
    assertSameBytes(second, two)
  })

  describe('without a zlib header', () => {
    const data = new Uint8Array(Buffer.from('a payload that should have had a zlib header'))

    const cases: [string, Uint8Array][] = [
      ['no bytes', new Uint8Array(0)],
      ['a single byte', new Uint8Array([0x78])],
      ['a raw deflate stream', new Uint8Array(deflateRawSync(data))],
      ['a gzip stream', new Uint8Array(gzipSync(data))],
      ['an uncompressed COSE_Sign1 (d2 84 …), as in common/Z2', new Uint8Array([0xd2, 0x84, 0x43])],
      ['a header whose check bits are wrong (78 9d)', new Uint8Array([0x78, 0x9d, 0x03, 0x00])],
      ['compression method 7, not 8', withHeader(0x77)],
      ['a window over 32 KiB (CINFO 8)', withHeader(0x88)],
    ]
    for (const [what, compressed] of cases) {
      it(`rejects ${what} with ERR_HC1_NOT_COMPRESSED`, () => {
        assertRejects(compressed, 'ERR_HC1_NOT_COMPRESSED')
      })
    }
  })

  it('rejects a stream that needs a preset dictionary with ERR_HC1_INFLATE', () => {
    const data = Buffer.from('hello hello hello')
    assertRejects(deflateSync(data, { dictionary: Buffer.from('hello') }), 'ERR_HC1_INFLATE')
  })

  it('rejects a stream truncated at every length (ERR_HC1_INFLATE once past the header)', () => {
    const data = payloads.text?.(seededRandom(SEED + 5), 700) ?? new Uint8Array(0)
    for (const compressed of [deflateSync(data), deflateSync(data, { level: 0 })]) {
      for (let length = 0; length < compressed.length; length++) {
        const code = length < 2 ? 'ERR_HC1_NOT_COMPRESSED' : 'ERR_HC1_INFLATE'
        assertRejects(compressed.subarray(0, length), code, `truncated to ${length} bytes`)
      }
    }
  })

  it('rejects a corrupted Adler-32 trailer with ERR_HC1_INFLATE', () => {
    const data = Buffer.from('a DCC payload, or near enough '.repeat(20))
    const compressed = deflateSync(data)
    for (let back = 1; back <= 4; back++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const corrupted = new Uint8Array(compressed)
        corrupted[corrupted.length - back] = (corrupted[corrupted.length - back] as number) ^ mask
        assertRejects(corrupted, 'ERR_HC1_INFLATE', `trailer byte -${back} ^ ${mask}`)
      }
    }
  })

  it('rejects bytes after the Adler-32 trailer with ERR_HC1_INFLATE', () => {
    // One QR code carries one zlib stream; anything after it is not part of the certificate.
    const compressed = deflateSync(Buffer.from('hello hello hello'))
    for (const extra of [[0x00], [0x01, 0x02, 0x03], [...compressed]]) {
      assertRejects(
        new Uint8Array([...compressed, ...extra]),
        'ERR_HC1_INFLATE',
        hex(new Uint8Array(extra)),
      )
    }
  })

  it('rejects a stored block whose length and its complement disagree', () => {
    const data = new Uint8Array(Buffer.from('stored'))
    const block = storedBlock(data, true)
    block[3] = (block[3] as number) ^ 0x01
    assertRejects(zlibStream(block, data), 'ERR_HC1_INFLATE')
  })

  it('rejects the reserved block type 3', () => {
    assertRejects(zlibStream(new Uint8Array([0x07, 0x00]), new Uint8Array(0)), 'ERR_HC1_INFLATE')
  })

  it('rejects a match that reaches back before the start of the output', () => {
    // Fixed Huffman block: length code 257 (3 bytes), distance code 0 (1 back) with nothing before.
    // Bits, LSB first: BFINAL 1, BTYPE 01, then 0000001 (257), then 00000 (distance 0).
    assertRejects(
      zlibStream(new Uint8Array([0x03, 0x02, 0x00, 0x00]), new Uint8Array(0)),
      'ERR_HC1_INFLATE',
    )
  })

  it(`agrees with zlib on every single-byte corruption of a stream (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 6)
    const data = payloads.skewed?.(random, 400) ?? new Uint8Array(0)
    const text = payloads.text?.(random, 400) ?? new Uint8Array(0)
    const streams = [
      deflateSync(data, { level: 9 }),
      deflateSync(text, { strategy: constants.Z_FIXED }),
      deflateSync(text, { level: 0 }),
    ]
    let compared = 0
    for (const stream of streams) {
      for (let i = 2; i < stream.length - 4; i++) {
        for (const mask of [0x01, 0x80, 1 + random.int(255)]) {
          const corrupted = new Uint8Array(stream)
          corrupted[i] = (corrupted[i] as number) ^ mask
          compareWithZlib(corrupted, `byte ${i} ^ ${mask} of ${hex(stream.subarray(0, 8))}…`)
          compared++
        }
      }
    }
    assert.ok(compared > 1000)
  })

  it(`agrees with zlib on random bytes behind a valid zlib header (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 7)
    for (let n = 0; n < 1000; n++) {
      const compressed = new Uint8Array([0x78, 0x9c, ...random.bytes(1 + random.int(64))])
      compareWithZlib(compressed, hex(compressed))
    }
  })

  it('stops a decompression bomb (10 MB of zeros) with ERR_HC1_INFLATE_LIMIT', () => {
    for (const level of [1, 9]) {
      assertRejects(deflateSync(Buffer.alloc(10 * 1024 * 1024), { level }), 'ERR_HC1_INFLATE_LIMIT')
    }
  })

  it('accepts exactly INFLATE_LIMIT bytes, from matches, literals or stored blocks', () => {
    const random = seededRandom(SEED + 8)
    for (const [what, data, level] of [
      ['zeros', new Uint8Array(INFLATE_LIMIT), 9],
      ['random bytes', random.bytes(INFLATE_LIMIT), 9],
      ['stored blocks', random.bytes(INFLATE_LIMIT), 0],
    ] as const) {
      const inflated = inflateZlib(deflateSync(data, { level }))
      assert.equal(inflated.length, INFLATE_LIMIT, what)
      assertSameBytes(inflated, data, what)
    }
  })

  it('rejects INFLATE_LIMIT + 1 bytes with ERR_HC1_INFLATE_LIMIT, from matches, literals or stored blocks', () => {
    const random = seededRandom(SEED + 9)
    for (const [what, data, level] of [
      ['zeros', new Uint8Array(INFLATE_LIMIT + 1), 9],
      ['random bytes', random.bytes(INFLATE_LIMIT + 1), 9],
      ['stored blocks', random.bytes(INFLATE_LIMIT + 1), 0],
      ['text', payloads.text?.(random, INFLATE_LIMIT + 1) ?? new Uint8Array(0), 6],
    ] as const) {
      assertRejects(deflateSync(data, { level }), 'ERR_HC1_INFLATE_LIMIT', what)
    }
  })

  it('keeps INFLATE_LIMIT at 64 KiB', () => {
    assert.equal(INFLATE_LIMIT, 65536)
  })
})

/** The zlib header `cmf` with the FLG byte that makes its check bits right, then a stored block. */
function withHeader(cmf: number): Uint8Array {
  const flg = 31 - ((cmf << 8) % 31)
  return new Uint8Array([
    cmf,
    flg === 31 ? 0 : flg,
    ...storedBlock(new Uint8Array([1]), true),
    0,
    2,
    0,
    2,
  ])
}

/**
 * zlib is the reference: where it inflates the stream, inflateZlib must give the same bytes; where
 * it refuses, inflateZlib must refuse too, with an error of the decompress stage.
 */
function compareWithZlib(compressed: Uint8Array, what: string): void {
  const expected = referenceInflate(compressed)
  let actual: Uint8Array | undefined
  try {
    actual = inflateZlib(compressed)
  } catch (error) {
    if (!(error instanceof Hc1Error) || error.stage !== 'decompress') {
      assert.fail(`${what}: threw ${String(error)} instead of a decompress Hc1Error`)
    }
  }
  if (expected === undefined) {
    assert.equal(actual, undefined, `${what}: zlib refuses the stream but inflateZlib accepts it`)
  } else if (expected.length <= INFLATE_LIMIT) {
    assert.ok(actual !== undefined, `${what}: zlib inflates the stream but inflateZlib refuses it`)
    assertSameBytes(actual, expected, `${what}: inflateZlib and zlib disagree`)
  }
}
