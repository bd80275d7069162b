import { adler32 } from './adler32.js'
import {
  CODE_LENGTH_ORDER,
  DISTANCE_BASE,
  DISTANCE_EXTRA,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from './deflate-tables.js'

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

/** The longest input {@link deflateSmall} takes; longer ones are zlib's (see `deflateZlib`). */
export const DEFLATE_SMALL_LIMIT = 16 * 1024

const MIN_MATCH = 3
const MAX_MATCH = 258
/**
 * How many earlier positions the match finder looks at, at most, for one position: zlib's
 * `max_chain` at level 9. Only inputs made of a few short strings repeated reach it.
 */
const MAX_CHAIN = 4096
const HASH_BITS = 12
const END_OF_BLOCK = 256
/** Literal/length symbols 0…285 and distance symbols 0…29 that a block may use. */
const LITERAL_SYMBOLS = 286
const DISTANCE_SYMBOLS = 30
/** The longest code of the literal/length and distance codes, and of the code length code. */
const MAX_BITS = 15
const MAX_CODE_LENGTH_BITS = 7
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
/** A cost no path reaches: the sum of 16 KiB symbols of at most 28 bits stays far below it. */
const UNREACHED = 0x3fffffff

/** The length code index (0…28, symbol 257 + index) of each match length 3…258. */
const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1)
for (let index = 0; index < 29; index++) {
  const base = LENGTH_BASE[index] as number
  for (let k = 0; k < 1 << (LENGTH_EXTRA[index] as number); k++) {
    if (base + k <= MAX_MATCH) LENGTH_CODE[base + k] = index
  }
}
// 258 has its own code, 285 (section 3.2.5); 284 with all extra bits set would be 258 too.
LENGTH_CODE[MAX_MATCH] = 28

/** The distance code (0…29) of each distance; an input of at most the limit has no longer ones. */
const DISTANCE_CODE = new Uint8Array(DEFLATE_SMALL_LIMIT + 1)
for (let code = 0; code < DISTANCE_SYMBOLS; code++) {
  const base = DISTANCE_BASE[code] as number
  const stop = Math.min(base + (1 << (DISTANCE_EXTRA[code] as number)), DISTANCE_CODE.length)
  for (let distance = base; distance < stop; distance++) DISTANCE_CODE[distance] = code
}

/** Every byte value, its bits reversed: Huffman codes go out most significant bit first. */
const REVERSED_BYTE = new Uint8Array(256)
for (let i = 0; i < 256; i++) {
  let reversed = 0
  for (let bit = 0; bit < 8; bit++) if (i & (1 << bit)) reversed |= 1 << (7 - bit)
  REVERSED_BYTE[i] = reversed
}

// Scratch of the Huffman code builder: the used symbols sorted by count; their counts, then code
// lengths; where each count's symbols go in that order (all zero between calls); how many codes
// each length has, and the next code of each length.
const sortedSymbols = new Int32Array(288)
const depths = new Int32Array(288)
let countSlots = new Int32Array(1024)
const lengthCounts = new Int32Array(MAX_BITS + 1)
const nextCode = new Int32Array(MAX_BITS + 1)

/**
 * A prefix code as the encoder writes it: each symbol's length in bits (0 for no code) and its
 * canonical code (section 3.2.2), bit-reversed so that it goes out least significant bit first;
 * and the symbols that have a code, in symbol order, so that work on a code of a few dozen
 * symbols out of 286 is done on those alone.
 */
class PrefixCode {
  readonly lengths: Uint8Array
  readonly codes: Uint16Array
  readonly coded: Uint16Array
  codedCount = 0

  constructor(symbols: number) {
    this.lengths = new Uint8Array(symbols)
    this.codes = new Uint16Array(symbols)
    // One more than the symbols: the scan in `build` writes one past the last used symbol.
    this.coded = new Uint16Array(symbols + 1)
  }

