import { adler32 } from './adler32.js'
import { BitWriter, writeSymbols } from './deflate-bit-writer.js'
import {
  ALL_TRIES,
  DynamicCode,
  FEW_TRIES_LIMIT,
  OPTIMAL_TRIES,
  SMOOTHED_TRIES,
} from './deflate-dynamic-code.js'
import { PrefixCode, smoothForRuns } from './deflate-huffman.js'
import {
  DEFLATE_SMALL_LIMIT,
  DISTANCE_CODE,
  DISTANCE_SYMBOLS,
  END_OF_BLOCK,
  LENGTH_CODE,
  LITERAL_SYMBOLS,
  MAX_BITS,
  MAX_MATCH,
  MIN_MATCH,
  UNREACHED,
} from './deflate-symbols.js'
import { DISTANCE_EXTRA, LENGTH_EXTRA } from './deflate-tables.js'

export { huffmanCodeLengths } from './deflate-huffman.js'
export { DEFLATE_SMALL_LIMIT } from './deflate-symbols.js'

// A DEFLATE compressor (RFC 1951) in a zlib stream (RFC 1950) for payloads of a few hundred bytes
// to a few KiB, the encoder beside `inflate-raw.ts`. Node's `deflateSync` builds a zlib stream
// per call (a Transform, a 256 KiB native state, hash tables cleared); for a COSE message of
// 400 bytes that set-up cost more than the compression. Here nothing is set up per call: the
// working arrays live as long as the module and grow when an input needs more.
//
// It aims at output no longer than zlib's level 9, and at speed on small inputs only:
//
// 1. Every match: hash chains over the whole input (it is far shorter than the 32 KiB window)
//    give, for each position, the smallest distance at which each match length occurs.
// 2. An optimal parse (zopfli's idea, in miniature), in the same pass: the cheapest path through
//    the input by dynamic programming over positions, a literal or a match costing the bits of its
//    fixed code (section 3.2.6) and extra bits. That is the exact optimum for a fixed-Huffman
//    block. Where matches carry much of the input, a second pass prices the symbols with the
//    dynamic codes the first one's symbols give, as zopfli iterates; on a COSE message they are a
//    few per cent of it, and the second pass changed 3 bytes in the 398 EU test vectors.
// 3. The shortest of a stored, a fixed-Huffman and a dynamic-Huffman block, as one final block.
//    For a few hundred bytes the dynamic block's header (its code lengths) is a fifth of it, so
//    two dynamic blocks are sized: the parse with its optimal Huffman code; and the parse again,
//    or the bytes as literals alone where a few matches save little (each new length or distance
//    code costing header bits no parse prices), with a code built from counts smoothed into runs
//    (zopfli's `OptimizeHuffmanForRle`): a few bits longer on the data, often many bits shorter in
//    the header. Each header is sent with the repeat codes 16, 17 and 18 that make it shortest.
//
// zlib's level 9 sends one optimal code with all three repeat codes, after a lazy parse. On the
// EU test vectors' 398 COSE messages this output is 1.6 % shorter, and never longer; nor on 2,000
// generated certificates (the tests check the vectors and 400 of those). Both the second code and
// the literals-alone choice are needed for that: without either, some messages come out a byte
// longer than zlib's.
//
// This file holds the match finder, the parse and the choice of block; the others beside it hold
// the symbols and their tables (`deflate-symbols.ts`), the Huffman codes (`deflate-huffman.ts`),
// the dynamic block's codes and header (`deflate-dynamic-code.ts`) and the bit writer
// (`deflate-bit-writer.ts`).

/**
 * How many earlier positions the match finder looks at, at most, for one position: zlib's
 * `max_chain` at level 9. Only inputs made of a few short strings repeated reach it.
 */
const MAX_CHAIN = 4096
const HASH_BITS = 12
/**
 * What the second pass charges for a symbol the first pass never used, and so has no code yet:
 * about what a rare symbol's code costs in a payload of a few hundred symbols.
 */
