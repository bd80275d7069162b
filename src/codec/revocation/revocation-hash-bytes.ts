import type { CoseAlgorithm } from '../hc1/cose.js'

// What each DCC revocation hash is taken of and how it is written, without the SHA-256 itself:
// the server hashes with node:crypto, the browser's door scanner with WebCrypto, and both build
// the same bytes and the same text here (revocation-hashes.ts draws the whole rule).

/** The bytes of the `UCI` hash: the UTF-8 of the UVCI. */
export function uciHashBytes(uvci: string): Uint8Array {
  return new TextEncoder().encode(uvci)
}

/** The bytes of the `COUNTRYCODEUCI` hash: the UTF-8 of the issuing country followed by the UVCI. */
export function countryCodeUciHashBytes(country: string, uvci: string): Uint8Array {
  return new TextEncoder().encode(country + uvci)
}

/**
 * The bytes of the `SIGNATURE` hash: r alone for ES256 (the first half of r ‖ s, as ECDSA
 * signatures are malleable in s), the whole signature for PS256.
 */
export function signatureHashBytes(signature: Uint8Array, algorithm: CoseAlgorithm): Uint8Array {
  return algorithm === 'ES256' ? signature.subarray(0, signature.length >> 1) : signature
}

/** A revocation hash as lists write it: the first 16 bytes of the SHA-256 digest, padded base64. */
export function revocationHashText(sha256Digest: Uint8Array): string {
  return encodeBase64(sha256Digest.subarray(0, 16))
}

const HASH_TEXT = /^[A-Za-z0-9+/]{22}==$/

/**
 * A revocation hash in the form lists are compared in: padded standard base64 of 16 bytes (an
 * unpadded one is padded, unused trailing bits are cleared), or undefined for anything else.
 */
export function normalHash(hash: string): string | undefined {
  // 16 bytes are 22 base64 characters and "==".
  const padded = hash.length === 22 ? `${hash}==` : hash
  if (!HASH_TEXT.test(padded)) return undefined
  return encodeBase64(decodeBase64Digits(padded.slice(0, 22), 16))
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Standard base64 with padding (RFC 4648 section 4). */
export function encodeBase64(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    const group = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    text += ALPHABET.charAt(group >> 18) + ALPHABET.charAt((group >> 12) & 63)
    text += b === undefined ? '=' : ALPHABET.charAt((group >> 6) & 63)
    text += c === undefined ? '=' : ALPHABET.charAt(group & 63)
  }
  return text
}

/** `length` bytes from base64 digits already checked against the alphabet. */
function decodeBase64Digits(digits: string, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let bits = 0
  let value = 0
  let index = 0
  for (const digit of digits) {
    value = (value << 6) | ALPHABET.indexOf(digit)
    bits += 6
    if (bits >= 8 && index < length) {
      bits -= 8
      bytes[index++] = (value >> bits) & 0xff
    }
  }
  return bytes
}
