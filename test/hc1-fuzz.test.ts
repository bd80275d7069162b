import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deflateSync } from 'node:zlib'
import {
  HC1_MAX_TEXT_LENGTH,
  HC1_PREFIX,
  decodeBase45,
  decodeCoseSign1,
  encodeBase45,
  hc1ErrorStages,
  hc1Stages,
  inflateZlib,
  stripHc1Prefix,
  verifyHc1,
  type Hc1ErrorCode,
  type Hc1Verification,
  type VerifyHc1Options,
} from '../src/codec/hc1/index.js'
import { TrustList } from '../src/codec/trust/index.js'
import { getDgcVector, trustListFor, type DgcVector } from './dgc-test-vectors.js'
import { seededRandom, type SeededRandom } from './seeded-random.js'

/*
 * Fuzzing verifyHc1: whatever the input, it returns (never throws) a result that names a known
 * stage and a code of that stage, and it never calls a certificate valid unless what the signature
 * covers is untouched. The generator is seeded, so a failure replays: set HC1_FUZZ_SEED to the seed
 * in the test name.
 */
const SEED = Number(process.env['HC1_FUZZ_SEED'] ?? 0x0dcc_f022)

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'

/** Valid codes to mutate: both algorithms, a kid only in the unprotected header, tag 61 + 18. */
const seedVectorIds = [
  'common/CO1',
  'common/CO3',
  'common/CO19',
  'common/CO28',
  'DE/1',
  'SE/1',
  'IT/2',
]

interface Seed {
  readonly vector: DgcVector
  readonly text: string
  readonly cose: Uint8Array
  readonly options: VerifyHc1Options
  readonly signed: SignedParts
}

/** The parts of a COSE_Sign1 that the signature covers, or that are the signature. */
interface SignedParts {
  readonly protectedBytes: string
  readonly payload: string
  readonly signature: string
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

function signedPartsOf(cose: Uint8Array): SignedParts {
  const message = decodeCoseSign1(cose)
  return {
    protectedBytes: hex(message.protectedBytes),
    payload: hex(message.payload),
    signature: hex(message.signature),
  }
}

function loadSeed(id: string): Seed {
  const vector = getDgcVector(id)
  assert.ok(vector.text && vector.clock, `${id} has a text and a clock`)
  const cose = inflateZlib(decodeBase45(stripHc1Prefix(vector.text)))
  return {
    vector,
    text: vector.text,
    cose,
    options: { trust: trustListFor(vector), at: vector.clock },
    signed: signedPartsOf(cose),
  }
}

const seeds = seedVectorIds.map(loadSeed)
const noTrust: VerifyHc1Options = { trust: new TrustList(), at: new Date('2021-06-01T00:00:00Z') }

/** The QR text of COSE bytes: zlib, Base45, the context identifier. */
const wrap = (cose: Uint8Array): string =>
  HC1_PREFIX + encodeBase45(deflateSync(cose, { level: 9 }))

const describeInput = (text: string): string =>
  `${text.length} characters: ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}`

/** Tallies the stages a batch of inputs stopped at, to show the fuzzing reached each layer. */
type StageTally = Map<string, number>

/**
 * Verifies `text` and checks the invariants of every result. A valid result is allowed only when
 * `original` is given and the input still carries exactly its signed parts: the deflate stream and
 * the unprotected header are not covered by the signature, so a change there may stay valid.
 */
function verifyAndCheck(
  text: string,
  options: VerifyHc1Options,
  tally: StageTally,
  original?: SignedParts,
): Hc1Verification {
  let result: Hc1Verification
  try {
    result = verifyHc1(text, options)
  } catch (error) {
    assert.fail(`verifyHc1 threw ${String(error)} for ${describeInput(text)}`)
  }
  tally.set(result.stage, (tally.get(result.stage) ?? 0) + 1)
  if (result.valid) {
    assert.equal(result.stage, 'ok')
    assert.ok(original, `valid for an input that is no certificate: ${describeInput(text)}`)
    const signed = signedPartsOf(inflateZlib(decodeBase45(stripHc1Prefix(text))))
    assert.deepEqual(
      signed,
      original,
      `valid although the signed content changed: ${describeInput(text)}`,
    )
    return result
  }
  assert.ok(
    (hc1Stages as readonly string[]).includes(result.stage),
    `unknown stage ${result.stage}`,
  )
  assert.ok(
    Object.hasOwn(hc1ErrorStages, result.error.code),
    `unknown code ${result.error.code} for ${describeInput(text)}`,
  )
  assert.equal(
    hc1ErrorStages[result.error.code],
    result.stage,
    `${result.error.code} reported at stage ${result.stage} for ${describeInput(text)}`,
  )
  assert.equal(typeof result.error.message, 'string')
  assert.ok(result.error.message.length > 0)
  return result
}

function assertFailsWith(
  text: string,
  options: VerifyHc1Options,
  code: Hc1ErrorCode,
  what: string,
): void {
  const result = verifyAndCheck(text, options, new Map())
  assert.equal(result.valid, false, what)
  if (!result.valid) assert.equal(result.error.code, code, `${what}: ${result.error.message}`)
}

function randomText(random: SeededRandom, length: number): string {
  let text = ''
  for (let i = 0; i < length; i++) {
    switch (random.int(4)) {
      case 0:
        text += String.fromCharCode(random.int(0x10000))
        break
      case 1:
        text += String.fromCharCode(32 + random.int(95))
        break
      default:
        text += random.pick([...BASE45])
    }
  }
  return text
}

function randomBase45(random: SeededRandom, length: number): string {
  let text = ''
  for (let i = 0; i < length; i++) text += BASE45.charAt(random.int(45))
  return text
}

/** One random edit of a text: replace, insert, delete, swap, duplicate or truncate. */
function mutateText(random: SeededRandom, text: string): string {
  const at = random.int(text.length + 1)
  const char =
    random.int(4) === 0 ? String.fromCharCode(random.int(0x10000)) : BASE45.charAt(random.int(45))
  switch (random.int(6)) {
    case 0:
      return text.slice(0, at) + char + text.slice(at + 1)
    case 1:
      return text.slice(0, at) + char + text.slice(at)
    case 2:
      return text.slice(0, at) + text.slice(at + 1)
    case 3:
      return text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2)
    case 4: {
      const length = 1 + random.int(12)
      return text.slice(0, at) + text.slice(at, at + length) + text.slice(at)
    }
    default:
      return text.slice(0, at)
  }
}

