import { ShcError, shcSpec } from './errors.js'
import { SHC_MAX_JWS_LENGTH } from './numeric.js'

/**
 * The three ways a SMART Health Card arrives: a numeric QR text (`shc:/…`), a bare compact JWS, or
 * a `.smart-health-card` file (`{"verifiableCredential": [jws, …]}`).
 */
export type ShcInputForm = 'qr' | 'jws' | 'file'

/**
 * The largest `.smart-health-card` file read, in characters. A file of cards that each fit a QR
 * code holds hundreds of them in 1 MiB; this bounds the work one input can cause.
 */
export const SHC_MAX_FILE_LENGTH = 1024 * 1024

/**
 * Tells which form of SMART Health Card a text has, by its shape alone, or `undefined` when it has
 * none of them (an `HC1:` code, say). It does not check that the text is well-formed.
 */
export function shcInputForm(text: string): ShcInputForm | undefined {
  if (text.startsWith('shc:')) return 'qr'
  if (/^\s*\{/.test(text)) return 'file'
  // Base64url characters and at least one dot: what a compact JWS is made of (RFC 7515 7.1).
  if (/^[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*$/.test(text)) return 'jws'
  return undefined
}

/**
 * Reads the JWS strings of a `.smart-health-card` file (spec, "via File Download").
 *
 * @throws {ShcError} `ERR_SHC_TOO_LONG` for a file over {@link SHC_MAX_FILE_LENGTH} characters,
 *   `ERR_SHC_FILE` when it is not JSON of the form `{"verifiableCredential": [string, …]}` with at
 *   least one card.
 */
export function readShcFile(text: string): string[] {
  if (text.length > SHC_MAX_FILE_LENGTH) {
    throw new ShcError(
      'ERR_SHC_TOO_LONG',
      `expected a .smart-health-card file of at most ${SHC_MAX_FILE_LENGTH} characters, but it has ${text.length}`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new ShcError(
      'ERR_SHC_FILE',
      `expected a .smart-health-card file to be JSON (${shcSpec.file}), but ${(cause as Error).message}`,
      { cause },
    )
  }
  const credentials =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)['verifiableCredential']
      : undefined
  if (!Array.isArray(credentials)) {
    throw new ShcError(
      'ERR_SHC_FILE',
      `expected a .smart-health-card file to be an object with a "verifiableCredential" array (${shcSpec.file}), but it has none`,
    )
  }
  if (credentials.length === 0) {
    throw new ShcError(
      'ERR_SHC_FILE',
      'expected a .smart-health-card file to hold at least one card, but its "verifiableCredential" array is empty',
    )
  }
  const notText = credentials.findIndex((item) => typeof item !== 'string')
  if (notText !== -1) {
    throw new ShcError(
      'ERR_SHC_FILE',
      `expected every "verifiableCredential" entry to be a compact JWS string (${shcSpec.file}), but entry ${notText} is ${describeJsonType(credentials[notText])}`,
    )
  }
  return credentials as string[]
}

/**
 * Checks that a compact JWS is no longer than a numeric QR code can carry, whatever its form.
 *
 * @throws {ShcError} `ERR_SHC_TOO_LONG` when it is longer than {@link SHC_MAX_JWS_LENGTH}.
 */
export function checkJwsLength(jws: string): void {
  if (jws.length > SHC_MAX_JWS_LENGTH) {
    throw new ShcError(
      'ERR_SHC_TOO_LONG',
      `expected a compact JWS of at most ${SHC_MAX_JWS_LENGTH} characters (what one numeric QR code holds), but it has ${jws.length}`,
    )
  }
}

/** `an array`, `a number`, `null`…: how a JSON value is named in messages. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value === undefined) return 'missing'
  const type = typeof value
  return type === 'object' ? 'an object' : `a ${type}`
}
