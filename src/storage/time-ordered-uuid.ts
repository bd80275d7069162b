import { randomFillSync } from 'node:crypto'

/** Random bytes drawn 4 KiB at a time: a call into the random source per id costs more than the id. */
const pool = new Uint8Array(4096)
let drawn = pool.length

const byteHexes = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A UUID in the version 7 layout (RFC 9562, section 5.7): 48 bits of milliseconds since the epoch,
 * then 74 random bits. Rows written in time order get ids in key order too, so a table that takes
 * many at once (a case's exposures and their notifications) grows its id index at the end, a few
 * pages dirtied, rather than one page a row all over it. As hard to guess as any: the random bits
 * come from the system's secure source.
 */
export function timeOrderedUuid(ms: number = Date.now()): string {
  if (drawn + 10 > pool.length) {
    randomFillSync(pool)
    drawn = 0
  }
  const at = drawn
  drawn += 10
  const random = (i: number) => pool[at + i] as number
  const high = Math.floor(ms / 4294967296) & 0xffff
  const low = ms >>> 0
  const hex = (value: number) => byteHexes[value & 0xff] as string
  return (
    hex(high >>> 8) +
    hex(high) +
    hex(low >>> 24) +
    hex(low >>> 16) +
    '-' +
    hex(low >>> 8) +
    hex(low) +
    '-' +
    hex(0x70 | (random(0) & 0x0f)) +
    hex(random(1)) +
    '-' +
    hex(0x80 | (random(2) & 0x3f)) +
    hex(random(3)) +
    '-' +
    hex(random(4)) +
    hex(random(5)) +
    hex(random(6)) +
    hex(random(7)) +
    hex(random(8)) +
    hex(random(9))
  )
}
