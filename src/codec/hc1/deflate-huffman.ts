import { LITERAL_SYMBOLS, MAX_BITS } from './deflate-symbols.js'

// The encoder's prefix codes (RFC 1951 section 3.2.2): Huffman codes of limited length built from
// symbol counts, their canonical codes, and counts smoothed into runs for a shorter header.

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
export class PrefixCode {
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
export function smoothForRuns(counts: Int32Array, smoothed: Int32Array): void {
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
