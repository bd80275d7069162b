import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import { deflateSync, inflateSync } from 'node:zlib'
import { assertSameBytes } from '../../../test/assert-bytes.js'
import { loadDgcVectors } from '../../../test/dgc-test-vectors.js'
import { seededRandom, type SeededRandom } from '../../../test/seeded-random.js'
import { decodeBase45 } from './base45.js'
import type { JsonValue } from './cbor.js'
import { DEFLATE_SMALL_LIMIT, deflateSmall, huffmanCodeLengths } from './deflate-raw.js'
import { deflateZlib, inflateZlib } from './inflate.js'
import { HC1_PREFIX } from './prefix.js'
import { signHc1 } from './sign-hc1.js'

const SEED = 0xdef1a7e

/** The COSE messages of the EU test vectors whose QR text decodes to one, each once. */
function vectorCoseMessages(): { id: string; cose: Uint8Array }[] {
  const seen = new Set<string>()
  const messages: { id: string; cose: Uint8Array }[] = []
  for (const vector of loadDgcVectors()) {
    if (!vector.text?.startsWith(HC1_PREFIX)) continue
    let cose: Uint8Array
    try {
      cose = inflateZlib(decodeBase45(vector.text.slice(HC1_PREFIX.length)))
    } catch {
      continue // Negative vectors break the Base45 or the compression on purpose.
    }
    const key = Buffer.from(cose).toString('hex')
    if (seen.has(key)) continue
    seen.add(key)
    messages.push({ id: vector.id, cose })
  }
  return messages
}

/** Certificates as issuers write them: every type, names, dates and identifiers varied. */
function generatedCertificate(random: SeededRandom): JsonValue {
  const pick = <T>(items: readonly T[]): T => random.pick(items)
  const letters = (length: number): string =>
    Array.from({ length }, () => String.fromCharCode(65 + random.int(26))).join('')
  const day = (from: number): string =>
    new Date(Date.UTC(from + random.int(5), random.int(12), 1 + random.int(28)))
      .toISOString()
      .slice(0, 10)
  const family = pick(['Müller', 'Петров', 'Smith-Jones', 'García Lorca', 'Nguyễn', letters(9)])
  const given = pick(['Anna', 'Иван', 'Charles Edward', 'Zoë', letters(6)])
  const country = pick(['RU', 'DE', 'NL', 'AT', 'FR', 'IT'])
  const uvci = `URN:UVCI:01:${country}:${letters(4)}${random.int(1e9)}#${letters(1)}`
  const issuer = pick([
    'Ministry of Health',
    'St. Petersburg health committee',
    'Robert Koch-Institut',
  ])
  const common = {
    ver: pick(['1.3.0', '1.3.3']),
    nam: { fn: family, fnt: letters(family.length), gn: given, gnt: letters(given.length) },
    dob: pick([day(1940), '1978', '1985-03']),
  }
  switch (random.int(3)) {
    case 0:
      return {
        ...common,
        v: [
          {
            tg: '840539006',
            vp: pick(['1119349007', '1119305005', 'J07BX03']),
            mp: pick(['EU/1/20/1507', 'EU/1/20/1528', 'EU/1/21/1529', 'Sputnik-V']),
            ma: pick(['ORG-100031184', 'ORG-100030215', 'ORG-100001699']),
            dn: 1 + random.int(3),
            sd: 2 + random.int(2),
            dt: day(2021),
            co: country,
            is: issuer,
            ci: uvci,
          },
        ],
      }
    case 1:
      return {
        ...common,
        t: [
          {
            tg: '840539006',
            tt: pick(['LP6464-4', 'LP217198-3']),
            nm: pick(['ELITechGroup, SARS-CoV-2 ELITe MGB® Kit', 'Roche LightCycler']),
            sc: `${day(2021)}T${String(random.int(24)).padStart(2, '0')}:30:00Z`,
            tr: pick(['260415000', '260373001']),
            tc: pick(['Example Test Corp, Big City', 'Testzentrum Hauptbahnhof']),
            co: country,
            is: issuer,
            ci: uvci,
          },
        ],
      }
    default:
      return {
        ...common,
        r: [
          {
            tg: '840539006',
            fr: day(2021),
            co: country,
            is: issuer,
            df: day(2022),
            du: day(2023),
            ci: uvci,
          },
        ],
      }
  }
}

/**
 * The COSE messages of `count` generated certificates, signed by `signHc1`; the signature, the
 * last 64 bytes, is then replaced by seeded random bytes, so that the messages are the same on
 * every run (ECDSA signatures are not).
 */
function generatedCoseMessages(count: number, random: SeededRandom): Uint8Array[] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const kid = random.bytes(8)
  const issuedAt = new Date('2026-11-23T09:00:00Z')
  const expiresAt = new Date('2027-04-18T00:00:00Z')
  return Array.from({ length: count }, () => {
    const qr = signHc1(
      { dcc: generatedCertificate(random), issuer: 'RU', issuedAt, expiresAt },
      { privateKey, kid },
    )
    const cose = new Uint8Array(inflateZlib(decodeBase45(qr.slice(HC1_PREFIX.length))))
    cose.set(random.bytes(64), cose.length - 64)
    return cose
  })
}