const UNUSED_SYMBOL_BITS = 11
/**
 * The second pass runs when matches cover at least this share of the input (1/8): below it, the
 * parse has too few choices to change.
 */
const SECOND_PASS_MATCHED_SHIFT = 3
/**
 * The most bits (at the fixed codes' prices) that the matches of a parse may save for the bytes as
 * literals alone to be sized instead of the parse with the smoothed code (see `deflateSmall`). On
 * the EU test vectors and 2,000 generated certificates, any limit from 32 bits up kept the output
 * from ever being longer than zlib's; 16 did not.
 */
const FEW_MATCHES_SAVING = 64

// The codes of the fixed-Huffman block (section 3.2.6).
const fixedLiterals = new PrefixCode(288)
fixedLiterals.setLengths(
  new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288),
)
const fixedDistances = new PrefixCode(DISTANCE_SYMBOLS)
fixedDistances.setLengths(new Uint8Array(DISTANCE_SYMBOLS).fill(5))

// What a parse charges for each symbol: a literal's bits, a match length's bits (code and extra
// bits) and a distance code's bits (code and extra bits), at the fixed codes and at dynamic ones.
const fixedLiteralCost = new Int32Array(256)
const fixedLengthCost = new Int32Array(MAX_MATCH + 1)
const fixedDistanceCodeCost = new Int32Array(DISTANCE_SYMBOLS)
setCosts(fixedLiterals, fixedDistances, fixedLiteralCost, fixedLengthCost, fixedDistanceCodeCost)
const literalCost = new Int32Array(256)
const lengthCost = new Int32Array(MAX_MATCH + 1)
const distanceCodeCost = new Int32Array(DISTANCE_SYMBOLS)

// The symbol counts of a parse and of the bytes as literals alone, the same smoothed into runs,
// and the dynamic codes tried.
const literalCounts = new Int32Array(LITERAL_SYMBOLS)
const distanceCounts = new Int32Array(DISTANCE_SYMBOLS)
const smoothedLiteralCounts = new Int32Array(LITERAL_SYMBOLS)
const smoothedDistanceCounts = new Int32Array(DISTANCE_SYMBOLS)
const byteCounts = new Int32Array(LITERAL_SYMBOLS)
const smoothedByteCounts = new Int32Array(LITERAL_SYMBOLS)
const noDistances = new Int32Array(DISTANCE_SYMBOLS)
const optimalCode = new DynamicCode()
const smoothedCode = new DynamicCode()

// The match finder: the newest position of each 3-byte hash, and each position's previous one
// with the same hash. `head` is never cleared: it holds `hashBase + position`, and a call starts
// past every value earlier calls wrote, so older entries read as empty.
const head = new Int32Array(1 << HASH_BITS)
let hashBase = 1

// Per input position (grown with the input): its previous position of the same hash; where its
// matches start in `matchLengths`/`matchDistances`; the cheapest cost to reach it and the last
// step of that path; and two parses, as lengths (1 for a literal) and distances.
let capacity = 0
let chain = new Int32Array(0)
let matchStart = new Int32Array(0)
let cost = new Int32Array(0)
let stepLength = new Uint16Array(0)
let stepDistance = new Uint16Array(0)
let firstLengths = new Uint16Array(0)
let firstDistances = new Uint16Array(0)
let secondLengths = new Uint16Array(0)
let secondDistances = new Uint16Array(0)
let matchLengths = new Uint16Array(1024)
let matchDistances = new Uint16Array(1024)

const writer = new BitWriter()

/**
 * Compresses `input` (at most {@link DEFLATE_SMALL_LIMIT} bytes) as a zlib stream (RFC 1950) of
 * one DEFLATE block (RFC 1951): the shortest of stored, fixed-Huffman and dynamic-Huffman after an
 * optimal parse. On the EU test vectors' COSE messages and on generated certificates it is never
 * longer than zlib's level 9 (the tests compare); the header says level 9. The result is a fresh
 * array.
 *
 * @throws {RangeError} when the input is longer than {@link DEFLATE_SMALL_LIMIT}.
 */
