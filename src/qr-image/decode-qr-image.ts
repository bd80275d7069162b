import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { prepareZXingModule, purgeZXingModule, readBarcodes } from 'zxing-wasm/reader'
import type { ReaderOptions } from 'zxing-wasm/reader'
import { HealthcodeError } from '../codec/healthcode-error.js'

/** A stable, machine-readable reason why no text could be read from an image. */
export type QrImageErrorCode =
  'ERR_IMAGE_FORMAT' | 'ERR_IMAGE_UNREADABLE' | 'ERR_IMAGE_NO_CODE' | 'ERR_IMAGE_TOO_LARGE'

/** A failure to read a QR code from an image, with a stable `code`. */
export class QrImageError extends HealthcodeError<QrImageErrorCode> {
  override readonly name = 'QrImageError'
}

/** The largest image file accepted, in bytes (20 MiB). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024

/**
 * The most pixels an image may declare. A few hundred kilobytes of PNG can declare billions of
 * pixels, and the decoder's memory never shrinks once grown, so the header is checked first.
 */
export const MAX_IMAGE_PIXELS = 50_000_000

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff]

// The EU DCC's HCERT spec requires QR ("QR 2D Barcode"); early HCERT drafts allowed Aztec too, and
// reading it costs little. `Plain` returns the symbol's own text, without the reader's
// human-readable rewriting of GS1 content.
const readerOptions: ReaderOptions = {
  formats: ['QRCode', 'Aztec'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  textMode: 'Plain',
  maxNumberOfSymbols: 1,
}

let readerReady: Promise<unknown> | undefined

/**
 * Loads the reader's WebAssembly from the installed package, never from the CDN that zxing-wasm
 * would otherwise fetch it from, once per process.
 */
function loadReader(): Promise<unknown> {
  readerReady ??= (async () => {
    const path = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm')
    const file = await readFile(path)
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)
    return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true })
  })().catch((error: unknown) => {
    forgetReader()
    throw error
  })
  return readerReady
}

function forgetReader(): void {
  readerReady = undefined
  purgeZXingModule()
}

/**
 * Decodes the first QR code in a PNG or JPEG file's bytes and returns its text.
 *
 * The text is returned exactly as encoded: for an EU DCC it starts with `HC1:`.
 *
 * @throws {QrImageError} `ERR_IMAGE_TOO_LARGE` for a file over {@link MAX_IMAGE_BYTES} or an
 *   image over {@link MAX_IMAGE_PIXELS}, `ERR_IMAGE_FORMAT` when the bytes are neither PNG nor
 *   JPEG, `ERR_IMAGE_UNREADABLE` when they are corrupt or cut short, `ERR_IMAGE_NO_CODE` when
 *   the image holds no readable QR or Aztec code. A plain `Error` when the reader's WebAssembly
 *   cannot be loaded, which is a broken installation rather than a bad image.
 *
 * @example
 * ```ts
 * const text = await decodeQrImage(await readFile('certificate.png'))
 * ```
 */
