import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { assertSameBytes } from '../../../test/assert-bytes.js'
import { seededRandom } from '../../../test/seeded-random.js'
import { Hc1Error } from './errors.js'
import { inflateRaw } from './inflate-raw.js'

const SEED = 0x1f1a7f

/** Writes bits least significant first, as DEFLATE packs them (RFC 1951 section 3.1.1). */
class BitWriter {
  readonly #bytes: number[] = []
  #bit = 0

  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) {
      if (this.#bit === 0) this.#bytes.push(0)
      if ((value >> i) & 1) {
        const last = this.#bytes.length - 1
        this.#bytes[last] = (this.#bytes[last] as number) | (1 << this.#bit)
      }
      this.#bit = (this.#bit + 1) & 7
    }
    return this
  }

  /** A Huffman code, most significant bit first (section 3.1.1). */
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bits((code >> i) & 1, 1)
    return this
  }

  done(): Uint8Array {
    return new Uint8Array(this.#bytes)
  }
}

/** The canonical codes of a set of code lengths (section 3.2.2). */
function canonicalCodes(lengths: readonly number[]): number[] {
  const count = new Array<number>(16).fill(0)
  for (const length of lengths) if (length) count[length] = (count[length] as number) + 1
  const next = new Array<number>(16).fill(0)
  let code = 0
  for (let bits = 1; bits < 16; bits++) {
    next[bits] = code
    code = (code + (count[bits] as number)) << 1
  }
  return lengths.map((length) => {
    if (!length) return 0
    const code = next[length] as number
    next[length] = code + 1
    return code
  })
}

/**
 * A final dynamic block (section 3.2.7) with the given literal/length and distance code lengths,
 * sent with a code length code in which the lengths 0–15 each have a 4-bit code, then the
 * literals of `text` and the end-of-block code.
 */
function dynamicBlock(
  literalLengths: readonly number[],
  distanceLengths: readonly number[],
  text: readonly number[],
  header: { hlit?: number; hdist?: number } = {},
  beforeEnd?: (writer: BitWriter, literalCodes: readonly number[]) => void,
): Uint8Array {
  const writer = new BitWriter().bits(1, 1).bits(2, 2)
  writer.bits((header.hlit ?? literalLengths.length) - 257, 5)
  writer.bits((header.hdist ?? distanceLengths.length) - 1, 5)
  writer.bits(19 - 4, 4)
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
  for (const symbol of order) writer.bits(symbol < 16 ? 4 : 0, 3)
  for (const length of [...literalLengths, ...distanceLengths]) writer.code(length, 4)
  const codes = canonicalCodes(literalLengths)
  for (const symbol of text) writer.code(codes[symbol] as number, literalLengths[symbol] as number)
  beforeEnd?.(writer, codes)
  writer.code(codes[256] as number, literalLengths[256] as number)
  return writer.done()
}

/** zlib's verdict on raw DEFLATE data: the bytes, or undefined when it refuses them. */
function zlibVerdict(raw: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(inflateRawSync(raw))
  } catch {
    return undefined
  }
}

/** Asserts that `inflateRaw` accepts what zlib accepts, with the same bytes, and refuses the rest. */
function agreesWithZlib(raw: Uint8Array, what: string): 'accepted' | 'refused' {
  const expected = zlibVerdict(raw)
  let actual: Uint8Array | undefined
  try {
    actual = inflateRaw(raw, 0, 65536).bytes
  } catch (error) {
    assert.ok(error instanceof Hc1Error, `${what}: ${String(error)}`)
    assert.equal(error.code, 'ERR_HC1_INFLATE', what)
  }
  if (expected === undefined) {
    assert.equal(actual, undefined, `${what}: zlib refuses it, inflateRaw accepts it`)
    return 'refused'
  }
  assert.ok(actual !== undefined, `${what}: zlib accepts it, inflateRaw refuses it`)
  assertSameBytes(actual, expected, what)
  return 'accepted'
}

/** Literal/length code lengths: 'a', 'b' and end-of-block, complete (1 + 2 + 2 bits). */
function threeSymbolLengths(): number[] {
  const lengths = new Array<number>(257).fill(0)
  lengths[97] = 1
  lengths[98] = 2
  lengths[256] = 2
  return lengths
}

