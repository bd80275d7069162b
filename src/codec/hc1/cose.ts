import { Tag } from 'cbor-x'
import { cborDecoder } from './cbor.js'
import { CborReader, INDEFINITE_LENGTH } from './cbor-reader.js'
import { Hc1Error } from './errors.js'
import { pooledBytes } from './pooled-bytes.js'

/** COSE header labels (RFC 9052, section 3.1). */
const HEADER_ALG = 1
const HEADER_KID = 4

/** CBOR tags around a COSE_Sign1 (RFC 9052 section 4.2; CWT tag of RFC 8392 section 6). */
const TAG_COSE_SIGN1 = 18
const TAG_CWT = 61

/** The COSE algorithms HCERT allows (section 3.3.2): ES256 and PS256. */
export const coseAlgorithms = { ES256: -7, PS256: -37 } as const

/** A COSE algorithm HCERT allows. */
export type CoseAlgorithm = keyof typeof coseAlgorithms

/** A decoded COSE_Sign1 message, with the exact bytes that were signed. */
export interface CoseSign1 {
  /** The protected header as received: it is signed as these bytes, never re-encoded. */
  readonly protectedBytes: Uint8Array
  readonly protectedHeader: ReadonlyMap<unknown, unknown>
  readonly unprotectedHeader: ReadonlyMap<unknown, unknown>
  /** The payload as received (the CWT claims, still CBOR). */
  readonly payload: Uint8Array
  readonly signature: Uint8Array
  /** The algorithm label, from the protected header, or the unprotected one when absent there. */
  readonly algorithm: unknown
  /** The key identifier, from the protected header, or only when absent there, the unprotected one. */
  readonly kid: Uint8Array | undefined
}

/**
 * Decodes a COSE_Sign1 message (RFC 9052, section 4.2): tagged 18, untagged, or additionally
 * wrapped in the CWT tag 61 (dgc-testdata CO28). A message whose headers hold integers, texts and
 * byte strings, as every issuer's do, is read in one pass ({@link readCoseSign1Directly});
 * anything else goes through cbor-x ({@link decodeCoseSign1ThroughCborX}), which decides and
 * explains every refusal.
 *
 * @throws {Hc1Error} `ERR_COSE_CBOR` when the bytes are not one CBOR item, `ERR_COSE_STRUCTURE`
 *   when that item is not a COSE_Sign1.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  return readCoseSign1Directly(bytes) ?? decodeCoseSign1ThroughCborX(bytes)
}

/**
 * Reads a COSE_Sign1 message with {@link CborReader}: an array of 4 of definite length, under
 * tag 18, tag 61 then 18, or none, whose headers are maps of integers, texts and byte strings.
 *
 * @returns what {@link decodeCoseSign1ThroughCborX} returns for the same bytes, its byte strings
 *   views of `bytes` as there; `undefined` for anything else (declined).
 * @throws {Hc1Error} `ERR_COSE_STRUCTURE` as {@link decodeCoseSign1ThroughCborX} for a kid that is
 *   not a byte string.
 */
export function readCoseSign1Directly(bytes: Uint8Array): CoseSign1 | undefined {
  const reader = new CborReader(bytes)
  // Tag 61 is taken off before tag 18, as below.
  reader.readTagHead(TAG_CWT)
  reader.readTagHead(TAG_COSE_SIGN1)
  if (reader.readArrayHead() !== 4) return undefined
  const protectedBytes = reader.readBytes()
  if (protectedBytes === undefined) return undefined
  const unprotectedHeader = readHeaderDirectly(reader)
  if (unprotectedHeader === undefined) return undefined
  const payload = reader.readBytes()
  if (payload === undefined) return undefined
  const signature = reader.readBytes()
  if (signature === undefined || !reader.atEnd()) return undefined
  let protectedHeader: Map<unknown, unknown> | undefined = new Map()
  if (protectedBytes.length > 0) {
    const protectedReader = new CborReader(protectedBytes)
    protectedHeader = readHeaderDirectly(protectedReader)
    if (protectedHeader === undefined || !protectedReader.atEnd()) return undefined
  }
  return coseSign1Of(protectedBytes, protectedHeader, unprotectedHeader, payload, signature)
}

/** A header map of integers, texts and byte strings, as a `Map`; `undefined` when declined. */
function readHeaderDirectly(reader: CborReader): Map<unknown, unknown> | undefined {
  const entries = reader.readMapHead()
  if (entries === undefined) return undefined
  const header = new Map<unknown, unknown>()
  for (let i = 0; entries === INDEFINITE_LENGTH ? !reader.readBreak() : i < entries; i++) {
    const label = reader.readScalar()
    if (label === undefined) return undefined
    const value = reader.readScalar()
    if (value === undefined) return undefined
    header.set(label, value)
  }
  return header
}

