import { inflateRawSync } from 'node:zlib'
import { ShcError, shcSpec } from './errors.js'

/**
 * The largest payload the pipeline inflates. A card that fits a QR code inflates to a few KiB;
 * 64 KiB leaves room for any real one, and a decompression bomb stops as soon as it passes this.
 */
export const SHC_INFLATE_LIMIT = 64 * 1024

/**
 * Inflates a raw DEFLATE stream (RFC 1951), the `zip: "DEF"` compression of a card's payload,
 * refusing output above `limit` bytes: zlib stops the moment the output would pass it.
 *
 * @throws {ShcError} `ERR_SHC_INFLATE` when the stream is broken, truncated, wrapped in a zlib or
 *   gzip header, or followed by other bytes; `ERR_SHC_PAYLOAD_TOO_LARGE` when it inflates to more
 *   than `limit` bytes.
 */
export function inflateShcPayload(compressed: Uint8Array, limit = SHC_INFLATE_LIMIT): Uint8Array {
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } }
  try {
    inflated = inflateRawSync(compressed, { maxOutputLength: limit, info: true }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ShcError(
        'ERR_SHC_PAYLOAD_TOO_LARGE',
        `expected the payload to inflate to at most ${limit} bytes, but it inflates to more`,
        { cause },
      )
    }
    throw new ShcError(
      'ERR_SHC_INFLATE',
      `expected a raw DEFLATE stream (RFC 1951, ${shcSpec.compact}), but inflating failed: ${(cause as Error).message}${wrapperHint(compressed)}`,
      { cause },
    )
  }
  // zlib stops at the end of the stream and ignores what follows; signed bytes that belong to no
  // structure make the card malformed.
  const consumed = inflated.engine.bytesWritten
  if (consumed !== compressed.length) {
    throw new ShcError(
      'ERR_SHC_INFLATE',
      `expected the DEFLATE stream to end the payload, but ${compressed.length - consumed} bytes follow it`,
    )
  }
  return inflated.buffer
}

/** Names the likely mistake when the bytes start like a zlib (RFC 1950) or gzip stream. */
function wrapperHint(bytes: Uint8Array): string {
  const [first, second] = bytes
  if (first === undefined || second === undefined) return ''
  if ((first & 0x0f) === 8 && ((first << 8) | second) % 31 === 0) {
    return ' (the payload starts with a zlib header: the spec asks for raw DEFLATE, without one)'
  }
  if (first === 0x1f && second === 0x8b) {
    return ' (the payload is gzip: the spec asks for raw DEFLATE)'
  }
  return ''
}
