import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadDgcVectors } from '../../../test/dgc-test-vectors.js'
import { seededRandom, type SeededRandom } from '../../../test/seeded-random.js'
import { decodeBase45 } from './base45.js'
import {
  decodeCoseSign1,
  decodeCoseSign1ThroughCborX,
  readCoseSign1Directly,
  type CoseSign1,
} from './cose.js'
import {
  HEALTHCODE_ANTIBODY_CLAIM,
  HEALTHCODE_STATUS_CLAIM,
  decodeHc1ClaimsThroughMaps,
  readHc1ClaimsDirectly,
  type Hc1Claims,
} from './cwt.js'
import { inflateZlib } from './inflate.js'
import { stripHc1Prefix } from './prefix.js'

/*
 * The direct readings of the claims (readHc1ClaimsDirectly) and of the COSE message
 * (readCoseSign1Directly), both with CborReader, against the readings through cbor-x that they
 * stand in for: whenever a direct reading answers, the other answers the very same, down to the
 * order of keys, -0, prototypes and which bytes a view shows. Whatever it declines goes the other
 * way, so that the two can differ only where this test looks.
 */

const SEED = Number(process.env['CWT_READER_SEED'] ?? 0xcb0_25a1)

/** The outcome of the reading through Maps: its claims, or its error's code and message. */
function throughMaps(payload: Uint8Array): Hc1Claims | string {
  try {
    return decodeHc1ClaimsThroughMaps(payload)
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    return `${code}: ${message}`
  }
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/**
 * Checks the one invariant; returns whether the direct reading answered (or declined).
 */
function assertSameReading(payload: Uint8Array): boolean {
  const direct = readHc1ClaimsDirectly(payload)
  if (direct === undefined) return false
  const reference = throughMaps(payload)
  assert.notEqual(
    typeof reference,
    'string',
    `read directly, but refused through Maps (${String(reference)}): ${hexOf(payload)}`,
  )
  assert.deepStrictEqual(direct, reference, hexOf(payload))
  // deepStrictEqual ignores the order of keys; the schema's error messages and the answers do not.
  assert.equal(JSON.stringify(direct), JSON.stringify(reference), hexOf(payload))
  return true
}

/** The payload (CWT claims) of each vector whose COSE decodes. */
const vectorPayloads = loadDgcVectors().flatMap((vector) => {
  try {
    const cose = vector.cose ?? inflateZlib(decodeBase45(stripHc1Prefix(vector.text ?? '')))
    return [{ id: vector.id, payload: decodeCoseSign1(cose).payload }]
  } catch {
    return []
  }
})

/** Writes CBOR heads and items, in every form cbor-x reads, shortest or not. */
class CborWriter {
  readonly bytes: number[] = []

  head(major: number, value: number, random: SeededRandom): this {
    const form = random.int(8)
    const m = major << 5
    if (value < 24 && form < 5) this.bytes.push(m | value)
    else if (value < 0x100 && form < 6) this.bytes.push(m | 24, value)
    else if (value < 0x10000 && form < 7) this.bytes.push(m | 25, value >> 8, value & 0xff)
    else if (value < 2 ** 32 && form < 8)
      this.bytes.push(m | 26, value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff)
    else
      this.bytes.push(
        m | 27,
        0,
        0,
        0,
        0,
        value >>> 24,
        (value >> 16) & 0xff,
        (value >> 8) & 0xff,
        value & 0xff,
      )
    return this
  }

  raw(...bytes: number[]): this {
    this.bytes.push(...bytes)
    return this
  }

  integer(value: number, random: SeededRandom): this {
    return value >= 0 ? this.head(0, value, random) : this.head(1, -1 - value, random)
  }

  text(bytes: readonly number[], random: SeededRandom): this {
    this.head(3, bytes.length, random)
    this.bytes.push(...bytes)
    return this
  }
}

const encoder = new TextEncoder()
const utf8 = (text: string): number[] => [...encoder.encode(text)]

/** Pieces of text, well-formed and not: what names, dates and codes hold, and what breaks them. */
const textPieces: readonly (readonly number[])[] = [
  ...[
    'a',
    'ver',
    'nam',
    'AT',
    '1.3.0',
    'Müller',
    'Ørsted',
    '€',
    '😀',
    'ß',
    '__proto__',
    '0',
    '12',
  ].map(utf8),
  utf8('Ministry of Health of the Republic, Directorate for Vaccinations'),
  [0xef, 0xbb, 0xbf], // a byte order mark
  [0xff],
  [0x80],
  [0xc0, 0x80], // overlong
  [0xc3], // cut short
  [0xe2, 0x82], // cut short
  [0xed, 0xa0, 0x80], // a surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf0, 0x8f, 0xbf, 0xbf], // overlong
  [0xe0, 0x9f, 0xbf], // overlong
  [0xf5, 0x80, 0x80, 0x80],
]

function randomTextBytes(random: SeededRandom): number[] {
  const bytes: number[] = []
  const pieces = random.int(4)
  for (let i = 0; i < pieces; i++) {
    // Mostly well-formed, so that whole texts often are.
    const piece = random.next() < 0.8 ? (textPieces[random.int(13)] ?? []) : random.pick(textPieces)
    bytes.push(...piece)
  }
  return bytes
}

const floats = [0, -0, 1, 1.5, 0.1, -2.5e-8, 1e300, 65504, 2 ** -24, NaN, Infinity, -Infinity]

/** A random item, mostly of the data model, sometimes not, nested up to `depth` more levels. */
function writeItem(w: CborWriter, random: SeededRandom, depth: number): void {
  const kind = random.int(depth > 0 ? 16 : 10)
  switch (kind) {
    case 0:
    case 1:
      w.integer(
        random.pick([
          0,
          1,
          23,
          24,
          255,
          256,
          65535,
          65536,
          2 ** 31,
          2 ** 32 - 1,
          -1,
          -24,
          -25,
          -257,
          -(2 ** 32),
        ]),
        random,
      )
      return
    case 2: {
      const view = new DataView(new ArrayBuffer(8))
      const form = random.int(3)
      if (form === 0) {
        w.raw(0xf9, random.int(256), random.int(256))
      } else if (form === 1) {
        view.setFloat32(0, random.pick(floats))
        if (random.next() < 0.3) view.setUint32(0, random.int(2 ** 32))
        w.raw(0xfa, ...new Uint8Array(view.buffer, 0, 4))
      } else {
        view.setFloat64(0, random.pick(floats))
        w.raw(0xfb, ...new Uint8Array(view.buffer))
      }
      return
    }
    case 3:
    case 4:
    case 5:
      w.text(randomTextBytes(random), random)
      return
    case 6:
      w.raw(random.pick([0xf4, 0xf5, 0xf6, 0xf6, 0xf7, 0xf0, 0xf8]))
      if (w.bytes.at(-1) === 0xf8) w.raw(random.pick([0x14, 0x15, 0x16, 0x17, 0x20]))
      return
    case 7:
      w.head(2, 2, random).raw(1, 2)
      return
    case 8: {
      const tag = random.pick([0, 0, 1, 1, 2, 4, 6, 55799])
      w.head(6, tag, random)
      if (tag === 0 && random.next() < 0.8) w.text(utf8('2021-05-30T10:12:22Z'), random)
      else if (tag === 1 && random.next() < 0.8)
        w.integer(random.pick([0, 1_622_369_542, -1]), random)
      else writeItem(w, random, Math.max(0, depth - 1))
      return
    }
    case 9:
      // Indefinite-length text or bytes, which cbor-x refuses.
      w.raw(random.pick([0x5f, 0x7f]), 0x61, 0x61, 0xff)
      return
    case 10:
    case 11:
    case 12: {
      const length = random.int(4)
      const indefinite = random.next() < 0.2
      if (indefinite) w.raw(0x9f)
      else w.head(4, length, random)
      for (let i = 0; i < length; i++) writeItem(w, random, depth - 1)
      if (indefinite) w.raw(0xff)
      return
    }
    default:
      writeMap(w, random, depth - 1)
  }
}

/** A random map, mostly with text keys, sometimes repeated ones or keys of other kinds. */
function writeMap(w: CborWriter, random: SeededRandom, depth: number): void {
  const length = random.int(5)
  const indefinite = random.next() < 0.2
  if (indefinite) w.raw(0xbf)
  else w.head(5, length, random)
  for (let i = 0; i < length; i++) {
    if (random.next() < 0.93)
      w.text(utf8(random.pick(['a', 'b', 'ver', '__proto__', 'nam', '1'])), random)
    else writeItem(w, random, 0)
    writeItem(w, random, Math.max(0, depth))
  }
  if (indefinite) w.raw(0xff)
}

/** A random claims map: the known claims in every form, payloads, unknown claims, repeats. */
function randomClaims(random: SeededRandom): Uint8Array {
  const w = new CborWriter()
  if (random.next() < 0.05) w.raw(0xd9, 0xd9, 0xf7)
  const entries: (() => void)[] = []
  const claim = (key: number, value: () => void): void => {
    entries.push(() => {
      if (random.next() < 0.03)
        w.raw(0xf9, 0x3c, 0x00) // 1.0 as a key
      else w.integer(key, random)
      value()
    })
  }
  const numericDate = (): void => {
    const form = random.int(10)
    if (form < 5) w.integer(random.pick([1_620_000_000, 1_654_000_000, 0, -5]), random)
    else if (form < 7) writeItem(w, random, 0)
    else w.head(6, 1, random).raw(0xfb, 0x41, 0xd8, 0x2a, 0x5d, 0x01, 0x80, 0x00, 0x00)
  }
  const payloadMap = (): void => writeMap(w, random, random.int(random.next() < 0.05 ? 20 : 5))
  if (random.next() < 0.9)
    claim(1, () => (random.next() < 0.9 ? w.text(utf8('AT'), random) : writeItem(w, random, 0)))
  if (random.next() < 0.9) claim(4, numericDate)
  if (random.next() < 0.9) claim(6, numericDate)
  const payloads = random.next() < 0.9 ? 1 : random.int(3)
  for (let p = 0; p < payloads; p++) {
    const which = random.int(6)
    if (which < 4) {
      claim(-260, () => {
        if (random.next() < 0.05) return writeItem(w, random, 1)
        const hcertEntries = random.next() < 0.9 ? 1 : random.int(3)
        w.head(5, hcertEntries, random)
        for (let i = 0; i < hcertEntries; i++) {
          w.integer(random.next() < 0.9 ? 1 : random.int(3), random)
          payloadMap()
        }
      })
    } else {
      claim(which === 4 ? HEALTHCODE_ANTIBODY_CLAIM : HEALTHCODE_STATUS_CLAIM, payloadMap)
    }
  }
  for (let u = random.int(3); u > 0; u--)
    claim(random.pick([2, 7, -261, 100_000]), () => writeItem(w, random, 2))
  if (random.next() < 0.05) entries.push(() => w.text(utf8('-260'), random).raw(0xa0))
  for (let i = entries.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[entries[i], entries[j]] = [entries[j] as () => void, entries[i] as () => void]
  }
  const indefinite = random.next() < 0.1
  if (indefinite) w.raw(0xbf)
  else w.head(5, entries.length, random)
  for (const write of entries) write()
  if (indefinite) w.raw(0xff)
  if (random.next() < 0.03) w.raw(0x00)
  return new Uint8Array(w.bytes)
}

describe('readHc1ClaimsDirectly', () => {
  it('reads the claims of every vector that decodes, as the reading through Maps does', () => {
    let accepted = 0
    for (const { id, payload } of vectorPayloads) {
      if (typeof throughMaps(payload) === 'string') continue
      accepted++
      assert.ok(assertSameReading(payload), `${id} was declined`)
    }
    assert.ok(accepted > 300, `only ${accepted} vectors decode`)
  })

  it('reads every half-precision float as cbor-x did, or declines it', () => {
    let read = 0
    for (let half = 0; half < 0x10000; half++) {
      // {1: "AT", -260: {1: {"a": <half>}}}
      const payload = new Uint8Array([0xa2, 0x01, 0x62, 0x41, 0x54, 0x39, 0x01, 0x03, 0xa1, 0x01])
      const bytes = new Uint8Array([...payload, 0xa1, 0x61, 0x61, 0xf9, half >> 8, half & 0xff])
      if (assertSameReading(bytes)) read++
    }
    // Only NaNs and infinities (2 × 1024 patterns) are declined.
    assert.equal(read, 0x10000 - 2048)
  })

  it('reads texts of every length up to 80, and of 60,000 characters, as cbor-x did', () => {
    const claimsAround = (text: string): Uint8Array => {
      const bytes = new TextEncoder().encode(text)
      const head =
        bytes.length < 24
          ? [0x60 | bytes.length]
          : bytes.length < 0x100
            ? [0x78, bytes.length]
            : [0x79, bytes.length >> 8, bytes.length & 0xff]
      // {1: "AT", -260: {1: {"a": <text>}}}
      const start = [0xa2, 0x01, 0x62, 0x41, 0x54, 0x39, 0x01, 0x03, 0xa1, 0x01, 0xa1, 0x61, 0x61]
      return new Uint8Array([...start, ...head, ...bytes])
    }
    for (let length = 0; length <= 80; length++) {
      for (const unit of ['A', 'é', '€', '😀']) {
        const text = length === 0 ? '' : ('0123456789'.repeat(8) + unit).slice(-length)
        assert.ok(assertSameReading(claimsAround(text)), `${length} characters ending in ${unit}`)
      }
    }
    assert.ok(assertSameReading(claimsAround('A'.repeat(60_000))))
    assert.ok(assertSameReading(claimsAround('Aé'.repeat(20_000))))
  })

  it(`reads random claims as the reading through Maps does, or declines them (seed ${SEED})`, () => {
    const random = seededRandom(SEED)
    let read = 0
    const cases = 20_000
    for (let i = 0; i < cases; i++) if (assertSameReading(randomClaims(random))) read++
    // The generator makes readable claims often enough for the comparison to mean something.
    assert.ok(read > cases / 10, `only ${read} of ${cases} read directly`)
  })

  it(`reads the vectors' payloads with bytes changed as the reading through Maps does, or declines them (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 1)
    let read = 0
    let cases = 0
    for (const { payload } of vectorPayloads) {
      for (let k = 0; k < 40; k++) {
        const mutated = Array.from(payload)
        const at = random.int(mutated.length)
        const how = random.int(4)
        if (how === 0) mutated[at] = random.int(256)
        else if (how === 1) mutated[at] = (mutated[at] as number) ^ (1 << random.int(8))
        else if (how === 2) mutated.splice(at, 1)
        else mutated.splice(at, 0, random.int(256))
        cases++
        if (assertSameReading(new Uint8Array(mutated))) read++
      }
      for (let cut = 0; cut < payload.length; cut += 7) {
        cases++
        if (assertSameReading(payload.subarray(0, cut))) read++
      }
    }
    assert.ok(read > cases / 20, `only ${read} of ${cases} read directly`)
  })
})

/** The outcome of the reading through cbor-x: the message, or its error's code and message. */
function coseThroughCborX(bytes: Uint8Array): CoseSign1 | string {
  try {
    return decodeCoseSign1ThroughCborX(bytes)
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    return `${code}: ${message}`
  }
}

/** The same bytes, of the same class, seen in the same place of the same buffer. */
function assertSameView(actual: unknown, expected: unknown, what: string): void {
  assert.ok(actual instanceof Uint8Array && expected instanceof Uint8Array, what)
  assert.equal(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), what)
  assert.equal(actual.buffer, expected.buffer, what)
  assert.equal(actual.byteOffset, expected.byteOffset, what)
  assert.equal(actual.byteLength, expected.byteLength, what)
}

function assertSameHeader(
  actual: ReadonlyMap<unknown, unknown>,
  expected: ReadonlyMap<unknown, unknown>,
  what: string,
): void {
  const actualEntries = [...actual].flat()
  const expectedEntries = [...expected].flat()
  assert.equal(actualEntries.length, expectedEntries.length, what)
  expectedEntries.forEach((item, i) => {
    if (item instanceof Uint8Array) assertSameView(actualEntries[i], item, `${what}, item ${i}`)
    else assert.equal(actualEntries[i], item, `${what}, item ${i}`)
  })
}

/** Checks the invariant for a COSE message; returns whether the direct reading answered. */
function assertSameCose(bytes: Uint8Array): boolean {
  let direct: CoseSign1 | string | undefined
  try {
    direct = readCoseSign1Directly(bytes)
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    direct = `${code}: ${message}`
  }
  if (direct === undefined) return false
  const reference = coseThroughCborX(bytes)
  const what = hexOf(bytes)
  if (typeof direct === 'string' || typeof reference === 'string') {
    assert.equal(direct, reference, what)
    return true
  }
  for (const field of ['protectedBytes', 'payload', 'signature'] as const) {
    assertSameView(direct[field], reference[field], `${field} of ${what}`)
  }
  assertSameHeader(direct.protectedHeader, reference.protectedHeader, `protected ${what}`)
  assertSameHeader(direct.unprotectedHeader, reference.unprotectedHeader, `unprotected ${what}`)
  if (reference.algorithm instanceof Uint8Array) {
    assertSameView(direct.algorithm, reference.algorithm, `algorithm of ${what}`)
  } else {
    assert.equal(direct.algorithm, reference.algorithm, what)
  }
  if (reference.kid === undefined) assert.equal(direct.kid, undefined, what)
  else assertSameView(direct.kid, reference.kid, `kid of ${what}`)
  return true
}

/** The COSE message of each vector whose text or COSE field decodes that far. */
const vectorMessages = loadDgcVectors().flatMap((vector) => {
  try {
    const cose = vector.cose ?? inflateZlib(decodeBase45(stripHc1Prefix(vector.text ?? '')))
    // As inflateZlib returns it: a Buffer, whose views are Buffers.
    return [{ id: vector.id, bytes: Buffer.from(cose) }]
  } catch {
    return []
  }
})

/** A random COSE header map: labels and values of every kind, mostly those issuers use. */
function writeHeader(w: CborWriter, random: SeededRandom): void {
  const length = random.int(4)
  const indefinite = random.next() < 0.1
  if (indefinite) w.raw(0xbf)
  else w.head(5, length, random)
  for (let i = 0; i < length; i++) {
    const label = random.int(10)
    if (label < 4) w.integer(1, random)
    else if (label < 8) w.integer(4, random)
    else if (label < 9) w.text(utf8(random.pick(['kid', 'alg'])), random)
    else writeItem(w, random, 0)
    const value = random.int(10)
    if (value < 3) w.integer(random.pick([-7, -37, -8, 0, 70_000]), random)
    else if (value < 7) w.head(2, 8, random).raw(...random.bytes(8))
    else if (value < 8) w.text(utf8(random.pick(['kid-AAAA', '€'])), random)
    else writeItem(w, random, 1)
  }
  if (indefinite) w.raw(0xff)
}

/** A random COSE_Sign1: tags, array and headers in every form, sometimes broken. */
function randomCose(random: SeededRandom): Uint8Array {
  const w = new CborWriter()
  const tags = random.int(10)
  if (tags === 0) w.head(6, 61, random)
  if (tags < 8) w.head(6, 18, random)
  if (tags === 9) w.head(6, random.pick([18, 61, 55799]), random).head(6, 18, random)
  const length = random.next() < 0.9 ? 4 : random.int(6)
  const indefinite = random.next() < 0.05
  if (indefinite) w.raw(0x9f)
  else w.head(4, length, random)
  for (let i = 0; i < length; i++) {
    const form = random.next()
    if (i === 1) {
      if (form < 0.9) writeHeader(w, random)
      else writeItem(w, random, 1)
    } else if (i === 0 && form < 0.85) {
      const header = new CborWriter()
      if (random.next() < 0.9) writeHeader(header, random)
      else writeItem(header, random, 1)
      if (random.next() < 0.05) header.raw(0x00)
      const encoded = random.next() < 0.1 ? [] : header.bytes
      w.head(2, encoded.length, random).raw(...encoded)
    } else if (form < 0.9) {
      const size = random.int(80)
      w.head(2, size, random).raw(...random.bytes(size))
    } else {
      writeItem(w, random, 1)
    }
  }
  if (indefinite) w.raw(0xff)
  if (random.next() < 0.03) w.raw(0x00)
  // As inflateZlib returns it: a Buffer.
  return Buffer.from(w.bytes)
}

describe('readCoseSign1Directly', () => {
  it('reads the message of every vector, as the reading through cbor-x does', () => {
    let read = 0
    for (const { id, bytes } of vectorMessages) {
      if (typeof coseThroughCborX(bytes) === 'string') continue
      assert.ok(assertSameCose(bytes), `${id} was declined`)
      read++
    }
    assert.ok(read > 300, `only ${read} vectors decode`)
  })

  it('reads a message in a plain Uint8Array as cbor-x does, its views plain Uint8Arrays too', () => {
    for (const { bytes } of vectorMessages.slice(0, 20)) assertSameCose(new Uint8Array(bytes))
  })

  it(`reads random messages as the reading through cbor-x does, or declines them (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 2)
    let read = 0
    const cases = 20_000
    for (let i = 0; i < cases; i++) if (assertSameCose(randomCose(random))) read++
    assert.ok(read > cases / 10, `only ${read} of ${cases} read directly`)
  })

  it(`reads the vectors' messages with bytes changed as cbor-x does, or declines them (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 3)
    let read = 0
    let cases = 0
    for (const { bytes } of vectorMessages) {
      for (let k = 0; k < 20; k++) {
        const mutated = Array.from(bytes)
        const at = random.int(Math.min(mutated.length, 40))
        const how = random.int(4)
        if (how === 0) mutated[at] = random.int(256)
        else if (how === 1) mutated[at] = (mutated[at] as number) ^ (1 << random.int(8))
        else if (how === 2) mutated.splice(at, 1)
        else mutated.splice(at, 0, random.int(256))
        cases++
        if (assertSameCose(Buffer.from(mutated))) read++
      }
      for (let cut = 0; cut < Math.min(bytes.length, 60); cut += 3) {
        cases++
        if (assertSameCose(bytes.subarray(0, cut))) read++
      }
    }
    assert.ok(read > cases / 20, `only ${read} of ${cases} read directly`)
  })
})