  /** Takes lengths given from outside (the fixed codes) and sets the codes. */
  setLengths(lengths: Uint8Array): void {
    this.codedCount = 0
    for (let s = 0; s < this.lengths.length; s++) {
      const length = lengths[s] as number
      this.lengths[s] = length
      if (length !== 0) this.coded[this.codedCount++] = s
    }
    this.assignCodes()
  }

  /**
   * Builds a Huffman code for `counts` no longer than `maxBits`: optimal lengths by Moffat and
   * Katajainen's in-place algorithm on the sorted counts ("In-place calculation of
   * minimum-redundancy codes", 1995), then, if any passes `maxBits`, the longest folded into it
   * and the Kraft sum brought back to one by moving leaves down (miniz's
   * `tdefl_huffman_enforce_max_code_size`). At least two symbols get a code, as zlib's encoder
   * ensures: zlib's decoder refuses an incomplete code length code, and a lone one-bit code is a
   * special case some decoders miss. Symbols of equal count are taken in symbol order, so that
   * equal lengths fall in runs.
   */
  build(counts: Int32Array, maxBits: number): void {
    const lengths = this.lengths
    const coded = this.coded
    const symbols = lengths.length
    let used = 0
    // At least the largest count, less than twice it: enough for the counting sort's slots.
    let most = 0
    // Without a branch on the count: which symbols are used follows no pattern a processor could
    // predict, and a mispredicted branch per symbol cost more than the rest of the loop.
    // (count | -count) >>> 31 is 1 for a count above zero, 0 for zero.
    for (let s = 0; s < symbols; s++) {
      const count = counts[s] as number
      coded[used] = s
      used += (count | -count) >>> 31
      most |= count
    }
    lengths.fill(0)
    if (used < 2) {
      const only = used === 1 ? (coded[0] as number) : 0
      const other = only === 0 ? 1 : 0
      lengths[only] = 1
      lengths[other] = 1
      coded[0] = Math.min(only, other)
      coded[1] = Math.max(only, other)
      this.codedCount = 2
      return
    }
    this.codedCount = used
    const sorted = sortedSymbols
    const weights = depths
    if (used <= 32) {
      // Few symbols (the code length code, distances): an insertion sort.
      for (let k = 0; k < used; k++) {
        const symbol = coded[k] as number
        const count = counts[symbol] as number
        let j = k - 1
        while (j >= 0 && (weights[j] as number) > count) {
          weights[j + 1] = weights[j] as number
          sorted[j + 1] = sorted[j] as number
          j--
        }
        weights[j + 1] = count
        sorted[j + 1] = symbol
      }
    } else {
      // Many: a counting sort, the counts of a few KiB being small numbers.
      if (most + 2 > countSlots.length) countSlots = new Int32Array(most * 2 + 2)
      const slots = countSlots
      for (let k = 0; k < used; k++) {
        const count = counts[coded[k] as number] as number
        slots[count + 1] = (slots[count + 1] as number) + 1
      }
      for (let count = 1; count <= most; count++) {
        slots[count + 1] = (slots[count + 1] as number) + (slots[count] as number)
      }
      for (let k = 0; k < used; k++) {
        const symbol = coded[k] as number
        const count = counts[symbol] as number
        const at = slots[count] as number
        slots[count] = at + 1
        sorted[at] = symbol
        weights[at] = count
      }
      slots.fill(0, 0, most + 2)
    }
    minimumRedundancyLengths(weights, used)
    if ((weights[0] as number) > maxBits) limitLengths(weights, used, maxBits)
    for (let k = 0; k < used; k++) lengths[sorted[k] as number] = weights[k] as number
  }

  /** Sets the canonical codes from the lengths (section 3.2.2). */
  assignCodes(): void {
    const lengths = this.lengths
    const codes = this.codes
    const coded = this.coded
    const count = this.codedCount
    lengthCounts.fill(0)
    for (let k = 0; k < count; k++) {
      const length = lengths[coded[k] as number] as number
      lengthCounts[length] = (lengthCounts[length] as number) + 1
    }
    let code = 0
    for (let bits = 1; bits <= MAX_BITS; bits++) {
      code = (code + (lengthCounts[bits - 1] as number)) << 1
      nextCode[bits] = code
    }
    for (let k = 0; k < count; k++) {
      const symbol = coded[k] as number
      const length = lengths[symbol] as number
      const value = nextCode[length] as number
      nextCode[length] = value + 1
      const reversed =
        ((REVERSED_BYTE[value & 0xff] as number) << 8) | (REVERSED_BYTE[value >>> 8] as number)
      codes[symbol] = reversed >>> (16 - length)
    }
  }