function assertRoundTrips(data: Uint8Array, what: string): Uint8Array {
  const compressed = deflateSmall(data)
  assertSameBytes(inflateSync(compressed), data, `${what}, through zlib`)
  assertSameBytes(inflateZlib(compressed, Math.max(data.length, 1)), data, `${what}, ours`)
  return compressed
}

function assertNoLongerThanZlib(data: Uint8Array, what: string): void {
  const ours = deflateSmall(data).length
  const zlib = deflateSync(data, { level: 9 }).length
  assert.ok(ours <= zlib, `${what}: ${ours} bytes, zlib's level 9 ${zlib}`)
}

/** The lengths a dynamic block's header sends (RFC 1951 section 3.2.7), read bit by bit. */
function dynamicCodeLengths(
  stream: Uint8Array,
): { codeLengthCode: number[]; literalsAndDistances: number[] } | undefined {
  let bit = 16 // after the zlib header
  const read = (count: number): number => {
    let value = 0
    for (let i = 0; i < count; i++, bit++) {
      value |= (((stream[bit >> 3] as number) >> (bit & 7)) & 1) << i
    }
    return value
  }
  read(1)
  if (read(2) !== 2) return undefined
  const literals = read(5) + 257
  const distances = read(5) + 1
  const codeLengthCount = read(4) + 4
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
  const codeLengthCode = new Array<number>(19).fill(0)
  for (let i = 0; i < codeLengthCount; i++) codeLengthCode[order[i] as number] = read(3)
  // Decode the lengths with the canonical code of the code length code, one bit at a time.
  const codes = new Map<string, number>()
  let code = 0
  for (let length = 1; length <= 7; length++) {
    for (let symbol = 0; symbol < 19; symbol++) {
      if (codeLengthCode[symbol] === length) codes.set(`${length}:${code++}`, symbol)
    }
    code <<= 1
  }
  const lengths: number[] = []
  while (lengths.length < literals + distances) {
    let value = 0
    let symbol: number | undefined
    for (let length = 1; symbol === undefined; length++) {
      value = (value << 1) | read(1)
      symbol = codes.get(`${length}:${value}`)
    }
    if (symbol < 16) lengths.push(symbol)
    else if (symbol === 16)
      lengths.push(...new Array<number>(3 + read(2)).fill(lengths.at(-1) ?? 0))
    else if (symbol === 17) lengths.push(...new Array<number>(3 + read(3)).fill(0))
    else lengths.push(...new Array<number>(11 + read(7)).fill(0))
  }
  return { codeLengthCode, literalsAndDistances: lengths }
}

/** The Kraft sum of code lengths, times 2^15: 2^15 for a complete code. */
function kraft(lengths: Uint8Array): number {
  let sum = 0
  for (const length of lengths) if (length) sum += 1 << (15 - length)
  return sum
}

describe('huffmanCodeLengths', () => {
  it('gives an optimal complete code when no length passes the limit', () => {
    const counts = new Int32Array([5, 9, 12, 13, 16, 45, 0, 0])
    const lengths = huffmanCodeLengths(counts, 15)
    // The textbook example (CLRS 16.3): a 45, b 13, c 12, d 16, e 9, f 5.
    assert.deepEqual([...lengths], [4, 4, 3, 3, 3, 1, 0, 0])
    assert.equal(kraft(lengths), 1 << 15)
  })

  it('keeps Fibonacci counts, whose optimal code is 29 bits deep, within 15 and 7 bits', () => {
    const counts = new Int32Array(30)
    counts[0] = 1
    counts[1] = 1
    for (let i = 2; i < 30; i++) counts[i] = (counts[i - 1] as number) + (counts[i - 2] as number)
    for (const maxBits of [15, 7]) {
      const lengths = huffmanCodeLengths(counts, maxBits)
      assert.equal(Math.max(...lengths), maxBits)
      assert.equal(kraft(lengths), 1 << 15, `complete at ${maxBits} bits`)
      // The rarer a symbol, the longer (or as long) its code.
      for (let i = 1; i < 30; i++) assert.ok((lengths[i] as number) <= (lengths[i - 1] as number))
    }
  })

  it('gives two one-bit codes when one symbol or none is used, as zlib does', () => {
    assert.deepEqual([...huffmanCodeLengths(new Int32Array([0, 0, 7, 0]), 15)], [1, 0, 1, 0])
    assert.deepEqual([...huffmanCodeLengths(new Int32Array([0, 0, 0, 0]), 15)], [1, 1, 0, 0])
  })
})

