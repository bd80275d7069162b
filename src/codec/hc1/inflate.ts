import { deflateSync } from 'node:zlib'
import { adler32 } from './adler32.js'
import { DEFLATE_SMALL_LIMIT, deflateSmall } from './deflate-raw.js'
import { Hc1Error } from './errors.js'
import { inflateRaw } from './inflate-raw.js'
import { INFLATE_LIMIT, checkZlibHeader } from './zlib-header.js'

export { adler32 } from './adler32.js'
export { INFLATE_LIMIT } from './zlib-header.js'

/**
 * The size of zlib's output buffers for a payload above {@link DEFLATE_SMALL_LIMIT}. Node's
 * default, 16 KiB, is allocated afresh for every call.
 */
export const DEFLATE_CHUNK_BYTES = 1024

/**
 * Inflates a zlib stream (RFC 1950), the HCERT compression (section 4.2), refusing output above
 * `limit` bytes: decoding stops the moment the output would pass it, so a bomb costs no more than
 * that. The DEFLATE data is decoded by {@link inflateRaw}, without a zlib stream per call.
 *
 * @throws {Hc1Error} `ERR_HC1_NOT_COMPRESSED` when the bytes have no zlib header (HCERT requires
 *   compression), `ERR_HC1_INFLATE` when the stream is broken, truncated, or fails its Adler-32
 *   check, `ERR_HC1_INFLATE_LIMIT` when it inflates to more than `limit` bytes.
 */
export function inflateZlib(compressed: Uint8Array, limit = INFLATE_LIMIT): Uint8Array {
  checkZlibHeader(compressed)
  // FLG bit 5 (FDICT): the stream needs a preset dictionary, which HCERT never defines.
  if ((compressed[1] as number) & 0x20) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      'expected a zlib stream without a preset dictionary (RFC 1950 FDICT), but it needs one',
    )
  }
  const { bytes, end } = inflateRaw(compressed, 2, limit)
  if (end + 4 > compressed.length) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      'expected a complete zlib stream (RFC 1950), but its Adler-32 trailer is cut short',
    )
  }
  const expected =
    (((compressed[end] as number) << 24) |
      ((compressed[end + 1] as number) << 16) |
      ((compressed[end + 2] as number) << 8) |
      (compressed[end + 3] as number)) >>>
    0
  const actual = adler32(bytes)
  if (actual !== expected) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      `expected the Adler-32 ${hex32(expected)} of the zlib trailer, but the data sums to ${hex32(actual)}`,
    )
  }
  // One QR code carries one zlib stream; bytes that nobody signed and that belong to no structure
  // make the code malformed.
  const consumed = end + 4
  if (consumed !== compressed.length) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      `expected the zlib stream to end the payload, but ${compressed.length - consumed} bytes follow it`,
    )
  }
  return bytes
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0')
}

/**
 * Compresses bytes as a zlib stream, never longer than zlib's level 9 on HCERT payloads, as
 * issuers should compress (HCERT section 4.2). Up to {@link DEFLATE_SMALL_LIMIT} bytes (every
 * real payload) by {@link deflateSmall}, without a zlib stream per call; anything longer by
 * Node's `deflateSync` at level 9, whose set-up cost no longer matters at that size.
 */
export function deflateZlib(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= DEFLATE_SMALL_LIMIT) return deflateSmall(bytes)
  return deflateSync(bytes, { level: 9, chunkSize: DEFLATE_CHUNK_BYTES })
}