export function deflateSmall(input: Uint8Array): Uint8Array {
  const n = input.length
  if (n > DEFLATE_SMALL_LIMIT) {
    throw new RangeError(`expected at most ${DEFLATE_SMALL_LIMIT} bytes, but found ${n}`)
  }
  ensureCapacity(n)
  // Pass 1, priced with the fixed codes: the best fixed-Huffman block.
  findMatchesAndParse(input, n)
  const fixedBits = 3 + (cost[n] as number) + (fixedLiterals.lengths[END_OF_BLOCK] as number)
  let start = backtrack(input, n, firstLengths, firstDistances)
  let lengths = firstLengths
  let distances = firstDistances
  const firstStart = start
  if (matchedBytes << SECOND_PASS_MATCHED_SHIFT >= n) {
    // Pass 2, priced with the dynamic code of pass 1's symbols.
    optimalCode.literals.build(literalCounts, MAX_BITS)
    optimalCode.distances.build(distanceCounts, MAX_BITS)
    setCosts(optimalCode.literals, optimalCode.distances, literalCost, lengthCost, distanceCodeCost)
    start = parse(
      input,
      n,
      literalCost,
      lengthCost,
      distanceCodeCost,
      secondLengths,
      secondDistances,
    )
    lengths = secondLengths
    distances = secondDistances
  }
  const extraBits = matchExtraBits
  const few = n <= FEW_TRIES_LIMIT
  const optimalBits = optimalCode.build(
    literalCounts,
    distanceCounts,
    few ? OPTIMAL_TRIES : ALL_TRIES,
    literalCounts,
    distanceCounts,
    extraBits,
  )
  let dynamicCode = optimalCode
  let dynamicBits = optimalBits
  if (
    matchedBytes > 0 &&
    matchedBytes << SECOND_PASS_MATCHED_SHIFT < n &&
    literalsOnlyFixedBits - (cost[n] as number) <= FEW_MATCHES_SAVING
  ) {
    // A few matches saving little: each new length or distance code they bring costs its length
    // in the header too, which no parse prices. The bytes as literals alone, with the smoothed
    // code, are then the other choice (zlib's own, for the messages where it was shorter than the
    // parse: it had found none of those matches of 3 bytes); otherwise the parse with it.
    literalsOnlyCounts(input, n)
    smoothForRuns(byteCounts, smoothedByteCounts)
    const literalsOnlyBits = smoothedCode.build(
      smoothedByteCounts,
      noDistances,
      few ? SMOOTHED_TRIES : ALL_TRIES,
      byteCounts,
      noDistances,
      0,
    )
    if (literalsOnlyBits < dynamicBits) {
      dynamicCode = smoothedCode
      dynamicBits = literalsOnlyBits
      secondLengths.fill(1, 0, n)
      start = 0
      lengths = secondLengths
      distances = secondDistances
    }
  } else {
    smoothForRuns(literalCounts, smoothedLiteralCounts)
    smoothForRuns(distanceCounts, smoothedDistanceCounts)
    const smoothedBits = smoothedCode.build(
      smoothedLiteralCounts,
      smoothedDistanceCounts,
      few ? SMOOTHED_TRIES : ALL_TRIES,
      literalCounts,
      distanceCounts,
      extraBits,
    )
    if (smoothedBits < dynamicBits) {
      dynamicCode = smoothedCode
      dynamicBits = smoothedBits
    }
  }

  // A stored block starts on the byte after the zlib header: 3 bits padded to a byte, LEN, NLEN.
  const storedBytes = 5 + n
  const fixedBytes = (fixedBits + 7) >>> 3
  const dynamicBytes = (dynamicBits + 7) >>> 3
  // CMF 0x78: deflate with a 32 KiB window; FLG 0xda: level 9 (FLEVEL 3), no dictionary, and the
  // check bits that make CMF·256 + FLG a multiple of 31 (RFC 1950 section 2.2).
  const total = 2 + Math.min(storedBytes, fixedBytes, dynamicBytes) + 4
  const w = writer
  // Room for a byte more than planned, so that a planning error shows below instead of writes
  // past the end, which a typed array drops without a word.
  w.reset(total + 1)
  w.byte(0x78)
  w.byte(0xda)
  if (storedBytes <= fixedBytes && storedBytes <= dynamicBytes) {
    w.bits(1, 3) // BFINAL, BTYPE 00
    w.align()
    w.byte(n & 0xff)
    w.byte(n >>> 8)
    w.byte(~n & 0xff)
    w.byte((~n >>> 8) & 0xff)
    w.bytes.set(input, w.position)
    w.position += n
  } else if (fixedBytes <= dynamicBytes) {
    w.bits(1 | (1 << 1), 3) // BFINAL, BTYPE 01
    writeSymbols(
      w,
      input,
      n,
      firstStart,
      firstLengths,
      firstDistances,
      fixedLiterals,
      fixedDistances,
    )
    w.align()
  } else {
    w.bits(1 | (2 << 1), 3) // BFINAL, BTYPE 10
    dynamicCode.write(w)
    writeSymbols(
      w,
      input,
      n,
      start,
      lengths,
      distances,
      dynamicCode.literals,
      dynamicCode.distances,
    )
    w.align()
  }
  const check = adler32(input)
  w.byte(check >>> 24)
  w.byte((check >>> 16) & 0xff)
  w.byte((check >>> 8) & 0xff)
  w.byte(check & 0xff)
  if (w.position !== total) {
    // The sizes above and the writer disagree: a bug here, never a property of the input.
    throw new Error(`deflateSmall wrote ${w.position} bytes where it planned ${total}`)
  }
  // From Node's buffer pool: a copy of a few hundred bytes without an allocation of its own.
  const bytes = Buffer.allocUnsafe(total)
  bytes.set(w.bytes.subarray(0, total))
  return bytes
}