/**
 * Decodes a COSE_Sign1 message through cbor-x: the codec's reading from the start, and the one
 * that explains every refusal. {@link decodeCoseSign1} takes it for whatever
 * {@link readCoseSign1Directly} declines.
 *
 * @throws {Hc1Error} as {@link decodeCoseSign1}.
 */
export function decodeCoseSign1ThroughCborX(bytes: Uint8Array): CoseSign1 {
  let item: unknown
  try {
    item = cborDecoder.decode(bytes)
  } catch (cause) {
    throw new Hc1Error(
      'ERR_COSE_CBOR',
      `expected one CBOR item (a COSE_Sign1, RFC 9052 section 4.2), but decoding failed: ${(cause as Error).message}`,
      { cause },
    )
  }
  if (item instanceof Tag && item.tag === TAG_CWT) item = item.value
  if (item instanceof Tag && item.tag === TAG_COSE_SIGN1) item = item.value
  if (item instanceof Tag) {
    throw new Hc1Error(
      'ERR_COSE_STRUCTURE',
      `expected a COSE_Sign1 (tag 18, untagged, or inside CWT tag 61), but found CBOR tag ${item.tag}`,
    )
  }
  if (!Array.isArray(item) || item.length !== 4) {
    throw new Hc1Error(
      'ERR_COSE_STRUCTURE',
      `expected a COSE_Sign1 array of 4 items (RFC 9052 section 4.2), but found ${describe(item)}`,
    )
  }
  const [protectedBytes, unprotectedHeader, payload, signature] = item as unknown[]
  if (!(protectedBytes instanceof Uint8Array)) {
    throw structure('the protected header', 'a byte string', protectedBytes)
  }
  if (!(unprotectedHeader instanceof Map)) {
    throw structure('the unprotected header', 'a map', unprotectedHeader)
  }
  if (!(payload instanceof Uint8Array)) throw structure('the payload', 'a byte string', payload)
  if (!(signature instanceof Uint8Array))
    throw structure('the signature', 'a byte string', signature)

  // RFC 9052 section 3: a zero-length protected header stands for an empty map.
  let protectedHeader: unknown = new Map()
  if (protectedBytes.length > 0) {
    try {
      protectedHeader = cborDecoder.decode(protectedBytes)
    } catch (cause) {
      throw new Hc1Error(
        'ERR_COSE_STRUCTURE',
        `expected the protected header to be an encoded map, but decoding failed: ${(cause as Error).message}`,
        { cause },
      )
    }
  }
  if (!(protectedHeader instanceof Map)) {
    throw structure('the protected header', 'an encoded map', protectedHeader)
  }
  return coseSign1Of(protectedBytes, protectedHeader, unprotectedHeader, payload, signature)
}

/**
 * The message from its parts: the kid and the algorithm from the protected header, or the
 * unprotected one when absent there.
 *
 * @throws {Hc1Error} `ERR_COSE_STRUCTURE` for a kid that is not a byte string.
 */
function coseSign1Of(
  protectedBytes: Uint8Array,
  protectedHeader: Map<unknown, unknown>,
  unprotectedHeader: Map<unknown, unknown>,
  payload: Uint8Array,
  signature: Uint8Array,
): CoseSign1 {
  const kid = protectedHeader.has(HEADER_KID)
    ? protectedHeader.get(HEADER_KID)
    : unprotectedHeader.get(HEADER_KID)
  if (kid !== undefined && !(kid instanceof Uint8Array)) {
    throw structure('the kid header', 'a byte string', kid)
  }
  const algorithm = protectedHeader.has(HEADER_ALG)
    ? protectedHeader.get(HEADER_ALG)
    : unprotectedHeader.get(HEADER_ALG)
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, signature, algorithm, kid }
}

/**
 * Names the algorithm of a message, if HCERT allows it.
 *
 * @throws {Hc1Error} `ERR_COSE_ALGORITHM` for anything but ES256 (-7) and PS256 (-37).
 */
export function coseAlgorithmOf(message: CoseSign1): CoseAlgorithm {
  if (message.algorithm === coseAlgorithms.ES256) return 'ES256'
  if (message.algorithm === coseAlgorithms.PS256) return 'PS256'
  throw new Hc1Error(
    'ERR_COSE_ALGORITHM',
    `expected the algorithm ES256 (-7) or PS256 (-37) (HCERT section 3.3.2), but found ${message.algorithm === undefined ? 'none' : String(message.algorithm)}`,
  )
}

