import {
  CODE_LENGTH_ORDER,
  DISTANCE_BASE,
  DISTANCE_EXTRA,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from './deflate-tables.js'
import { Hc1Error } from './errors.js'

// A DEFLATE decoder (RFC 1951) for payloads of a few hundred bytes: no stream object, no native
// state to set up and tear down per code, and tables that live as long as the module. Node's
// `inflateSync` builds a zlib stream (a Transform, its buffers and a 7 KiB native state with a
// 32 KiB window) around every call; for a DCC that set-up cost more than the decoding itself.
//
// What it accepts and refuses follows zlib's inflate (the reference the tests compare with):
// over-subscribed codes, incomplete codes (except a single code of one bit for literals/lengths
// or distances, which zlib allows), a missing end-of-block code, more than 286 literal/length or
// 30 distance codes, a bad repeat of code lengths, the reserved block type, stored lengths whose
// complement disagrees, literal/length codes 286 and 287, distance codes 30 and 31, a distance
// reaching back before the first byte, and a stream that ends early.

/** The longest Huffman code DEFLATE allows. */
const MAX_BITS = 15
/** Codes up to this length decode with one table look-up; longer ones walk the canonical code. */
const ROOT_BITS = 9

/** What a set of code lengths codes: zlib's `CODES`, `LENS` and `DISTS`. */
const CodeKind = { CodeLengths: 0, LiteralsLengths: 1, Distances: 2 } as const
type CodeKind = (typeof CodeKind)[keyof typeof CodeKind]

/**
 * A canonical Huffman code (RFC 1951 section 3.2.2), decodable two ways: `root` maps the next
 * `rootBits` input bits (read least significant first, as DEFLATE packs them) to `symbol << 4 |
 * length` for every code of at most `rootBits` bits, 0 elsewhere; `count` and `symbols` describe
 * the whole code for the longer ones (and to tell an unused bit pattern from a long code).
 */
class HuffmanCode {
  readonly root = new Int32Array(1 << ROOT_BITS)
  readonly count = new Uint16Array(MAX_BITS + 1)
  readonly symbols: Uint16Array
  readonly #offsets = new Uint16Array(MAX_BITS + 2)
  rootBits = 0

  constructor(maxSymbols: number) {
    this.symbols = new Uint16Array(maxSymbols)
  }

  /**
   * Builds the code from `lengths[start … start + n)`.
   *
   * @returns false when zlib would refuse the set: over-subscribed, or incomplete (see above).
   */
  build(lengths: Uint8Array, start: number, n: number, kind: CodeKind): boolean {
    const count = this.count
    count.fill(0)
    for (let i = 0; i < n; i++) {
      const length = lengths[start + i] as number
      count[length] = (count[length] as number) + 1
    }
    count[0] = 0
    let max = MAX_BITS
    while (max > 0 && count[max] === 0) max--
    if (max === 0) {
      // No codes at all: zlib accepts it for distances (a block with literals only) and fails on
      // the first use; for code lengths it can only end in an error, and literals always need
      // the end-of-block code, which the caller checks first.
      if (kind === CodeKind.CodeLengths) return false
      this.rootBits = 0
      this.root[0] = 0
      return true
    }
    let left = 1
    for (let length = 1; length <= MAX_BITS; length++) {
      left = (left << 1) - (count[length] as number)
      if (left < 0) return false
    }
    if (left > 0 && (kind === CodeKind.CodeLengths || max !== 1)) return false

    const offsets = this.#offsets
    offsets[1] = 0
    for (let length = 1; length < MAX_BITS; length++) {
      offsets[length + 1] = (offsets[length] as number) + (count[length] as number)
    }
    const symbols = this.symbols
    for (let i = 0; i < n; i++) {
      const length = lengths[start + i] as number
      if (length !== 0) {
        const at = offsets[length] as number
        symbols[at] = i
        offsets[length] = at + 1
      }
    }

    const rootBits = max < ROOT_BITS ? max : ROOT_BITS
    const size = 1 << rootBits
    const root = this.root
    // A complete code with no code longer than the table writes every entry below; otherwise the
    // entries it leaves must read 0 (a long code, or no code).
    if (left > 0 || max > rootBits) root.fill(0, 0, size)
    // Canonical codes in order of length, then symbol; each written bit-reversed, repeated over
    // every value of the bits that follow it inside the root table.
    let code = 0
    let index = 0
    for (let length = 1; length <= rootBits; length++) {
      const lengthCount = count[length] as number
      for (let k = 0; k < lengthCount; k++) {
        const entry = ((symbols[index++] as number) << 4) | length
        for (let r = reverseBits(code, length); r < size; r += 1 << length) root[r] = entry
        code++
      }
      code <<= 1
    }
    this.rootBits = rootBits
    return true
  }
}

/** The low `length` bits of `code` (at most {@link ROOT_BITS}), in reverse order. */
function reverseBits(code: number, length: number): number {
  return (REVERSED_ROOT[code] as number) >>> (ROOT_BITS - length)
}

/** Every `ROOT_BITS`-bit value, its bits reversed. */
const REVERSED_ROOT = new Uint16Array(1 << ROOT_BITS)
for (let i = 0; i < 1 << ROOT_BITS; i++) {
  let reversed = 0
  for (let bit = 0; bit < ROOT_BITS; bit++)
    if (i & (1 << bit)) reversed |= 1 << (ROOT_BITS - 1 - bit)
  REVERSED_ROOT[i] = reversed
}

// The tables of the block being decoded. Decoding is synchronous and never re-entered, so one set
// serves every call.
const codeLengthCode = new HuffmanCode(19)
const dynamicLiteralCode = new HuffmanCode(288)
const dynamicDistanceCode = new HuffmanCode(32)
const codeLengths = new Uint8Array(286 + 30)

// The fixed codes of section 3.2.6, built once: all 288 literal/length and 32 distance symbols,
// so that codes 286, 287, 30 and 31 decode and are then refused, as zlib refuses them.
const fixedLiteralCode = new HuffmanCode(288)
const fixedDistanceCode = new HuffmanCode(32)
{
  const lengths = new Uint8Array(288)
  lengths.fill(8, 0, 144)
  lengths.fill(9, 144, 256)
  lengths.fill(7, 256, 280)
  lengths.fill(8, 280, 288)
  fixedLiteralCode.build(lengths, 0, 288, CodeKind.LiteralsLengths)
  fixedDistanceCode.build(new Uint8Array(32).fill(5), 0, 32, CodeKind.Distances)
}

/** Where the output is written: grown when a caller allows more than it holds. */
let scratch = new Uint8Array(64 * 1024)

/** The output of {@link inflateRaw}: the inflated bytes, and where the DEFLATE data ended. */
export interface RawInflation {
  /** A fresh array, never a view of the decoder's buffer. */
  readonly bytes: Uint8Array
  /** The offset of the first byte after the last block (the last block's bits padded to a byte). */
  readonly end: number
}

/**
 * Inflates the raw DEFLATE data (RFC 1951) that starts at `input[start]`, refusing to produce more
 * than `limit` bytes: it stops the moment the output would pass it, so a bomb costs no more.
 *
 * @throws {Hc1Error} `ERR_HC1_INFLATE` when the data is malformed or ends early,
 *   `ERR_HC1_INFLATE_LIMIT` when it inflates to more than `limit` bytes.
 */
export function inflateRaw(input: Uint8Array, start: number, limit: number): RawInflation {
  if (scratch.length < limit) scratch = new Uint8Array(limit)
  const out = scratch
  const inputLength = input.length
  let pos = start
  // Bits not yet used, least significant first; `bitCount` of them, never more than 30, so that
  // `bits` stays a small integer (`>>`, not `>>>`, keeps it one). Past the end of the input, zero
  // bytes are read in, and any use of one is caught as a truncated stream.
  let bits = 0
  let bitCount = 0
  let o = 0
  let final = 0
  do {
    while (bitCount < 3) {
      bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
      pos++
      bitCount += 8
    }
    final = bits & 1
    const type = (bits >> 1) & 3
    bits >>= 3
    bitCount -= 3
    if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()

    if (type === 0) {
      // Stored (section 3.2.4): to the byte boundary, then LEN, NLEN and LEN bytes as they are.
      pos -= bitCount >>> 3
      bits = 0
      bitCount = 0
      if (pos + 4 > inputLength) throw truncated()
      const length = (input[pos] as number) | ((input[pos + 1] as number) << 8)
      const complement = (input[pos + 2] as number) | ((input[pos + 3] as number) << 8)
      pos += 4
      if (length !== (~complement & 0xffff)) {
        throw malformed('a stored block whose length and its complement disagree')
      }
      const available = Math.min(length, inputLength - pos)
      if (o + available > limit) throw overLimit(limit)
      if (available < length) throw truncated()
      out.set(input.subarray(pos, pos + length), o)
      o += length
      pos += length
      continue
    }

    let literals: HuffmanCode
    let distances: HuffmanCode
    if (type === 1) {
      literals = fixedLiteralCode
      distances = fixedDistanceCode
    } else if (type === 2) {
      // Dynamic (section 3.2.7): HLIT, HDIST, HCLEN, the code length code, then the code lengths.
      while (bitCount < 14) {
        bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
        pos++
        bitCount += 8
      }
      const literalCount = (bits & 31) + 257
      const distanceCount = ((bits >> 5) & 31) + 1
      const codeLengthCount = ((bits >> 10) & 15) + 4
      bits >>= 14
      bitCount -= 14
      if (literalCount > 286 || distanceCount > 30) {
        throw malformed('more than 286 literal/length or 30 distance codes')
      }
      codeLengths.fill(0, 0, 19)
      for (let i = 0; i < codeLengthCount; i++) {
        if (bitCount < 3) {
          bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
          pos++
          bitCount += 8
        }
        codeLengths[CODE_LENGTH_ORDER[i] as number] = bits & 7
        bits >>= 3
        bitCount -= 3
      }
      if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()
      if (!codeLengthCode.build(codeLengths, 0, 19, CodeKind.CodeLengths)) {
        throw malformed('an invalid code length code')
      }
      const total = literalCount + distanceCount
      const clRoot = codeLengthCode.root
      const clMask = (1 << codeLengthCode.rootBits) - 1
      let i = 0
      while (i < total) {
        // 7 bits for the code (the code length code is at most 7 bits long), 7 for a repeat.
        while (bitCount < 14) {
          bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
          pos++
          bitCount += 8
        }
        let entry = clRoot[bits & clMask] as number
        if (entry === 0) entry = slowDecode(codeLengthCode, bits)
        bits >>= entry & 15
        bitCount -= entry & 15
        const symbol = entry >> 4
        if (symbol < 16) {
          codeLengths[i++] = symbol
        } else {
          let repeat: number
          let value = 0
          if (symbol === 16) {
            if (i === 0) throw malformed('a repeat of the previous code length before any')
            value = codeLengths[i - 1] as number
            repeat = 3 + (bits & 3)
            bits >>= 2
            bitCount -= 2
          } else if (symbol === 17) {
            repeat = 3 + (bits & 7)
            bits >>= 3
            bitCount -= 3
          } else {
            repeat = 11 + (bits & 127)
            bits >>= 7
            bitCount -= 7
          }
          if (i + repeat > total) throw malformed('code lengths repeated past their count')
          // A loop: `fill` is a call into the runtime, dearer than the 3 to 138 writes.
          for (const stop = i + repeat; i < stop; i++) codeLengths[i] = value
        }
        if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()
      }
      if (codeLengths[256] === 0) throw malformed('no end-of-block code')
      if (!dynamicLiteralCode.build(codeLengths, 0, literalCount, CodeKind.LiteralsLengths)) {
        throw malformed('an invalid literal/length code')
      }
      if (
        !dynamicDistanceCode.build(codeLengths, literalCount, distanceCount, CodeKind.Distances)
      ) {
        throw malformed('an invalid distance code')
      }
      literals = dynamicLiteralCode
      distances = dynamicDistanceCode
    } else {
      throw malformed('the reserved block type 3')
    }

    // The block's symbols (section 3.2.5).
    const literalRoot = literals.root
    const literalMask = (1 << literals.rootBits) - 1
    const distanceRoot = distances.root
    const distanceMask = (1 << distances.rootBits) - 1
    for (;;) {
      if (bitCount < MAX_BITS) {
        if (pos + 1 < inputLength) {
          // Two bytes at once: at most 14 + 16 bits held.
          bits |= ((input[pos] as number) | ((input[pos + 1] as number) << 8)) << bitCount
          pos += 2
          bitCount += 16
        } else {
          while (bitCount < MAX_BITS) {
            bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
            pos++
            bitCount += 8
          }
        }
      }
      let entry = literalRoot[bits & literalMask] as number
      if (entry === 0) entry = slowDecode(literals, bits)
      bits >>= entry & 15
      bitCount -= entry & 15
      let symbol = entry >> 4
      if (symbol < 256) {
        if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()
        if (o >= limit) throw overLimit(limit)
        out[o++] = symbol
        continue
      }
      if (symbol === 256) {
        if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()
        break
      }
      symbol -= 257
      if (symbol >= 29) throw malformed('the literal/length code 286 or 287')
      let length = LENGTH_BASE[symbol] as number
      const lengthExtra = LENGTH_EXTRA[symbol] as number
      if (lengthExtra !== 0) {
        if (bitCount < lengthExtra) {
          bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
          pos++
          bitCount += 8
        }
        length += bits & ((1 << lengthExtra) - 1)
        bits >>= lengthExtra
        bitCount -= lengthExtra
      }
      while (bitCount < MAX_BITS) {
        bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
        pos++
        bitCount += 8
      }
      entry = distanceRoot[bits & distanceMask] as number
      if (entry === 0) entry = slowDecode(distances, bits)
      bits >>= entry & 15
      bitCount -= entry & 15
      symbol = entry >> 4
      if (symbol >= 30) throw malformed('the distance code 30 or 31')
      let distance = DISTANCE_BASE[symbol] as number
      const distanceExtra = DISTANCE_EXTRA[symbol] as number
      if (distanceExtra !== 0) {
        while (bitCount < distanceExtra) {
          bits |= (pos < inputLength ? (input[pos] as number) : 0) << bitCount
          pos++
          bitCount += 8
        }
        distance += bits & ((1 << distanceExtra) - 1)
        bits >>= distanceExtra
        bitCount -= distanceExtra
      }
      if (pos > inputLength && bitCount < (pos - inputLength) * 8) throw truncated()
      if (distance > o) throw malformed('a distance that reaches back before the first byte')
      if (o + length > limit) throw overLimit(limit)
      let from = o - distance
      const end = o + length
      while (o < end) out[o++] = out[from++] as number
    }
  } while (final === 0)
  // The unused bits of the last byte are padding; whole bytes read ahead were not used.
  const end = pos - (bitCount >>> 3)
  // From Node's buffer pool: a copy of a few hundred bytes without an allocation of its own.
  const bytes = Buffer.allocUnsafe(o)
  bytes.set(out.subarray(0, o))
  return { bytes, end }
}

/**
 * Decodes a code longer than the root table covers, or finds that the bits are no code at all
 * (an incomplete code's unused patterns): the canonical walk of zlib's `puff`, one bit at a time.
 * `bits` holds at least 15 bits (zeros past the input's end).
 *
 * @returns `symbol << 4 | length`, as a root table entry.
 */
function slowDecode(code: HuffmanCode, bits: number): number {
  const count = code.count
  let value = 0
  let first = 0
  let index = 0
  for (let length = 1; length <= MAX_BITS; length++) {
    value |= (bits >> (length - 1)) & 1
    const lengthCount = count[length] as number
    if (value - lengthCount < first) {
      return ((code.symbols[index + (value - first)] as number) << 4) | length
    }
    index += lengthCount
    first = (first + lengthCount) << 1
    value <<= 1
  }
  throw malformed('a bit pattern that is no code of the block')
}

function malformed(what: string): Hc1Error {
  return new Hc1Error('ERR_HC1_INFLATE', `expected DEFLATE data (RFC 1951), but found ${what}`)
}

function truncated(): Hc1Error {
  return new Hc1Error(
    'ERR_HC1_INFLATE',
    'expected a complete zlib stream (RFC 1950), but it ends before its last block',
  )
}

function overLimit(limit: number): Hc1Error {
  return new Hc1Error(
    'ERR_HC1_INFLATE_LIMIT',
    `expected at most ${limit} bytes once inflated, but the payload inflates to more`,
  )
}
