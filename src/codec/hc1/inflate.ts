import { deflateSync, inflateSync } from 'node:zlib'
import { Hc1Error } from './errors.js'
import { INFLATE_LIMIT, checkZlibHeader } from './zlib-header.js'

export { INFLATE_LIMIT } from './zlib-header.js'

/**
 * The size of zlib's output buffers. Node's default, 16 KiB, is allocated afresh for every code and
 * is some 30 times what a DCC payload inflates to: at thousands of codes a second, that memory
 * (outside the JavaScript heap) kept the garbage collector busy. Larger payloads take more
 * buffers, joined at the end; the {@link INFLATE_LIMIT} still stops a bomb.
 */
const INFLATE_CHUNK_BYTES = 1024

/**
 * Inflates a zlib stream (RFC 1950), the HCERT compression (section 4.2), refusing output above
 * `limit` bytes: zlib stops the moment the output would pass it, so a bomb costs no more than that.
 *
 * @throws {Hc1Error} `ERR_HC1_NOT_COMPRESSED` when the bytes have no zlib header (HCERT requires
 *   compression), `ERR_HC1_INFLATE` when the stream is broken, truncated, or fails its Adler-32
 *   check, `ERR_HC1_INFLATE_LIMIT` when it inflates to more than `limit` bytes.
 */
export function inflateZlib(compressed: Uint8Array, limit = INFLATE_LIMIT): Uint8Array {
  checkZlibHeader(compressed)
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } }
  try {
    inflated = inflateSync(compressed, {
      maxOutputLength: limit,
      chunkSize: INFLATE_CHUNK_BYTES,
      info: true,
    }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
  } catch (cause) {
    const code = (cause as { code?: unknown }).code
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Hc1Error(
        'ERR_HC1_INFLATE_LIMIT',
        `expected at most ${limit} bytes once inflated, but the payload inflates to more`,
        { cause },
      )
    }
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      `expected a complete zlib stream (RFC 1950), but inflating failed: ${(cause as Error).message}`,
      { cause },
    )
  }
  // zlib stops at the end of the stream and ignores what follows; bytes that nobody signed and
  // that belong to no structure make the code malformed.
  const consumed = inflated.engine.bytesWritten
  if (consumed !== compressed.length) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      `expected the zlib stream to end the payload, but ${compressed.length - consumed} bytes follow it`,
    )
  }
  return inflated.buffer
}

/**
 * Compresses bytes as a zlib stream at the highest level, as HCERT issuers should (section 4.2).
 * The output is the same as with Node's defaults; only the output buffer is smaller (see
 * {@link INFLATE_CHUNK_BYTES}): the default 16 KiB, allocated per code, cost more than the
 * compression of a few hundred bytes.
 */
export function deflateZlib(bytes: Uint8Array): Uint8Array {
  return deflateSync(bytes, { level: 9, chunkSize: INFLATE_CHUNK_BYTES })
}