  /** The bits that symbols with these counts take in this code. */
  bitsFor(counts: Int32Array): number {
    const lengths = this.lengths
    const coded = this.coded
    let bits = 0
    for (let k = 0; k < this.codedCount; k++) {
      const symbol = coded[k] as number
      bits += (counts[symbol] as number) * (lengths[symbol] as number)
    }
    return bits
  }
}

/**
 * Replaces the weights `a[0 … n)`, sorted ascending (n ≥ 2), by the lengths of an optimal prefix
 * code for them (Moffat and Katajainen): the tree's parent pointers, then internal depths, then
 * leaf depths, each pass in the same array.
 */
function minimumRedundancyLengths(a: Int32Array, n: number): void {
  a[0] = (a[0] as number) + (a[1] as number)
  let root = 0
  let leaf = 2
  for (let next = 1; next < n - 1; next++) {
    if (leaf >= n || (a[root] as number) < (a[leaf] as number)) {
      a[next] = a[root] as number
      a[root++] = next
    } else {
      a[next] = a[leaf++] as number
    }
    if (leaf >= n || (root < next && (a[root] as number) < (a[leaf] as number))) {
      a[next] = (a[next] as number) + (a[root] as number)
      a[root++] = next
    } else {
      a[next] = (a[next] as number) + (a[leaf++] as number)
    }
  }
  a[n - 2] = 0
  for (let next = n - 3; next >= 0; next--) a[next] = (a[a[next] as number] as number) + 1
  let available = 1
  let usedNodes = 0
  let depth = 0
  root = n - 2
  let next = n - 1
  while (available > 0) {
    while (root >= 0 && a[root] === depth) {
      usedNodes++
      root--
    }
    while (available > usedNodes) {
      a[next--] = depth
      available--
    }
    available = 2 * usedNodes
    depth++
    usedNodes = 0
  }
}

/**
 * Brings the code lengths `depths[0 … n)` (longest first) within `maxBits`: the longer ones
 * folded into `maxBits`, then leaves moved down one level at a time until the Kraft sum is one
 * again, the rarest symbols keeping the longest codes.
 */
function limitLengths(depths: Int32Array, n: number, maxBits: number): void {
  lengthCounts.fill(0)
  for (let k = 0; k < n; k++) {
    const depth = Math.min(depths[k] as number, maxBits)
    lengthCounts[depth] = (lengthCounts[depth] as number) + 1
  }
  let kraft = 0
  for (let bits = maxBits; bits > 0; bits--) {
    kraft += (lengthCounts[bits] as number) << (maxBits - bits)
  }
  while (kraft !== 1 << maxBits) {
    lengthCounts[maxBits] = (lengthCounts[maxBits] as number) - 1
    for (let bits = maxBits - 1; bits > 0; bits--) {
      if (lengthCounts[bits] !== 0) {
        lengthCounts[bits] = (lengthCounts[bits] as number) - 1
        lengthCounts[bits + 1] = (lengthCounts[bits + 1] as number) + 2
        break
      }
    }
    kraft--
  }
  let k = 0
  for (let bits = maxBits; bits > 0; bits--) {
    for (let c = lengthCounts[bits] as number; c > 0; c--) depths[k++] = bits
  }
}

/**
 * The code lengths of a Huffman code for `counts` (at most 288 symbols), none longer than
 * `maxBits`, as the compressor builds its codes (see `PrefixCode.build`): for the tests.
 */