/**
 * The bytes a COSE_Sign1 signature covers (RFC 9052, section 4.4):
 *
 * ```
 * Sig_structure = [ "Signature1", body_protected: bstr, external_aad: bstr (empty), payload: bstr ]
 *   84                         array of 4
 *   6A 5369676E617475726531    text(10) "Signature1"
 *   4x|58 xx|59 xxxx ...       bstr protected, as received
 *   40                         bstr(0) external_aad
 *   4x|58 xx|59 xxxx ...       bstr payload, as received
 * ```
 */
export function coseSign1SignedBytes(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  // Written in one buffer, heads included: this runs once per verification, next to the signature.
  // Every byte is written below.
  const out = pooledBytes(
    SIG_STRUCTURE_START.length +
      byteStringHeadLength(protectedBytes.length) +
      protectedBytes.length +
      1 +
      byteStringHeadLength(payload.length) +
      payload.length,
  )
  out.set(SIG_STRUCTURE_START, 0)
  let o = writeByteStringHead(out, SIG_STRUCTURE_START.length, protectedBytes.length)
  out.set(protectedBytes, o)
  o += protectedBytes.length
  out[o++] = 0x40
  o = writeByteStringHead(out, o, payload.length)
  out.set(payload, o)
  return out
}

/**
 * Encodes a COSE_Sign1 message (RFC 9052 section 4.2), tagged 18, with an empty unprotected
 * header: the protected header and the payload go in as the very byte strings that were signed.
 * Every head in its shortest form (RFC 8949 section 4.2.1), as cbor-x writes them.
 *
 * ```
 * D2                          tag 18
 *   84                        array of 4
 *   4x|58 xx|59 xxxx ...      bstr protected
 *   A0                        map(0) unprotected
 *   4x|58 xx|59 xxxx ...      bstr payload
 *   4x|58 xx|59 xxxx ...      bstr signature
 * ```
 */
export function encodeCoseSign1(
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const out = pooledBytes(
    2 +
      byteStringHeadLength(protectedBytes.length) +
      protectedBytes.length +
      1 +
      byteStringHeadLength(payload.length) +
      payload.length +
      byteStringHeadLength(signature.length) +
      signature.length,
  )
  out[0] = 0xc0 | TAG_COSE_SIGN1
  out[1] = 0x84
  let o = writeByteStringHead(out, 2, protectedBytes.length)
  out.set(protectedBytes, o)
  o += protectedBytes.length
  out[o++] = 0xa0
  o = writeByteStringHead(out, o, payload.length)
  out.set(payload, o)
  o += payload.length
  o = writeByteStringHead(out, o, signature.length)
  out.set(signature, o)
  return out
}

const SIG_STRUCTURE_START = new Uint8Array([
  0x84, 0x6a, 0x53, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75, 0x72, 0x65, 0x31,
])

/** The size of the CBOR head of a byte string of the given length (RFC 8949, section 3.1). */
function byteStringHeadLength(length: number): number {
  return length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5
}

/**
 * Writes the CBOR head of a byte string of the given length (RFC 8949, section 3.1, major type 2)
 * at `offset`, and returns the offset after it.
 */
function writeByteStringHead(out: Uint8Array, offset: number, length: number): number {
  let o = offset
  if (length < 24) {
    out[o++] = 0x40 | length
  } else if (length < 0x100) {
    out[o++] = 0x58
    out[o++] = length
  } else if (length < 0x10000) {
    out[o++] = 0x59
    out[o++] = length >> 8
    out[o++] = length & 0xff
  } else {
    out[o++] = 0x5a
    out[o++] = length >>> 24
    out[o++] = (length >> 16) & 0xff
    out[o++] = (length >> 8) & 0xff
    out[o++] = length & 0xff
  }
  return o
}

function structure(what: string, expected: string, found: unknown): Hc1Error {
  return new Hc1Error(
    'ERR_COSE_STRUCTURE',
    `expected ${what} to be ${expected}, but found ${describe(found)}`,
  )
}

/** Describes a decoded CBOR item for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return `an array of ${value.length} items`
  if (value instanceof Map) return `a map of ${value.size} entries`
  if (value instanceof Uint8Array) return `a byte string of ${value.length} bytes`
  if (value instanceof Tag) return `CBOR tag ${value.tag}`
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 40))}`
  return `the ${typeof value} ${String(value)}`
}