describe('inflateRaw', () => {
  it('reads a dynamic block written bit by bit, as zlib does', () => {
    const raw = dynamicBlock(threeSymbolLengths(), [1, 1], [97, 98, 97])
    assert.equal(agreesWithZlib(raw, 'complete codes'), 'accepted')
    assertSameBytes(inflateRaw(raw, 0, 100).bytes, new Uint8Array([97, 98, 97]))
  })

  it('accepts, as zlib does, a distance code of one 1-bit code, and one with no codes at all', () => {
    assert.equal(agreesWithZlib(dynamicBlock(threeSymbolLengths(), [1], [97]), 'one'), 'accepted')
    assert.equal(agreesWithZlib(dynamicBlock(threeSymbolLengths(), [0], [98]), 'none'), 'accepted')
  })

  it('refuses, as zlib does, over-subscribed and incomplete literal/length codes', () => {
    const over = threeSymbolLengths()
    over[99] = 1
    assert.equal(agreesWithZlib(dynamicBlock(over, [1, 1], [97]), 'over-subscribed'), 'refused')
    const incomplete = threeSymbolLengths()
    incomplete[98] = 3
    assert.equal(agreesWithZlib(dynamicBlock(incomplete, [1, 1], [97]), 'incomplete'), 'refused')
  })

  it('refuses, as zlib does, the unused pattern of a one-code distance code, whatever came before', () => {
    // A code before it whose two 1-bit distance codes filled both entries of the distance table.
    assert.equal(
      agreesWithZlib(dynamicBlock(threeSymbolLengths(), [1, 1], [97]), 'two'),
      'accepted',
    )
    // 'a' in 1 bit, end-of-block and length 3 (257) in 2; one distance code, 0, in 1 bit.
    const lengths = new Array<number>(258).fill(0)
    lengths[97] = 1
    lengths[256] = 2
    lengths[257] = 2
    const raw = dynamicBlock(lengths, [1], [97, 97], {}, (writer, codes) => {
      // Length 3 at the distance of the pattern 1, which no code has.
      writer.code(codes[257] as number, 2).code(1, 1)
    })
    assert.equal(agreesWithZlib(raw, 'the unused pattern'), 'refused')
    const used = dynamicBlock(lengths, [1], [97, 97], {}, (writer, codes) => {
      writer.code(codes[257] as number, 2).code(0, 1)
    })
    assert.equal(agreesWithZlib(used, 'the one code'), 'accepted')
  })

  it('refuses, as zlib does, an incomplete distance code longer than one bit', () => {
    assert.equal(agreesWithZlib(dynamicBlock(threeSymbolLengths(), [2], [97]), 'dist'), 'refused')
  })

  it('refuses, as zlib does, a block without an end-of-block code', () => {
    const lengths = new Array<number>(257).fill(0)
    lengths[97] = 1
    lengths[98] = 1
    assert.equal(agreesWithZlib(dynamicBlock(lengths, [1, 1], []), 'no end of block'), 'refused')
  })

  it('refuses, as zlib does, 287 or 288 literal/length codes and 31 or 32 distance codes', () => {
    const lengths = threeSymbolLengths()
    for (const hlit of [287, 288]) {
      const padded = [...lengths, ...new Array<number>(hlit - 257).fill(0)]
      assert.equal(agreesWithZlib(dynamicBlock(padded, [1, 1], [97]), `${hlit}`), 'refused')
    }
    for (const hdist of [31, 32]) {
      const distances = [1, 1, ...new Array<number>(hdist - 2).fill(0)]
      assert.equal(agreesWithZlib(dynamicBlock(lengths, distances, [97]), `${hdist}`), 'refused')
    }
  })

  it('refuses, as zlib does, the fixed codes 286 and 287 and the distance codes 30 and 31', () => {
    // Fixed codes (section 3.2.6): 286 and 287 are 8-bit codes 11000110 and 11000111.
    for (const code of [0xc6, 0xc7]) {
      const raw = new BitWriter().bits(1, 1).bits(1, 2).code(code, 8).code(0, 7).done()
      assert.equal(agreesWithZlib(raw, `literal/length ${code}`), 'refused')
    }
    // 'a' (0x61: code 0x30 + 0x61 in 8 bits), then length 3 (code 257, 7 bits 0000001) with
    // distance code 30 or 31 (5 bits).
    for (const distance of [30, 31]) {
      const raw = new BitWriter()
        .bits(1, 1)
        .bits(1, 2)
        .code(0x30 + 0x61, 8)
        .code(1, 7)
        .code(distance, 5)
        .code(0, 7)
        .done()
      assert.equal(agreesWithZlib(raw, `distance ${distance}`), 'refused')
    }
  })

  it(`agrees with zlib on every truncation and on random damage to real payloads (seed ${SEED})`, () => {
    const random = seededRandom(SEED)
    let compared = 0
    for (let n = 0; n < 40; n++) {
      const words = ['Musterfrau', 'EU/1/20/1528', '2021-05-03', 'URN:UVCI:01', 'vaccination']
      let text = ''
      while (text.length < 300) text += random.pick(words) + String(random.int(1000))
      const raw = new Uint8Array(deflateRawSync(Buffer.from(text), { level: 9 }))
      for (let length = 0; length < raw.length; length += 1 + random.int(8)) {
        agreesWithZlib(raw.subarray(0, length), `truncated to ${length}`)
        compared++
      }
      for (let k = 0; k < 20; k++) {
        const damaged = new Uint8Array(raw)
        const at = random.int(damaged.length)
        damaged[at] = (damaged[at] as number) ^ (1 + random.int(255))
        agreesWithZlib(damaged, `byte ${at} damaged`)
        compared++
      }
    }
    assert.ok(compared > 1000)
  })

  it('says where the data ended, so that the zlib trailer can be found', () => {
    const data = Buffer.from('hello, hello, hello')
    const raw = deflateRawSync(data)
    const withTrailer = new Uint8Array([...raw, 1, 2, 3, 4])
    const result = inflateRaw(withTrailer, 0, 100)
    assert.equal(result.end, raw.length)
    assertSameBytes(result.bytes, new Uint8Array(data))
  })

  it('refuses output past the limit with ERR_HC1_INFLATE_LIMIT, and accepts it at the limit', () => {
    const raw = deflateRawSync(Buffer.alloc(1000, 7))
    assert.equal(inflateRaw(raw, 0, 1000).bytes.length, 1000)
    assert.throws(() => inflateRaw(raw, 0, 999), { code: 'ERR_HC1_INFLATE_LIMIT' })
  })
})