export function huffmanCodeLengths(counts: Int32Array, maxBits: number): Uint8Array {
  const code = new PrefixCode(counts.length)
  code.build(counts, maxBits)
  return code.lengths
}

/** Marks the counts that already form runs {@link smoothForRuns} keeps, and where runs end. */
const keepsRun = new Uint8Array(LITERAL_SYMBOLS)
const runEnds = new Int32Array(LITERAL_SYMBOLS + 1)

/**
 * Copies `counts` to `smoothed` with neighbouring counts made equal where that gives the code
 * lengths runs that the repeat codes send cheaply: zopfli's `OptimizeHuffmanForRle` (Google,
 * Apache-2.0), step for step. Trailing zeros stay, so HLIT and HDIST do not grow; a stride of
 * zeros stays zeros; a stride of counts may give codes to symbols that have none, which costs
 * code space but keeps the code valid.
 */
function smoothForRuns(counts: Int32Array, smoothed: Int32Array): void {
  smoothed.set(counts)
  let length = counts.length
  while (length > 0 && counts[length - 1] === 0) length--
  if (length === 0) return
  // Runs the repeat codes already send well: 5 or more zeros, 7 or more of one count. Where each
  // run ends is found without a branch per count, as in `DynamicCode`.
  const keeps = keepsRun
  const ends = runEnds
  let runCount = 0
  for (let i = 1; i < length; i++) {
    const change = (counts[i] as number) ^ (counts[i - 1] as number)
    ends[runCount] = i
    runCount += (change | -change) >>> 31
  }
  ends[runCount++] = length
  keeps.fill(0, 0, length)
  let runStart = 0
  for (let r = 0; r < runCount; r++) {
    const end = ends[r] as number
    if (end - runStart >= ((counts[runStart] as number) === 0 ? 5 : 7)) {
      for (let k = runStart; k < end; k++) keeps[k] = 1
    }
    runStart = end
  }
  // Strides of 4 or more counts near one another (3 or more zeros) become their mean.
  let stride = 0
  let limit = counts[0] as number
  let sum = 0
  for (let i = 0; i <= length; i++) {
    const count = i === length ? 0 : (counts[i] as number)
    if (i === length || keeps[i] === 1 || count - limit >= 4 || limit - count >= 4) {
      if (stride >= 4 || (stride >= 3 && sum === 0)) {
        const mean = sum === 0 ? 0 : Math.max(1, Math.floor((sum + (stride >>> 1)) / stride))
        for (let k = i - stride; k < i; k++) smoothed[k] = mean
      }
      stride = 0
      sum = 0
      if (i < length - 3) {
        limit =
          (count +
            (counts[i + 1] as number) +
            (counts[i + 2] as number) +
            (counts[i + 3] as number) +
            2) >>>
          2
      } else {
        limit = count
      }
    }
    stride++
    sum += count
  }
}

/** Repeat codes (bit flags): 16 repeats the last length 3…6 times, 17 and 18 send 3…138 zeros. */
const REPEAT_16 = 1
const REPEAT_17 = 2
const REPEAT_18 = 4
/**
 * The combinations of repeat codes tried for a payload of up to {@link FEW_TRIES_LIMIT} bytes,
 * for the optimal code and for the smoothed one, the likeliest best last. On the 398 EU test
 * vectors every combination tried gave 3 bytes less in all than these (the optimal code's lengths,
 * of a few hundred symbols, hardly repeat; the smoothed code's do, for 16). Longer payloads try
 * all eight.
 */
const OPTIMAL_TRIES = new Uint8Array([REPEAT_17, REPEAT_18, 0])
const SMOOTHED_TRIES = new Uint8Array([
  REPEAT_16 | REPEAT_17 | REPEAT_18,
  REPEAT_16 | REPEAT_17,
  REPEAT_16,
])
const ALL_TRIES = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 0])
const FEW_TRIES_LIMIT = 1024

/** How many 16s send `repeats` more of a length (each 3…6 of them, as many as fit). */
function sixteensFor(repeats: number): number {
  let sixteens = 0
  while (repeats >= 3) {
    sixteens++
    repeats -= repeats > 6 ? 6 : repeats
  }
  return sixteens
}

