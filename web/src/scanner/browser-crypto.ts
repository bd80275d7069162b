// The three steps of HC1 verification that the server does with Node (zlib, node:crypto), done with
// what browsers have: DecompressionStream and WebCrypto. What is not Node-specific in them (the
// zlib header, the inflate limit, the bytes each revocation hash is taken of and how it is
// written) is the server's own code, through shared-codec.ts. Node has both APIs, so the tests
// run these.
import {
  type CoseAlgorithm,
  Hc1Error,
  INFLATE_LIMIT,
  checkZlibHeader,
  countryCodeUciHashBytes,
  revocationHashText,
  signatureHashBytes,
  uciHashBytes,
} from './shared-codec.js'
import type { PublicJwk } from './offline-bundle.js'

/**
 * Inflates a zlib stream (RFC 1950; HCERT section 4.2) with the browser's DecompressionStream,
 * reading the output chunk by chunk and stopping as soon as it passes `limit` bytes (the server's
 * `INFLATE_LIMIT` unless told).
 *
 * @throws {Hc1Error} `ERR_HC1_NOT_COMPRESSED` without a zlib header, `ERR_HC1_INFLATE` for a broken
 *   or truncated stream or bytes after its end, `ERR_HC1_INFLATE_LIMIT` past `limit` bytes.
 */
export async function inflateInBrowser(
  compressed: Uint8Array,
  limit = INFLATE_LIMIT,
): Promise<Uint8Array> {
  checkZlibHeader(compressed)
  const inflated = await inflateAll(compressed, limit)
  // The server refuses bytes after the end of the zlib stream: nobody signed them. Browsers that
  // follow the Compression Streams standard refuse them too, but not every runtime does (Node 20
  // ignores them); so the stream must also fail to complete without its last byte, which holds
  // only when it ends exactly there.
  if (await completes(compressed.subarray(0, compressed.length - 1), limit)) {
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      'expected the zlib stream to end the payload, but bytes follow it',
    )
  }
  return inflated
}

async function completes(compressed: Uint8Array, limit: number): Promise<boolean> {
  try {
    await inflateAll(compressed, limit)
    return true
  } catch {
    return false
  }
}

async function inflateAll(compressed: Uint8Array, limit: number): Promise<Uint8Array> {
  // 'deflate' in the Compression Streams standard is the zlib format, header and Adler-32 and all.
  const stream = new DecompressionStream('deflate')
  const writer = stream.writable.getWriter()
  // Failures show on the reading side; these promises only must not go unhandled.
  writer.write(new Uint8Array(compressed)).catch(() => undefined)
  writer.close().catch(() => undefined)
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > limit) {
        await reader.cancel().catch(() => undefined)
        throw new Hc1Error(
          'ERR_HC1_INFLATE_LIMIT',
          `expected at most ${limit} bytes once inflated, but the payload inflates to more`,
        )
      }
      chunks.push(value)
    }
  } catch (cause) {
    if (cause instanceof Hc1Error) throw cause
    throw new Hc1Error(
      'ERR_HC1_INFLATE',
      `expected a complete zlib stream (RFC 1950), but inflating failed: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    )
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

type VerifyingKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

/** Imports a trusted signer's public key for ES256 or PS256 verification. */
export async function importVerifyingKey(
  publicKey: PublicJwk,
  algorithm: CoseAlgorithm,
): Promise<VerifyingKey> {
  return crypto.subtle.importKey(
    'jwk',
    publicKey,
    algorithm === 'ES256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSA-PSS', hash: 'SHA-256' },
    false,
    ['verify'],
  )
}

/**
 * Checks a COSE signature over the exact bytes signed (the Sig_structure of the bytes received).
 * ES256 is r ‖ s, 32 bytes each (RFC 9053 section 2.1), which is WebCrypto's own ECDSA form.
 * PS256 is RSASSA-PSS with SHA-256: RFC 8230 fixes the salt at the hash length (32), and WebCrypto
 * checks one salt length at a time, so the longest one (what some issuers chose, and what the
 * server accepts too since it reads the salt length from the signature) is tried after it.
 * Never throws: a malformed signature is one that does not verify.
 */
export async function verifyCoseSignature(
  algorithm: CoseAlgorithm,
  key: VerifyingKey,
  signedBytes: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const data = new Uint8Array(signedBytes)
  const sig = new Uint8Array(signature)
  try {
    if (algorithm === 'ES256') {
      if (sig.length !== 64) return false
      return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, data)
    }
    const modulusBits = (key.algorithm as { modulusLength?: number }).modulusLength ?? 0
    // RFC 8017 section 9.1.1: emLen = ⌈(modBits − 1) / 8⌉, and the salt is at most emLen − hLen − 2.
    const longest = Math.ceil((modulusBits - 1) / 8) - 32 - 2
    for (const saltLength of longest > 32 ? [32, longest] : [32]) {
      if (await crypto.subtle.verify({ name: 'RSA-PSS', saltLength }, key, sig, data)) return true
    }
    return false
  } catch {
    return false
  }
}

/** The `UCI` hash of a UVCI, as the server's `uciHash`. */
export async function uciHash(uvci: string): Promise<string> {
  return revocationHashText(await sha256(uciHashBytes(uvci)))
}

/** The `COUNTRYCODEUCI` hash of an issuing country and a UVCI, as the server's. */
export async function countryCodeUciHash(country: string, uvci: string): Promise<string> {
  return revocationHashText(await sha256(countryCodeUciHashBytes(country, uvci)))
}

/** The `SIGNATURE` hash of a COSE signature, as the server's `signatureHash`. */
export async function signatureHash(
  signature: Uint8Array,
  algorithm: CoseAlgorithm,
): Promise<string> {
  return revocationHashText(await sha256(signatureHashBytes(signature, algorithm)))
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)))
}
