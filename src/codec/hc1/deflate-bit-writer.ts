import type { PrefixCode } from './deflate-huffman.js'
import { DISTANCE_CODE, END_OF_BLOCK, LENGTH_CODE } from './deflate-symbols.js'
import { DISTANCE_BASE, DISTANCE_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.js'

// How the encoder writes a block's bits: the bit order of RFC 1951 section 3.1.1, and a parse's
// symbols in a block's codes.

/** Writes bits least significant first, as DEFLATE packs them (section 3.1.1). */
export class BitWriter {
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

/** Writes a parse's symbols in these codes, then the end-of-block code. */
export function writeSymbols(
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