/** How many of `repeats` more of a length the 16s leave to be sent as themselves (0…2). */
function sixteensLeft(repeats: number): number {
  while (repeats >= 3) repeats -= repeats > 6 ? 6 : repeats
  return repeats
}

/**
 * A dynamic block's codes (section 3.2.7) and how its header sends them: HLIT and HDIST without
 * trailing unused codes, the code lengths as one sequence of runs (a run may go on from the
 * literal/length to the distance lengths), sent with the repeat codes that make it shortest, and
 * the code length code for those symbols.
 */
class DynamicCode {
  readonly literals = new PrefixCode(LITERAL_SYMBOLS)
  readonly distances = new PrefixCode(DISTANCE_SYMBOLS)
  readonly codeLengths = new PrefixCode(19)
  readonly #runValues = new Uint8Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS)
  readonly #runLengths = new Uint16Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS)
  readonly #symbolCounts = new Int32Array(19)
  readonly #sequence = new Uint8Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS + 1)
  readonly #plainCounts = new Int32Array(19)
  readonly #savedBySixteens = new Int32Array(16)
  readonly #zeroRunCounts = new Int32Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS + 1)
  readonly #zeroRunLengths = new Int32Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS)
  readonly #runStarts = new Int32Array(LITERAL_SYMBOLS + DISTANCE_SYMBOLS + 1)
  #zeroRunKinds = 0
  #sixteens = 0
  #runs = 0
  #literalCount = 0
  #distanceCount = 0
  #codeLengthCount = 0
  #repeats = 0

  /**
   * Builds the codes with lengths from `shapeLiterals` and `shapeDistances` (symbol counts, or the
   * same smoothed), chooses the header (the shortest of the repeat codes `tries`, bit flags; a
   * combination with a code that no run is long enough for is the one without it), and sizes the
   * block for the symbols counted in `literals` and `distances`.
   *
   * @returns the block's bits, from BFINAL to the end-of-block code.
   */
  build(
    shapeLiterals: Int32Array,
    shapeDistances: Int32Array,
    tries: Uint8Array,
    literals: Int32Array,
    distances: Int32Array,
    extraBits: number,
  ): number {
    this.literals.build(shapeLiterals, MAX_BITS)
    this.distances.build(shapeDistances, MAX_BITS)
    return (
      3 +
      this.#planHeader(tries) +
      this.literals.bitsFor(literals) +
      this.distances.bitsFor(distances) +
      extraBits
    )
  }

