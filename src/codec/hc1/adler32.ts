/** The Adler-32 checksum of RFC 1950 section 8, the trailer of a zlib stream. */
export function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  const length = bytes.length
  let i = 0
  while (i < length) {
    // 5552 bytes is the most that cannot overflow 32 bits before the modulo (zlib's NMAX).
    const stop = Math.min(i + 5552, length)
    for (; i < stop; i++) {
      a += bytes[i] as number
      b += a
    }
    a %= 65521
    b %= 65521
  }
  return ((b << 16) | a) >>> 0
}