/** Bytes that mean something to a CBOR decoder: heads of long or nested items, tags, breaks. */
const interestingBytes = [
  0x00, 0x18, 0x1b, 0x40, 0x58, 0x5b, 0x5f, 0x7b, 0x80, 0x9b, 0x9f, 0xa0, 0xbb, 0xbf, 0xc0, 0xc1,
  0xd2, 0xd8, 0xf7, 0xff,
]

/** One random edit of bytes: flip a bit, set a byte, insert, delete. */
function mutateBytes(random: SeededRandom, bytes: Uint8Array): Uint8Array {
  const at = random.int(bytes.length)
  const value = random.int(2) === 0 ? random.pick(interestingBytes) : random.int(256)
  switch (random.int(4)) {
    case 0: {
      const out = new Uint8Array(bytes)
      out[at] = (out[at] as number) ^ (1 << random.int(8))
      return out
    }
    case 1: {
      const out = new Uint8Array(bytes)
      out[at] = value
      return out
    }
    case 2:
      return new Uint8Array([...bytes.subarray(0, at), value, ...bytes.subarray(at)])
    default:
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)])
  }
}

const stagesReached = (tally: StageTally): string =>
  [...tally].map(([stage, count]) => `${stage}: ${count}`).join(', ')

describe(`verifyHc1 under fuzzing (seed ${SEED})`, () => {
  it('verifies the unmutated seed codes, so that their mutations mean something', () => {
    for (const seed of seeds) {
      const result = verifyAndCheck(seed.text, seed.options, new Map(), seed.signed)
      assert.ok(result.valid, `${seed.vector.id}: ${result.valid ? '' : result.error.message}`)
      assert.equal(wrap(seed.cose).length <= HC1_MAX_TEXT_LENGTH, true)
      assert.ok(verifyHc1(wrap(seed.cose), seed.options).valid, `${seed.vector.id} re-wrapped`)
    }
  })

  it(`never throws on random text, and stops it at the prefix (seed ${SEED})`, (t) => {
    const random = seededRandom(SEED)
    const tally: StageTally = new Map()
    for (let n = 0; n < 1000; n++) {
      const text = (random.int(4) === 0 ? HC1_PREFIX : '') + randomText(random, random.int(160))
      verifyAndCheck(text, random.pick(seeds).options, tally)
    }
    t.diagnostic(stagesReached(tally))
    assert.ok((tally.get('prefix') ?? 0) > 500, stagesReached(tally))
  })

  it(`never throws on random Base45 behind HC1: (seed ${SEED})`, (t) => {
    const random = seededRandom(SEED + 1)
    const tally: StageTally = new Map()
    for (let n = 0; n < 1000; n++) {
      verifyAndCheck(
        HC1_PREFIX + randomBase45(random, random.int(400)),
        random.pick(seeds).options,
        tally,
      )
    }
    t.diagnostic(stagesReached(tally))
    assert.ok(
      (tally.get('base45') ?? 0) > 0 && (tally.get('decompress') ?? 0) > 0,
      stagesReached(tally),
    )
  })

  it(`never throws on random bytes, compressed or not, behind HC1: (seed ${SEED})`, (t) => {
    const random = seededRandom(SEED + 2)
    const tally: StageTally = new Map()
    for (let n = 0; n < 1000; n++) {
      const bytes = random.bytes(random.int(300))
      const payload =
        n % 3 === 0
          ? bytes
          : n % 3 === 1
            ? new Uint8Array([0x78, 0xda, ...bytes])
            : deflateSync(bytes)
      verifyAndCheck(HC1_PREFIX + encodeBase45(payload), random.pick(seeds).options, tally)
    }
    t.diagnostic(stagesReached(tally))
    assert.ok(
      (tally.get('decompress') ?? 0) > 0 && (tally.get('decode') ?? 0) > 0,
      stagesReached(tally),
    )
  })

  it(`never passes an edited QR text unless its signed content is intact (seed ${SEED})`, (t) => {
    const random = seededRandom(SEED + 3)
    const tally: StageTally = new Map()
    for (let n = 0; n < 3000; n++) {
      const seed = random.pick(seeds)
      let text = seed.text
      for (let edits = 1 + random.int(3); edits > 0; edits--) text = mutateText(random, text)
      if (text === seed.text) continue
      verifyAndCheck(text, seed.options, tally, seed.signed)
    }
    t.diagnostic(stagesReached(tally))
    for (const stage of ['prefix', 'base45', 'decompress']) {
      assert.ok((tally.get(stage) ?? 0) > 0, `no edit stopped at ${stage}: ${stagesReached(tally)}`)
    }
  })

  it(`never passes an edited COSE_Sign1 unless its signed content is intact (seed ${SEED})`, (t) => {
    const random = seededRandom(SEED + 4)
    const tally: StageTally = new Map()
    for (let n = 0; n < 3000; n++) {
      const seed = random.pick(seeds)
      let cose = seed.cose
      for (let edits = 1 + random.int(3); edits > 0; edits--) cose = mutateBytes(random, cose)
      verifyAndCheck(wrap(cose), seed.options, tally, seed.signed)
    }
    t.diagnostic(stagesReached(tally))
    for (const stage of ['decode', 'signature']) {
      assert.ok((tally.get(stage) ?? 0) > 0, `no edit stopped at ${stage}: ${stagesReached(tally)}`)
    }
  })

  it('fails every truncation of a COSE_Sign1 at the decode stage with ERR_COSE_CBOR', () => {
    for (const seed of seeds.filter((candidate) =>
      ['common/CO1', 'common/CO3'].includes(candidate.vector.id),
    )) {
      for (let length = 0; length < seed.cose.length; length++) {
        const what = `${seed.vector.id} truncated to ${length} of ${seed.cose.length} bytes`
        assertFailsWith(wrap(seed.cose.subarray(0, length)), seed.options, 'ERR_COSE_CBOR', what)
      }
    }
  })

  it('fails a signature changed anywhere at the signature stage with ERR_COSE_SIGNATURE', () => {
    const random = seededRandom(SEED + 5)
    const ids = [
      ...seedVectorIds,
      'common/CO2',
      'common/CO12',
      'common/CO15',
      'common/CO20',
      'common/CO21',
      'AT/1',
      'NL/000-NL-test',
    ]
    for (const seed of ids.map(loadSeed)) {
      const signature = decodeCoseSign1(seed.cose).signature
      const start = seed.cose.length - signature.length
      // The signature is the last item of the array, so its bytes end the message.
      assert.equal(hex(seed.cose.subarray(start)), hex(signature), seed.vector.id)
      for (const offset of [
        0,
        1,
        signature.length >> 1,
        signature.length - 1,
        random.int(signature.length),
      ]) {
        const cose = new Uint8Array(seed.cose)
        cose[start + offset] = (cose[start + offset] as number) ^ (1 + random.int(255))
        const result = verifyAndCheck(wrap(cose), seed.options, new Map(), seed.signed)
        const what = `${seed.vector.id}, signature byte ${offset}`
        assert.equal(result.stage, 'signature', what)
        if (!result.valid) assert.equal(result.error.code, 'ERR_COSE_SIGNATURE', what)
      }
    }
  })

  describe('hostile CBOR', () => {
    const valid = seeds[1] as Seed

    it('stops 100,000 nested arrays (100 KB) at the inflate limit, before any parsing', () => {
      assertFailsWith(
        wrap(new Uint8Array(100_000).fill(0x81)),
        noTrust,
        'ERR_HC1_INFLATE_LIMIT',
        '100k × 0x81',
      )
    })

    it('fails 60,000 nested arrays, maps or tags at the decode stage without overflowing the stack', () => {
      const nestedMaps = new Uint8Array(60_001)
      for (let i = 0; i < 60_000; i += 2) {
        nestedMaps[i] = 0xa1
        nestedMaps[i + 1] = 0x01
      }
      const cases: [string, Uint8Array][] = [
        ['arrays', new Uint8Array([...new Uint8Array(60_000).fill(0x81), 0x00])],
        ['indefinite arrays', new Uint8Array([...new Uint8Array(60_000).fill(0x9f), 0x00])],
        ['maps', nestedMaps],
        ['tags 18', new Uint8Array([...new Uint8Array(60_000).fill(0xd2), 0x00])],
      ]
      for (const [what, bytes] of cases)
        assertFailsWith(wrap(bytes), noTrust, 'ERR_COSE_CBOR', `nested ${what}`)
    })

    it('fails a payload of 60,000 nested arrays at the decode stage with ERR_CWT_STRUCTURE', () => {
      const payload = new Uint8Array([...new Uint8Array(60_000).fill(0x81), 0x00])
      // d2 84 40 a0 5a <length> <payload> 40: tag 18, [h'', {}, payload, h''].
      const length = [
        payload.length >>> 24,
        (payload.length >> 16) & 0xff,
        (payload.length >> 8) & 0xff,
        payload.length & 0xff,
      ]
      const cose = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0x5a, ...length, ...payload, 0x40])
      assertFailsWith(wrap(cose), noTrust, 'ERR_CWT_STRUCTURE', 'deep payload')
    })

    it('fails huge declared lengths at the decode stage', () => {
      const huge64 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
      const huge32 = [0xff, 0xff, 0xff, 0xff]
      const tally: StageTally = new Map()
      for (const head of [0x5b, 0x7b, 0x9b, 0xbb]) {
        for (const bytes of [
          [head, ...huge64, 0x00],
          [0xd2, 0x84, head, ...huge64],
          [0xd2, 0x84, 0x40, 0xa0, head, ...huge64],
          [0xd2, 0x84, 0x40, 0xa0, 0x41, head, 0x40],
        ]) {
          verifyAndCheck(wrap(new Uint8Array(bytes)), noTrust, tally)
        }
      }
      for (const head of [0x5a, 0x7a, 0x9a, 0xba]) {
        verifyAndCheck(wrap(new Uint8Array([head, ...huge32, 0x00])), noTrust, tally)
        verifyAndCheck(
          wrap(new Uint8Array([0xd2, 0x84, 0x40, 0xa0, head, ...huge32])),
          noTrust,
          tally,
        )
      }
      // The payload's claims map declares 2^64 - 1 entries.
      verifyAndCheck(
        wrap(new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0x49, 0xbb, ...huge64, 0x40])),
        noTrust,
        tally,
      )
      assert.deepEqual([...tally.keys()], ['decode'], stagesReached(tally))
    })

    it('still verifies a valid code after all of that (no decoder state left behind)', () => {
      assertFailsWith(
        wrap(new Uint8Array([...new Uint8Array(60_000).fill(0x81), 0x00])),
        noTrust,
        'ERR_COSE_CBOR',
        'deep',
      )
      assertFailsWith(
        wrap(new Uint8Array([0xd8, 0x1c, 0x81, 0xd8, 0x1d, 0x00])),
        noTrust,
        'ERR_COSE_STRUCTURE',
        'shared reference',
      )
      assertFailsWith(
        wrap(new Uint8Array([0xd2, 0x84, 0x9b, 0xff, 0xff, 0xff, 0xff])),
        noTrust,
        'ERR_COSE_CBOR',
        'truncated length',
      )
      const result = verifyAndCheck(valid.text, valid.options, new Map(), valid.signed)
      assert.ok(result.valid)
    })
  })

  describe('oversized input', () => {
    it('refuses a 10 MB text at once with ERR_HC1_TOO_LONG', () => {
      for (const text of [
        HC1_PREFIX + 'A'.repeat(10 * 1024 * 1024),
        'x'.repeat(10 * 1024 * 1024),
      ]) {
        // The code says it stopped at the length check, before any decoding: no wall-clock budget,
        // which a shared machine's load breaks.
        assertFailsWith(text, noTrust, 'ERR_HC1_TOO_LONG', '10 MB')
      }
    })

    it('refuses a text one character over a QR code capacity, and reads one at it', () => {
      const atCapacity =
        HC1_PREFIX + randomBase45(seededRandom(SEED + 6), HC1_MAX_TEXT_LENGTH - HC1_PREFIX.length)
      const result = verifyAndCheck(atCapacity, noTrust, new Map())
      assert.notEqual(result.stage, 'prefix')
      assertFailsWith(atCapacity + '0', noTrust, 'ERR_HC1_TOO_LONG', 'capacity + 1')
    })
  })
})