/** Grows the per-position arrays to hold an input of `n` bytes. */
function ensureCapacity(n: number): void {
  if (n < capacity) return
  capacity = Math.max(n + 1, capacity * 2, 1024)
  chain = new Int32Array(capacity)
  matchStart = new Int32Array(capacity + 1)
  cost = new Int32Array(capacity + 1)
  stepLength = new Uint16Array(capacity + 1)
  stepDistance = new Uint16Array(capacity + 1)
  firstLengths = new Uint16Array(capacity)
  firstDistances = new Uint16Array(capacity)
  secondLengths = new Uint16Array(capacity)
  secondDistances = new Uint16Array(capacity)
}

/**
 * Finds every position's matches and, in the same pass, the cheapest parse at the fixed codes'
 * prices (dynamic programming over positions: `cost[i]` is the fewest bits that code the first
 * `i` bytes; a position's cost is final once the pass reaches it, all steps going forward). Each
 * position's matches are kept for {@link parse}: the lengths they improve to, each at the smallest
 * distance that has it (so a match of length 7 at distance 40 after one of length 3 says that
 * every length 4…7 is there at 40).
 *
 * @returns how many matches it listed.
 */
function findMatchesAndParse(data: Uint8Array, n: number): number {
  if (hashBase > 0x7fffffff - n) {
    head.fill(0)
    hashBase = 1
  }
  const base = hashBase
  hashBase += n
  const heads = head
  const previous = chain
  const starts = matchStart
  const costs = cost
  const steps = stepLength
  const literalPrice = fixedLiteralCost
  const lengthPrice = fixedLengthCost
  const distanceCodePrice = fixedDistanceCodeCost
  let lengths = matchLengths
  let distances = matchDistances
  let count = 0
  // The longest match of the position before: at the same distance, this position's match is at
  // least one byte shorter, so those bytes need no second comparison (runs of one byte, repeats).
  let lastLength = 0
  let lastDistance = 0
  const lastStart = n - MIN_MATCH
  costs[0] = 0
  costs.fill(UNREACHED, 1, n + 1)
  let literalsOnly = 0
  for (let i = 0; i < n; i++) {
    starts[i] = count
    const here = costs[i] as number
    const literalBits = literalPrice[data[i] as number] as number
    literalsOnly += literalBits
    const literal = here + literalBits
    if (literal < (costs[i + 1] as number)) {
      costs[i + 1] = literal
      steps[i + 1] = 1
    }
    if (i > lastStart) continue
    const hash =
      Math.imul(
        ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number),
        0x9e3779b1,
      ) >>>
      (32 - HASH_BITS)
    const entry = heads[hash] as number
    heads[hash] = base + i
    let j = entry >= base ? entry - base : -1
    previous[i] = j
    if (j < 0) {
      lastLength = 0
      continue
    }
    if (count + MAX_MATCH > lengths.length) {
      growMatches()
      lengths = matchLengths
      distances = matchDistances
    }
    const maxLength = n - i < MAX_MATCH ? n - i : MAX_MATCH
    let best = MIN_MATCH - 1
    let bestDistance = 0
    let chainLeft = MAX_CHAIN
    do {
      if (data[j + best] === data[i + best]) {
        const distance = i - j
        let length = distance === lastDistance && lastLength > 1 ? lastLength - 1 : 0
        while (length < maxLength && data[j + length] === data[i + length]) length++
        if (length > best) {
          lengths[count] = length
          distances[count] = distance
          count++
          best = length
          bestDistance = distance
          if (length === maxLength) break
        }
      }
      if (--chainLeft === 0) break
      j = previous[j] as number
    } while (j >= 0)
    lastLength = bestDistance === 0 ? 0 : best
    lastDistance = bestDistance
    if (bestDistance !== 0) {
      priceMatches(i, here, starts[i] as number, count, lengthPrice, distanceCodePrice)
    }
  }
  starts[n] = count
  literalsOnlyFixedBits = literalsOnly
  return count
}

