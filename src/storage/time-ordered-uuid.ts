import { randomFillSync } from 'node:crypto'

/**
 * Random words drawn 4 KiB at a time: a call into the random source per id costs more than the id.
 */
const pool = new Uint32Array(1024)
let drawn = pool.length

/**
 * A UUID in the version 7 layout (RFC 9562, section 5.7): 48 bits of milliseconds since the epoch,
 * then 74 random bits from the system's secure source. Rows written in time order get ids in key
 * order too, so a table that takes many at once (a case's exposures and their notifications) grows
 * its id index at the end, a few pages dirtied, rather than one page a row all over it. As hard
 * to guess as any random UUID.
 */
export function timeOrderedUuid(ms: number = Date.now()): string {
  if (drawn + 3 > pool.length) {
    randomFillSync(pool)
    drawn = 0
  }
  drawn += 3
  return versionSevenUuid(
    ms,
    pool[drawn - 3] as number,
    pool[drawn - 2] as number,
    pool[drawn - 1] as number,
  )
}

/**
 * The version 7 UUID of `ms` (milliseconds since the epoch) and the random bits of three 32-bit
 * words: `a`'s low 26 bits (12 after the version, 14 after the variant), all of `b`, `c`'s low 16.
 */
export function versionSevenUuid(ms: number, a: number, b: number, c: number): string {
  const high = Math.floor(ms / 4294967296) & 0xffff
  const low = ms >>> 0
  const variant = 0x8000 | ((a >>> 12) & 0x3fff)
  return (
    byteHex(high >>> 8) +
    byteHex(high) +
    byteHex(low >>> 24) +
    byteHex(low >>> 16) +
    '-' +
    byteHex(low >>> 8) +
    byteHex(low) +
    '-7' +
    nibbleHex(a >>> 8) +
    byteHex(a) +
    '-' +
    byteHex(variant >>> 8) +
    byteHex(variant) +
    '-' +
    byteHex(b >>> 24) +
    byteHex(b >>> 16) +
    byteHex(b >>> 8) +
    byteHex(b) +
    byteHex(c >>> 8) +
    byteHex(c)
  )
}

const hexDigits = '0123456789abcdef'
const byteHexes = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** The low byte of `value` as two hex digits. */
function byteHex(value: number): string {
  return byteHexes[value & 0xff] as string
}

/** The low four bits of `value` as one hex digit. */
function nibbleHex(value: number): string {
  return hexDigits[value & 0xf] as string
}