describe('deflateSmall', () => {
  it('writes zlib streams that zlib and inflateZlib read back for every EU test vector', () => {
    const messages = vectorCoseMessages()
    assert.ok(messages.length > 300, `only ${messages.length} vectors decoded`)
    let dynamic = 0
    for (const { id, cose } of messages) {
      const compressed = assertRoundTrips(cose, id)
      assert.equal(Buffer.from(compressed.subarray(0, 2)).toString('hex'), '78da', id)
      const header = dynamicCodeLengths(compressed)
      if (header === undefined) continue
      dynamic++
      assert.ok(Math.max(...header.literalsAndDistances) <= 15, id)
      assert.ok(Math.max(...header.codeLengthCode) <= 7, id)
    }
    // Most are dynamic blocks; the rest fixed-Huffman or stored.
    assert.ok(dynamic > messages.length / 2, `${dynamic} dynamic blocks`)
  })

  it("is never longer than zlib's level 9 on the EU test vectors' COSE messages", () => {
    for (const { id, cose } of vectorCoseMessages()) assertNoLongerThanZlib(cose, id)
  })

  it(`is never longer than zlib's level 9 on 400 generated certificates (seed ${SEED})`, () => {
    const random = seededRandom(SEED)
    const messages = generatedCoseMessages(400, random)
    let ours = 0
    let zlib = 0
    messages.forEach((cose, index) => {
      const compressed = assertRoundTrips(cose, `certificate ${index}`)
      assertNoLongerThanZlib(cose, `certificate ${index}`)
      ours += compressed.length
      zlib += deflateSync(cose, { level: 9 }).length
    })
    assert.ok(ours < zlib, `${ours} bytes in all, zlib's ${zlib}`)
  })

  it('round-trips the empty input and single bytes', () => {
    assertRoundTrips(new Uint8Array(0), 'empty')
    for (const byte of [0, 1, 0x7f, 0x80, 0xff]) {
      assertRoundTrips(new Uint8Array([byte]), `the byte ${byte}`)
    }
    // An empty input is a fixed block holding the end-of-block code: 2 + 2 + 4 bytes, as zlib's.
    assert.equal(deflateSmall(new Uint8Array(0)).length, deflateSync(new Uint8Array(0)).length)
  })

  it(`round-trips random bytes of many sizes, stored once a stored block is shorter (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 1)
    for (const length of [2, 3, 4, 17, 255, 256, 257, 258, 259, 1000, 4096, 16_000]) {
      const data = random.bytes(length)
      const compressed = assertRoundTrips(data, `${length} random bytes`)
      // zlib header, BFINAL and BTYPE padded to a byte, LEN and NLEN, the bytes, Adler-32.
      const stored = 2 + 1 + 4 + length + 4
      if (length >= 255) assert.equal(compressed.length, stored, `${length} random bytes`)
      else assert.ok(compressed.length <= stored, `${length} random bytes`)
    }
  })

  it('round-trips zeros and repeats, up to the longest input it takes', () => {
    for (const length of [3, 4, 258, 259, 260, 517, 1024, 1025, 5000, DEFLATE_SMALL_LIMIT - 1]) {
      assertRoundTrips(new Uint8Array(length), `${length} zeros`)
      const repeated = new Uint8Array(length)
      for (let i = 0; i < length; i++) repeated[i] = 'healthcode'.charCodeAt(i % 10)
      assertRoundTrips(repeated, `${length} bytes of a repeated word`)
    }
    const longest = new Uint8Array(DEFLATE_SMALL_LIMIT).map((_, i) => (i * 7) % 251)
    assertRoundTrips(longest, `${DEFLATE_SMALL_LIMIT} bytes`)
    // A run of zeros costs a few bits a byte, as with zlib.
    assertNoLongerThanZlib(new Uint8Array(5000), '5000 zeros')
  })

  it(`round-trips text with matches near and far (seed ${SEED})`, () => {
    const random = seededRandom(SEED + 2)
    const words = ['vaccination', 'recovery', 'test', 'Musterfrau', 'EU/1/20/1528', '2021-05-03']
    for (const length of [100, 1000, 8000, DEFLATE_SMALL_LIMIT]) {
      let text = ''
      while (text.length < length) text += random.pick(words) + (random.int(4) === 0 ? '\n' : ' ')
      const data = new Uint8Array(Buffer.from(text.slice(0, length), 'latin1'))
      assertRoundTrips(data, `${length} bytes of text`)
      assertNoLongerThanZlib(data, `${length} bytes of text`)
    }
  })

  it('refuses an input longer than it takes, which deflateZlib gives to zlib', () => {
    const data = new Uint8Array(DEFLATE_SMALL_LIMIT + 1).fill(7)
    assert.throws(() => deflateSmall(data), RangeError)
    assertSameBytes(inflateZlib(deflateZlib(data)), data)
  })

  it('gives the same bytes for the same input, whatever it compressed before', () => {
    const data = new Uint8Array(Buffer.from('HC1 HC1 HC1 health code health code'))
    const first = deflateSmall(data)
    deflateSmall(new Uint8Array(DEFLATE_SMALL_LIMIT).fill(3))
    deflateSmall(seededRandom(SEED + 4).bytes(5000))
    assertSameBytes(deflateSmall(data), first)
  })
})
