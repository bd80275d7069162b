import { DISTANCE_BASE, DISTANCE_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.js'

// The symbols of the encoder's blocks (RFC 1951 section 3.2.5) and the tables from match lengths
// and distances to their codes: what the parse (`deflate-raw.ts`), the codes
// (`deflate-huffman.ts`, `deflate-dynamic-code.ts`) and the block writer (`deflate-bit-writer.ts`)
// share.

/** The longest input `deflateSmall` takes; longer ones are zlib's (see `deflateZlib`). */
export const DEFLATE_SMALL_LIMIT = 16 * 1024

/** The shortest match a length code sends. */
export const MIN_MATCH = 3
/** The longest match a length code sends. */
export const MAX_MATCH = 258
/** The literal/length symbol that ends a block. */
export const END_OF_BLOCK = 256
/** Literal/length symbols 0…285 that a block may use. */
export const LITERAL_SYMBOLS = 286
/** Distance symbols 0…29 that a block may use. */
export const DISTANCE_SYMBOLS = 30
/** The longest code of the literal/length and distance codes. */
export const MAX_BITS = 15
/**
 * A cost no path and no header reaches: the sum of 16 KiB symbols of at most 28 bits stays far
 * below it.
 */
export const UNREACHED = 0x3fffffff

/** The length code index (0…28, symbol 257 + index) of each match length 3…258. */
export const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1)
for (let index = 0; index < 29; index++) {
  const base = LENGTH_BASE[index] as number
  for (let k = 0; k < 1 << (LENGTH_EXTRA[index] as number); k++) {
    if (base + k <= MAX_MATCH) LENGTH_CODE[base + k] = index
  }
}
// 258 has its own code, 285 (section 3.2.5); 284 with all extra bits set would be 258 too.
LENGTH_CODE[MAX_MATCH] = 28

/** The distance code (0…29) of each distance; an input of at most the limit has no longer ones. */
export const DISTANCE_CODE = new Uint8Array(DEFLATE_SMALL_LIMIT + 1)
for (let code = 0; code < DISTANCE_SYMBOLS; code++) {
  const base = DISTANCE_BASE[code] as number
  const stop = Math.min(base + (1 << (DISTANCE_EXTRA[code] as number)), DISTANCE_CODE.length)
  for (let distance = base; distance < stop; distance++) DISTANCE_CODE[distance] = code
}
