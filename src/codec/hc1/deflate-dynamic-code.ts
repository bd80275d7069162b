import type { BitWriter } from './deflate-bit-writer.js'
import { PrefixCode } from './deflate-huffman.js'
import { DISTANCE_SYMBOLS, LITERAL_SYMBOLS, MAX_BITS, UNREACHED } from './deflate-symbols.js'
import { CODE_LENGTH_ORDER } from './deflate-tables.js'

// The codes of a dynamic-Huffman block and its header (RFC 1951 section 3.2.7): which repeat
// codes send the code lengths shortest, what the header costs, and how it is written.

/** The longest code of the code length code. */
const MAX_CODE_LENGTH_BITS = 7

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
export const OPTIMAL_TRIES = new Uint8Array([REPEAT_17, REPEAT_18, 0])
/** See {@link OPTIMAL_TRIES}. */
export const SMOOTHED_TRIES = new Uint8Array([
  REPEAT_16 | REPEAT_17 | REPEAT_18,
  REPEAT_16 | REPEAT_17,
  REPEAT_16,
])
/** Every combination of repeat codes, the likeliest best last (see {@link OPTIMAL_TRIES}). */
export const ALL_TRIES = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 0])
/** The longest payload that tries {@link OPTIMAL_TRIES} and {@link SMOOTHED_TRIES} alone. */
export const FEW_TRIES_LIMIT = 1024

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
 * Writes `run` lengths with as many of the repeat code `symbol` of the code length code
 * `codeLengths` as fit, each sending `fewest`…`most` of them in `extraBits` extra bits (section
 * 3.2.7: 16 the last length again 3…6 times in 2, 17 3…10 zeros in 3, 18 11…138 zeros in 7).
 *
 * @returns how many of them are left to be sent otherwise.
 */
function writeRepeats(
  w: BitWriter,
  codeLengths: PrefixCode,
  symbol: number,
  fewest: number,
  most: number,
  extraBits: number,
  run: number,
): number {
  const code = codeLengths.codes[symbol] as number
  const bits = codeLengths.lengths[symbol] as number
  while (run >= fewest) {
    const taken = run > most ? most : run
    w.bits(code, bits)
    w.bits(taken - fewest, extraBits)
    run -= taken
  }
  return run
}

/**
 * A dynamic block's codes (section 3.2.7) and how its header sends them: HLIT and HDIST without
 * trailing unused codes, the code lengths as one sequence of runs (a run may go on from the
 * literal/length to the distance lengths), sent with the repeat codes that make it shortest, and
 * the code length code for those symbols.
 */
export class DynamicCode {
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
    const codeLengths = this.codeLengths
    codeLengths.assignCodes()
    const clLengths = codeLengths.lengths
    const clCodes = codeLengths.codes
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
        if ((repeats & REPEAT_18) !== 0) run = writeRepeats(w, codeLengths, 18, 11, 138, 7, run)
        if ((repeats & REPEAT_17) !== 0) run = writeRepeats(w, codeLengths, 17, 3, 10, 3, run)
      }
      const code = clCodes[length] as number
      const bits = clLengths[length] as number
      if ((repeats & REPEAT_16) !== 0 && run >= 4) {
        w.bits(code, bits)
        run = writeRepeats(w, codeLengths, 16, 3, 6, 2, run - 1)
      }
      for (; run > 0; run--) w.bits(code, bits)
    }
  }
}