/** What the last input costs as literals alone at the fixed codes' prices. */
let literalsOnlyFixedBits = 0

function growMatches(): void {
  const lengths = new Uint16Array(matchLengths.length * 2)
  lengths.set(matchLengths)
  matchLengths = lengths
  const distances = new Uint16Array(matchDistances.length * 2)
  distances.set(matchDistances)
  matchDistances = distances
}

/**
 * The cheapest parse of the input at the given prices, by dynamic programming over positions:
 * `cost[i]` is the fewest bits that code the first `i` bytes, `cost[n]` the whole.
 *
 * @returns the index in `lengths`/`distances` of the parse's first step; it runs to index n - 1.
 */
function parse(
  data: Uint8Array,
  n: number,
  literalPrice: Int32Array,
  lengthPrice: Int32Array,
  distanceCodePrice: Int32Array,
  lengths: Uint16Array,
  distances: Uint16Array,
): number {
  // Module arrays in locals: the loops here and in `priceMatches` are the compressor's hottest.
  const costs = cost
  const steps = stepLength
  const starts = matchStart
  costs[0] = 0
  costs.fill(UNREACHED, 1, n + 1)
  for (let i = 0; i < n; i++) {
    const here = costs[i] as number
    const literal = here + (literalPrice[data[i] as number] as number)
    if (literal < (costs[i + 1] as number)) {
      costs[i + 1] = literal
      steps[i + 1] = 1
    }
    const from = starts[i] as number
    const end = starts[i + 1] as number
    if (from !== end) priceMatches(i, here, from, end, lengthPrice, distanceCodePrice)
  }
  return backtrack(data, n, lengths, distances)
}

/**
 * Lowers the cost of each position that the matches `from … end` (in `matchLengths` and
 * `matchDistances`, at least one) of position `i` reach, where one is cheaper at these prices than
 * the cheapest path known so far; `here` is the cost of reaching `i`. Inside a long repeat, only
 * the longest match: pricing every length at every position would cost 256 steps a byte, and zlib
 * takes the longest there too.
 */
