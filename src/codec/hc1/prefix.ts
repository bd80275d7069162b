import { Hc1Error } from './errors.js'

/** The context identifier of an HCERT version 1 payload (HCERT 1.3.0, section 4.3). */
export const HC1_PREFIX = 'HC1:'

/**
 * The longest text a QR code can carry (ISO/IEC 18004, version 40-L, alphanumeric mode). A longer
 * input cannot have come from a QR code and is refused before any decoding work.
 */
export const HC1_MAX_TEXT_LENGTH = 4296

/**
 * Strips the `HC1:` context identifier and returns the Base45 text behind it.
 *
 * @throws {Hc1Error} `ERR_HC1_TOO_LONG` when the text exceeds a QR code's capacity,
 *   `ERR_HC1_PREFIX` when it does not start with `HC1:`.
 */
export function stripHc1Prefix(text: string): string {
  return text.slice(checkHc1Prefix(text))
}

/**
 * Checks the `HC1:` context identifier as {@link stripHc1Prefix} does, without a copy of the rest.
 *
 * @returns where the Base45 text behind it starts.
 * @throws {Hc1Error} as {@link stripHc1Prefix}.
 */
export function checkHc1Prefix(text: string): number {
  if (text.length > HC1_MAX_TEXT_LENGTH) {
    throw new Hc1Error(
      'ERR_HC1_TOO_LONG',
      `expected at most ${HC1_MAX_TEXT_LENGTH} characters (a QR code's capacity), but the text has ${text.length}`,
    )
  }
  if (!text.startsWith(HC1_PREFIX)) {
    const found = text.length === 0 ? 'an empty text' : JSON.stringify(text.slice(0, 4))
    throw new Hc1Error(
      'ERR_HC1_PREFIX',
      `expected the context identifier "HC1:" (HCERT section 4.3), but found ${found}`,
    )
  }
  return HC1_PREFIX.length
}
