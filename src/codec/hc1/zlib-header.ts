import { Hc1Error } from './errors.js'

/**
 * The largest payload inflated, by the server and by the door scanner alike. A DCC payload is a
 * few hundred bytes; 64 KiB leaves room for any real one, and a decompression bomb stops as soon as
 * it passes this size.
 */
export const INFLATE_LIMIT = 64 * 1024

/**
 * Checks that the bytes start with a zlib header (RFC 1950 section 2.2), as HCERT requires of its
 * compressed payload (section 4.2). Shared by the server's inflate (node:zlib) and the browser
 * scanner's (DecompressionStream), so that both refuse the same bytes with the same code.
 *
 * ```
 *  CMF                      FLG
 * +------------+----------++-------+-------+--------+
 * | CINFO (4)  | CM (4)   || LEVEL | FDICT | FCHECK |   CM = 8 (deflate), CINFO ≤ 7 (window
 * +------------+----------++-------+-------+--------+   ≤ 32 KiB), (CMF · 256 + FLG) mod 31 = 0
 * ```
 *
 * @throws {Hc1Error} `ERR_HC1_NOT_COMPRESSED` when the header is missing or not deflate's.
 */
export function checkZlibHeader(compressed: Uint8Array): void {
  const cmf = compressed[0]
  const flg = compressed[1]
  if (
    cmf === undefined ||
    flg === undefined ||
    (cmf & 0x0f) !== 8 ||
    cmf >> 4 > 7 ||
    ((cmf << 8) | flg) % 31 !== 0
  ) {
    const found =
      Array.from(compressed.subarray(0, 2), (byte) => byte.toString(16).padStart(2, '0')).join(
        '',
      ) || 'nothing'
    throw new Hc1Error(
      'ERR_HC1_NOT_COMPRESSED',
      `expected a zlib header (RFC 1950; HCERT section 4.2 requires compression), but found 0x${found}`,
    )
  }
}