function priceMatches(
  i: number,
  here: number,
  from: number,
  end: number,
  lengthPrice: Int32Array,
  distanceCodePrice: Int32Array,
): void {
  const costs = cost
  const steps = stepLength
  const stepDistances = stepDistance
  const matchLength = matchLengths
  const matchDistance = matchDistances
  const distanceCodes = DISTANCE_CODE
  let m = from
  let shorter = MIN_MATCH - 1
  if (matchLength[end - 1] === MAX_MATCH) {
    m = end - 1
    shorter = MAX_MATCH - 1
  }
  for (; m < end; m++) {
    const length = matchLength[m] as number
    const distance = matchDistance[m] as number
    const before = here + (distanceCodePrice[distanceCodes[distance] as number] as number)
    for (let l = shorter + 1; l <= length; l++) {
      const total = before + (lengthPrice[l] as number)
      if (total < (costs[i + l] as number)) {
        costs[i + l] = total
        steps[i + l] = l
        stepDistances[i + l] = distance
      }
    }
    shorter = length
  }
}

/**
 * Follows the cheapest path back from the end, writing its steps (lengths, 1 for a literal, and
 * distances) to the ends of `lengths` and `distances`, and counts its symbols (and the
 * end-of-block code) into `literalCounts` and `distanceCounts`, the bytes its matches cover into
 * `matchedBytes` and their extra bits into `matchExtraBits`.
 *
 * @returns the index of the first step; the last is at n - 1.
 */
function backtrack(
  data: Uint8Array,
  n: number,
  lengths: Uint16Array,
  distances: Uint16Array,
): number {
  const steps = stepLength
  const stepDistances = stepDistance
  const literals = literalCounts
  const distanceSymbols = distanceCounts
  literals.fill(0)
  distanceSymbols.fill(0)
  let extra = 0
  let matched = 0
  let k = n
  for (let p = n; p > 0;) {
    const length = steps[p] as number
    k--
    lengths[k] = length
    p -= length
    if (length === 1) {
      const byte = data[p] as number
      literals[byte] = (literals[byte] as number) + 1
    } else {
      const distance = stepDistances[p + length] as number
      distances[k] = distance
      const lengthCode = LENGTH_CODE[length] as number
      literals[257 + lengthCode] = (literals[257 + lengthCode] as number) + 1
      const distanceCode = DISTANCE_CODE[distance] as number
      distanceSymbols[distanceCode] = (distanceSymbols[distanceCode] as number) + 1
      extra += (LENGTH_EXTRA[lengthCode] as number) + (DISTANCE_EXTRA[distanceCode] as number)
      matched += length
    }
  }
  literals[END_OF_BLOCK] = 1
  matchedBytes = matched
  matchExtraBits = extra
  return k
}

/** The bytes the matches of the last parse cover, and the extra bits of their lengths and distances. */
let matchedBytes = 0
let matchExtraBits = 0

/** Counts the bytes as literals alone, and the end-of-block code, into `byteCounts`. */
function literalsOnlyCounts(data: Uint8Array, n: number): void {
  const counts = byteCounts
  counts.fill(0)
  for (let i = 0; i < n; i++) {
    const byte = data[i] as number
    counts[byte] = (counts[byte] as number) + 1
  }
  counts[END_OF_BLOCK] = 1
}

/** Prices each literal, match length and distance code as these codes write them. */
function setCosts(
  literals: PrefixCode,
  distanceCode: PrefixCode,
  literalPrice: Int32Array,
  lengthPrice: Int32Array,
  distanceCodePrice: Int32Array,
): void {
  const literalLengths = literals.lengths
  for (let s = 0; s < 256; s++) literalPrice[s] = literalLengths[s] || UNUSED_SYMBOL_BITS
  for (let length = MIN_MATCH; length <= MAX_MATCH; length++) {
    const code = LENGTH_CODE[length] as number
    lengthPrice[length] =
      (literalLengths[257 + code] || UNUSED_SYMBOL_BITS) + (LENGTH_EXTRA[code] as number)
  }
  const distanceLengths = distanceCode.lengths
  for (let code = 0; code < DISTANCE_SYMBOLS; code++) {
    distanceCodePrice[code] =
      (distanceLengths[code] || UNUSED_SYMBOL_BITS) + (DISTANCE_EXTRA[code] as number)
  }
}
