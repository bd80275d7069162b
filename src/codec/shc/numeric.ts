import { ShcError, shcSpec } from './errors.js'

/** The scheme and path that start a SMART Health Card QR text (an IANA-registered scheme). */
export const SHC_PREFIX = 'shc:/'

/**
 * The most digits a QR code holds (ISO/IEC 18004, version 40-L, numeric mode). A longer text
 * cannot have come from a QR code and is refused before any decoding work.
 */
export const SHC_MAX_QR_DIGITS = 7089

/** The longest compact JWS the verifier reads: what a numeric QR code carries, two digits each. */
export const SHC_MAX_JWS_LENGTH = Math.floor(SHC_MAX_QR_DIGITS / 2)

/**
 * Every character of a compact JWS lies between `-` (45) and `z` (122), so `code - 45` takes two
 * decimal digits, `00` to `77` (spec, "Encoding QRs").
 */
const OFFSET = 45
const LARGEST_PAIR = 'z'.charCodeAt(0) - OFFSET

/**
 * Decodes a SMART Health Card QR text, `shc:/` followed by two digits per JWS character, into the
 * compact JWS it carries.
 *
 * ```
 * shc:/ 56 76 29 09 …      →   e  y  J  h …
 *       │   (56 + 45 = 101 = 'e')
 * ```
 *
 * @throws {ShcError} `ERR_SHC_TOO_LONG` for a text longer than a QR code holds, `ERR_SHC_PREFIX`
 *   when it does not start with `shc:/`, `ERR_SHC_CHUNKED` for one chunk of a split card
 *   (`shc:/2/3/…`, deprecated), `ERR_SHC_NUMERIC` for anything but an even number of digits whose
 *   pairs are at most 77.
 */
export function decodeShcQr(text: string): string {
  if (text.length > SHC_PREFIX.length + SHC_MAX_QR_DIGITS) {
    throw new ShcError(
      'ERR_SHC_TOO_LONG',
      `expected at most ${SHC_MAX_QR_DIGITS} digits after ${SHC_PREFIX} (a QR code's capacity), but the text has ${text.length} characters`,
    )
  }
  if (!text.startsWith(SHC_PREFIX)) {
    throw new ShcError(
      'ERR_SHC_PREFIX',
      `expected the text to start with "${SHC_PREFIX}" (${shcSpec.qr}), but found ${describeStart(text)}`,
    )
  }
  const digits = text.slice(SHC_PREFIX.length)
  const chunk = /^(\d+)\/(\d+)\//.exec(digits)
  if (chunk) {
    throw new ShcError(
      'ERR_SHC_CHUNKED',
      `expected a card in one QR code, but found chunk ${chunk[1]} of ${chunk[2]} (shc:/${chunk[1]}/${chunk[2]}/…): chunked SMART Health Cards are deprecated and not accepted (${shcSpec.chunking}); scan the card's single QR code or use its .smart-health-card file`,
    )
  }
  const stray = /\D/.exec(digits)
  if (stray) {
    throw new ShcError(
      'ERR_SHC_NUMERIC',
      `expected only digits after ${SHC_PREFIX} (${shcSpec.qr}), but found ${JSON.stringify(stray[0])} at position ${SHC_PREFIX.length + stray.index}`,
    )
  }
  if (digits.length === 0 || digits.length % 2 !== 0) {
    throw new ShcError(
      'ERR_SHC_NUMERIC',
      `expected a positive, even number of digits after ${SHC_PREFIX}, two per JWS character (${shcSpec.qr}), but found ${digits.length}`,
    )
  }
  const codes = new Array<number>(digits.length / 2)
  for (let i = 0; i < digits.length; i += 2) {
    // Digits only (checked above): the char codes of '0'…'9' are 48…57.
    const pair = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48)
    if (pair > LARGEST_PAIR) {
      throw new ShcError(
        'ERR_SHC_NUMERIC',
        `expected each pair of digits to be 00 to ${LARGEST_PAIR} (a JWS character minus ${OFFSET}, ${shcSpec.qr}), but found ${digits.slice(i, i + 2)} at position ${SHC_PREFIX.length + i}`,
      )
    }
    codes[i / 2] = pair + OFFSET
  }
  return String.fromCharCode(...codes)
}

/**
 * Encodes a compact JWS as a single SMART Health Card QR text, `shc:/` and two digits per
 * character. The inverse of {@link decodeShcQr}.
 *
 * @throws {RangeError} for a character outside `-` to `z`, which no compact JWS holds.
 */
export function encodeShcQr(jws: string): string {
  let digits = ''
  for (let i = 0; i < jws.length; i++) {
    const pair = jws.charCodeAt(i) - OFFSET
    if (pair < 0 || pair > LARGEST_PAIR) {
      throw new RangeError(`character ${JSON.stringify(jws[i])} cannot appear in a compact JWS`)
    }
    digits += pair < 10 ? `0${pair}` : String(pair)
  }
  return SHC_PREFIX + digits
}

/** A short, printable description of how a text starts, for messages. */
export function describeStart(text: string): string {
  if (text.length === 0) return 'an empty text'
  if (/^\s/.test(text)) return `whitespace before ${JSON.stringify(text.trim().slice(0, 8))}`
  return JSON.stringify(text.slice(0, 8))
}