  #planHeader(tries: Uint8Array): number {
    const literalLengths = this.literals.lengths
    const distanceLengths = this.distances.lengths
    let literals = LITERAL_SYMBOLS
    while (literals > 257 && literalLengths[literals - 1] === 0) literals--
    let distances = DISTANCE_SYMBOLS
    while (distances > 1 && distanceLengths[distances - 1] === 0) distances--
    this.#literalCount = literals
    this.#distanceCount = distances
    const total = literals + distances
    const sequence = this.#sequence
    for (let i = 0; i < literals; i++) sequence[i] = literalLengths[i] as number
    for (let i = 0; i < distances; i++) sequence[literals + i] = distanceLengths[i] as number
    sequence[total] = 255
    // The runs, and what each combination of repeat codes makes of them, gathered once: every
    // length sent as itself; how many fewer of each nonzero length, and how many 16s, when 16
    // repeats them; and the runs of zeros by length, for 16, 17 and 18 to share out.
    const values = this.#runValues
    const runs = this.#runLengths
    const plain = this.#plainCounts
    const saved = this.#savedBySixteens
    const zeroRuns = this.#zeroRunCounts
    const zeroRunLengths = this.#zeroRunLengths
    plain.fill(0)
    saved.fill(0)
    for (let k = 0; k < this.#zeroRunKinds; k++) zeroRuns[zeroRunLengths[k] as number] = 0
    // Where each run starts, found without a branch per length (a run ends where the processor
    // cannot guess), then each run taken in turn.
    const runStarts = this.#runStarts
    let runCount = 0
    for (let i = 1; i <= total; i++) {
      const change = (sequence[i] as number) ^ (sequence[i - 1] as number)
      runStarts[runCount] = i
      runCount += (change | -change) >>> 31
    }
    let zeroRunKinds = 0
    let sixteens = 0
    let longestRun = 0
    let longestZeros = 0
    let start = 0
    for (let r = 0; r < runCount; r++) {
      const end = runStarts[r] as number
      const run = end - start
      const length = sequence[start] as number
      values[r] = length
      runs[r] = run
      plain[length] = (plain[length] as number) + run
      if (run > longestRun) longestRun = run
      if (length === 0) {
        if (run >= 3) {
          if (run > longestZeros) longestZeros = run
          if (zeroRuns[run] === 0) zeroRunLengths[zeroRunKinds++] = run
          zeroRuns[run] = (zeroRuns[run] as number) + 1
        }
      } else if (run >= 4) {
        const left = sixteensLeft(run - 1)
        saved[length] = (saved[length] as number) + (run - 1 - left)
        sixteens += sixteensFor(run - 1)
      }
      start = end
    }
    this.#runs = runCount
    this.#zeroRunKinds = zeroRunKinds
    this.#sixteens = sixteens
    // A repeat code that no run is long enough for changes nothing.
    let useless = 0
    if (longestRun < 4) useless |= REPEAT_16
    if (longestZeros < 3) useless |= REPEAT_17
    if (longestZeros < 11) useless |= REPEAT_18
    let bestBits = UNREACHED
    let bestRepeats = 0
    let last = -1
    for (let k = 0; k < tries.length; k++) {
      const repeats = (tries[k] as number) & ~useless
      if (repeats === last) continue
      const bits = this.#headerBits(repeats)
      last = repeats
      if (bits < bestBits) {
        bestBits = bits
        bestRepeats = repeats
      }
    }
    this.#repeats = bestRepeats
    // The code length code of the best, when another was tried after it.
    if (last !== bestRepeats) this.#headerBits(bestRepeats)
    return bestBits
  }

  /**
   * Counts the code length symbols that send the runs with the repeat codes `repeats` allows
   * (as zopfli's `EncodeTree` sends them: 18s, then 17s, then 16s, then single lengths), and
   * builds the code length code for them.
   *
   * @returns the header's bits after BTYPE.
   */
  #headerBits(repeats: number): number {
    const counts = this.#symbolCounts
    counts.set(this.#plainCounts)
    let sixteens = 0
    let seventeens = 0
    let eighteens = 0
    const use16 = (repeats & REPEAT_16) !== 0
    if (use16) {
      const saved = this.#savedBySixteens
      for (let length = 1; length < 16; length++) {
        counts[length] = (counts[length] as number) - (saved[length] as number)
      }
      sixteens = this.#sixteens
    }
    const zeroRuns = this.#zeroRunCounts
    const zeroRunLengths = this.#zeroRunLengths
    let zerosSent = 0
    for (let k = 0; k < this.#zeroRunKinds; k++) {
      const run = zeroRunLengths[k] as number
      const many = zeroRuns[run] as number
      let left = run
      if ((repeats & REPEAT_18) !== 0) {
        while (left >= 11) {
          eighteens += many
          left -= left > 138 ? 138 : left
        }
      }
      if ((repeats & REPEAT_17) !== 0) {
        while (left >= 3) {
          seventeens += many
          left -= left > 10 ? 10 : left
        }
      }
      if (use16 && left >= 4) {
        sixteens += many * sixteensFor(left - 1)
        left = 1 + sixteensLeft(left - 1)
      }
      zerosSent += many * (run - left)
    }
    counts[0] = (counts[0] as number) - zerosSent
    counts[16] = sixteens
    counts[17] = seventeens
    counts[18] = eighteens
    const clLengths = this.codeLengths.lengths
    this.codeLengths.build(counts, MAX_CODE_LENGTH_BITS)
    let sent = 19
    while (sent > 4 && clLengths[CODE_LENGTH_ORDER[sent - 1] as number] === 0) sent--
    this.#codeLengthCount = sent
    return (
      5 +
      5 +
      4 +
      3 * sent +
      this.codeLengths.bitsFor(counts) +
      2 * sixteens +
      3 * seventeens +
      7 * eighteens
    )
  }