export async function decodeQrImage(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new QrImageError(
      'ERR_IMAGE_TOO_LARGE',
      `expected at most ${MAX_IMAGE_BYTES} bytes (20 MiB), but the image has ${bytes.byteLength}`,
    )
  }
  const isJpeg = startsWith(bytes, JPEG_SIGNATURE)
  if (!isJpeg && !startsWith(bytes, PNG_SIGNATURE)) {
    const found =
      bytes.byteLength === 0
        ? 'the input is empty'
        : `the first bytes are ${hex(bytes.subarray(0, 8))}`
    throw new QrImageError(
      'ERR_IMAGE_FORMAT',
      `expected a PNG (${hex(PNG_SIGNATURE)}) or JPEG (${hex(JPEG_SIGNATURE)}) image, but ${found}`,
    )
  }
  const layout = isJpeg ? scanJpeg(bytes) : scanPng(bytes)
  if (layout.width * layout.height > MAX_IMAGE_PIXELS) {
    throw new QrImageError(
      'ERR_IMAGE_TOO_LARGE',
      `expected at most ${MAX_IMAGE_PIXELS} pixels, but the image declares ${layout.width} × ${layout.height}`,
    )
  }

  await loadReader()
  let results: Awaited<ReturnType<typeof readBarcodes>>
  try {
    results = await readBarcodes(bytes, readerOptions)
  } catch (error) {
    // An aborted WebAssembly instance stays unusable, so the next call starts a fresh one.
    forgetReader()
    throw new QrImageError('ERR_IMAGE_UNREADABLE', 'the QR code reader failed', { cause: error })
  }

  const code = results.find((result) => result.isValid)
  if (code !== undefined) return code.text
  const failure = results.find((result) => result.error !== '')
  if (failure !== undefined) {
    throw new QrImageError('ERR_IMAGE_UNREADABLE', `the image could not be read: ${failure.error}`)
  }
  // The decoder shows a JPEG cut short as if the rest were blank; say so rather than "no code".
  if (!layout.complete) {
    throw new QrImageError(
      'ERR_IMAGE_UNREADABLE',
      'expected the JPEG data to run to its end-of-image marker (FF D9), but it stops short',
    )
  }
  throw new QrImageError('ERR_IMAGE_NO_CODE', 'expected a QR or Aztec code, but the image has none')
}

interface ImageLayout {
  width: number
  height: number
  /** Whether the image data runs to its end marker. */
  complete: boolean
}

/**
 * Reads the size from the IHDR chunk, which PNG requires first (RFC 2083 section 4.1.1):
 *
 * ```
 * 0        8       12      16      20      24
 * | signature | length | "IHDR" | width | height | ...
 * ```
 */
function scanPng(bytes: Uint8Array): ImageLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.byteLength < 24 || view.getUint32(12) !== 0x49484452) {
    throw new QrImageError('ERR_IMAGE_UNREADABLE', 'expected an IHDR chunk after the PNG signature')
  }
  // The decoder itself refuses a PNG cut short.
  return { width: view.getUint32(16), height: view.getUint32(20), complete: true }
}

/**
 * Walks the JPEG marker segments (ITU-T T.81 annex B) for the frame size and the end-of-image
 * marker. A segment is `FF <marker> <length: 2 bytes, counting itself> <payload>`; entropy-coded
 * data after a start-of-scan header runs until the next marker other than `FF 00` and `RSTn`.
 */
function scanJpeg(bytes: Uint8Array): ImageLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = (offset: number): number => bytes[offset] ?? -1
  let frame: { width: number; height: number } | undefined
  let offset = 2
  let complete = false
  while (offset + 1 < bytes.byteLength && at(offset) === 0xff) {
    const marker = at(offset + 1)
    if (marker === 0xff) {
      offset += 1 // fill byte
    } else if (marker === 0xd9) {
      complete = true
      break
    } else if (marker === 0x01 || isRestart(marker)) {
      offset += 2 // no length field
    } else {
      if (offset + 4 > bytes.byteLength) break
      const length = view.getUint16(offset + 2)
      if (isStartOfFrame(marker) && offset + 9 <= bytes.byteLength) {
        frame = { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) }
      }
      offset += 2 + length
      if (marker === 0xda) {
        while (offset + 1 < bytes.byteLength) {
          const next = at(offset + 1)
          if (at(offset) === 0xff && next !== 0x00 && !isRestart(next)) break
          offset += 1
        }
      }
    }
  }
  if (frame === undefined) {
    throw new QrImageError('ERR_IMAGE_UNREADABLE', 'expected a JPEG frame header, but found none')
  }
  return { ...frame, complete }
}

function isRestart(marker: number): boolean {
  return marker >= 0xd0 && marker <= 0xd7
}

// SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte)
}

function hex(bytes: Iterable<number>): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ')
}