  /** Writes the header as {@link DynamicCode.build} chose it, and sets the codes. */
  write(w: BitWriter): void {
    this.literals.assignCodes()
    this.distances.assignCodes()
    this.codeLengths.assignCodes()
    const clLengths = this.codeLengths.lengths
    const clCodes = this.codeLengths.codes
    w.bits(this.#literalCount - 257, 5)
    w.bits(this.#distanceCount - 1, 5)
    w.bits(this.#codeLengthCount - 4, 4)
    for (let k = 0; k < this.#codeLengthCount; k++) {
      w.bits(clLengths[CODE_LENGTH_ORDER[k] as number] as number, 3)
    }
    const repeats = this.#repeats
    const values = this.#runValues
    const runs = this.#runLengths
    for (let r = 0; r < this.#runs; r++) {
      const length = values[r] as number
      let run = runs[r] as number
      if (length === 0 && run >= 3) {
        if ((repeats & REPEAT_18) !== 0) {
          while (run >= 11) {
            const taken = run > 138 ? 138 : run
            w.bits(clCodes[18] as number, clLengths[18] as number)
            w.bits(taken - 11, 7)
            run -= taken
          }
        }
        if ((repeats & REPEAT_17) !== 0) {
          while (run >= 3) {
            const taken = run > 10 ? 10 : run
            w.bits(clCodes[17] as number, clLengths[17] as number)
            w.bits(taken - 3, 3)
            run -= taken
          }
        }
      }
      const code = clCodes[length] as number
      const bits = clLengths[length] as number
      if ((repeats & REPEAT_16) !== 0 && run >= 4) {
        w.bits(code, bits)
        run--
        while (run >= 3) {
          const taken = run > 6 ? 6 : run
          w.bits(clCodes[16] as number, clLengths[16] as number)
          w.bits(taken - 3, 2)
          run -= taken
        }
      }
      for (; run > 0; run--) w.bits(code, bits)
    }
  }
}

/** Writes bits least significant first, as DEFLATE packs them (section 3.1.1). */
class BitWriter {
  bytes = new Uint8Array(1024)
  position = 0
  /** Bits not yet written out, `heldCount` of them (fewer than 16). */
  heldBits = 0
  heldCount = 0

  /** Starts over with room for `size` bytes. */
  reset(size: number): void {
    if (this.bytes.length < size) this.bytes = new Uint8Array(size * 2)
    this.position = 0
    this.heldBits = 0
    this.heldCount = 0
  }

  /** Appends the low `count` bits of `value` (count ≤ 16). */
  bits(value: number, count: number): void {
    let buffer = this.heldBits | (value << this.heldCount)
    let held = this.heldCount + count
    while (held >= 8) {
      this.bytes[this.position++] = buffer & 0xff
      buffer >>>= 8
      held -= 8
    }
    this.heldBits = buffer
    this.heldCount = held
  }

  /** Appends a whole byte; only after {@link BitWriter.align}. */
  byte(value: number): void {
    this.bytes[this.position++] = value
  }

  /** Writes out the bits still held, padded with zeros to a whole byte. */
  align(): void {
    for (; this.heldCount > 0; this.heldCount -= 8) {
      this.bytes[this.position++] = this.heldBits & 0xff
      this.heldBits >>>= 8
    }
    this.heldBits = 0
    this.heldCount = 0
  }
}

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
  const stepDistances = stepDistance
  const literalPrice = fixedLiteralCost
  const lengthPrice = fixedLengthCost
  const distanceCodePrice = fixedDistanceCodeCost
  const distanceCodes = DISTANCE_CODE
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
    if (bestDistance === 0) continue
    // Price this position's matches. Inside a long repeat, only the longest: pricing every length
    // at every position would cost 256 steps a byte, and zlib takes the longest there too.
    let m = starts[i] as number
    let shorter = MIN_MATCH - 1
    if (best === MAX_MATCH) {
      m = count - 1
      shorter = MAX_MATCH - 1
    }
    for (; m < count; m++) {
      const length = lengths[m] as number
      const distance = distances[m] as number
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
  // Module arrays in locals: the loops below are the compressor's hottest.
  const costs = cost
  const steps = stepLength
  const stepDistances = stepDistance
  const starts = matchStart
  const matchLength = matchLengths
  const matchDistance = matchDistances
  const distanceCodes = DISTANCE_CODE
  costs[0] = 0
  costs.fill(UNREACHED, 1, n + 1)
  for (let i = 0; i < n; i++) {
    const here = costs[i] as number
    const literal = here + (literalPrice[data[i] as number] as number)
    if (literal < (costs[i + 1] as number)) {
      costs[i + 1] = literal
      steps[i + 1] = 1
    }
    const end = starts[i + 1] as number
    let m = starts[i] as number
    if (m === end) continue
    let shorter = MIN_MATCH - 1
    // Inside a long repeat, only the longest match: pricing every length at every position
    // would cost 256 steps a byte, and zlib takes the longest there too.
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
  return backtrack(data, n, lengths, distances)
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

/** Writes a parse's symbols in these codes, then the end-of-block code. */
function writeSymbols(
  w: BitWriter,
  data: Uint8Array,
  n: number,
  start: number,
  lengths: Uint16Array,
  distances: Uint16Array,
  literals: PrefixCode,
  distanceCode: PrefixCode,
): void {
  const literalCodes = literals.codes
  const literalLengths = literals.lengths
  const distanceCodes = distanceCode.codes
  const distanceLengths = distanceCode.lengths
  const bytes = w.bytes
  let at = w.position
  // The writer's bits in locals, two bytes written out whenever 16 are held: fewer than 16 held
  // and at most 15 added stay within 31 bits.
  let buffer = w.heldBits
  let held = w.heldCount
  let position = 0
  for (let k = start; k < n; k++) {
    const length = lengths[k] as number
    if (length === 1) {
      const byte = data[position] as number
      buffer |= (literalCodes[byte] as number) << held
      held += literalLengths[byte] as number
    } else {
      const lengthCode = LENGTH_CODE[length] as number
      buffer |= (literalCodes[257 + lengthCode] as number) << held
      held += literalLengths[257 + lengthCode] as number
      if (held >= 16) {
        bytes[at++] = buffer & 0xff
        bytes[at++] = (buffer >>> 8) & 0xff
        buffer >>>= 16
        held -= 16
      }
      buffer |= (length - (LENGTH_BASE[lengthCode] as number)) << held
      held += LENGTH_EXTRA[lengthCode] as number
      if (held >= 16) {
        bytes[at++] = buffer & 0xff
        bytes[at++] = (buffer >>> 8) & 0xff
        buffer >>>= 16
        held -= 16
      }
      const distance = distances[k] as number
      const code = DISTANCE_CODE[distance] as number
      buffer |= (distanceCodes[code] as number) << held
      held += distanceLengths[code] as number
      if (held >= 16) {
        bytes[at++] = buffer & 0xff
        bytes[at++] = (buffer >>> 8) & 0xff
        buffer >>>= 16
        held -= 16
      }
      buffer |= (distance - (DISTANCE_BASE[code] as number)) << held
      held += DISTANCE_EXTRA[code] as number
    }
    if (held >= 16) {
      bytes[at++] = buffer & 0xff
      bytes[at++] = (buffer >>> 8) & 0xff
      buffer >>>= 16
      held -= 16
    }
    position += length
  }
  w.position = at
  w.heldBits = buffer
  w.heldCount = held
  w.bits(literalCodes[END_OF_BLOCK] as number, literalLengths[END_OF_BLOCK] as number)
}
