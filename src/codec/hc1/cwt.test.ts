import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Encoder, Tag } from 'cbor-x'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import { decodeCoseSign1 } from './cose.js'
import { HEALTHCODE_ANTIBODY_CLAIM, HEALTHCODE_STATUS_CLAIM, decodeHc1Claims } from './cwt.js'

const encoder = new Encoder({
  variableMapSize: true,
  tagUint8Array: false,
  useRecords: false,
  mapsAsObjects: false,
})
const cbor = (value: unknown): Uint8Array => new Uint8Array(encoder.encode(value))

const CLAIM_ISS = 1
const CLAIM_EXP = 4
const CLAIM_IAT = 6
const CLAIM_HCERT = -260

const dcc = {
  ver: '1.3.0',
  nam: { fn: 'Musterfrau', fnt: 'MUSTERFRAU', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02-26',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 1,
      sd: 2,
      dt: '2021-02-18',
      co: 'AT',
      is: 'Ministry of Health, Austria',
      ci: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
    },
  ],
}

const CLAIM_HEALTHCODE_ANTIBODY = -70001

/** A Healthcode antibody certificate (docs/antibody-certificate.md). */
const antibody = {
  ver: '1.0.0',
  nam: { fn: 'Musterfrau', fnt: 'MUSTERFRAU', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02-26',
  ab: [
    {
      tg: '840539006',
      ma: 'SARS-CoV-2 IgG II Quant',
      va: 1250.5,
      un: 'BAU/mL',
      th: 300,
      dt: '2021-05-01',
      co: 'AT',
      is: 'Ministry of Health, Austria',
      ci: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
    },
  ],
}

const CLAIM_HEALTHCODE_STATUS = -70002

/** A Healthcode health-code token (docs/health-code-token.md). */
const status = {
  ver: '1.0.0',
  sub: 'p_7K2M9Q4T8W1Z3X5C',
  col: 'red',
  nam: 'GABRIELE M.',
  dob: '1998-02-26',
  gon: '2021-05-10',
  rsv: 3,
}

/** A CWT claims map (RFC 8392) around `hcert`, with the standard claims unless overridden. */
function claims(
  overrides: { iss?: unknown; iat?: unknown; exp?: unknown; hcert?: unknown } = {},
): Map<number, unknown> {
  const map = new Map<number, unknown>()
  const set = (key: number, name: keyof typeof overrides, fallback: unknown): void => {
    const value = name in overrides ? overrides[name] : fallback
    if (value !== undefined) map.set(key, value)
  }
  set(CLAIM_ISS, 'iss', 'AT')
  set(CLAIM_EXP, 'exp', 1_654_000_000)
  set(CLAIM_IAT, 'iat', 1_620_000_000)
  set(CLAIM_HCERT, 'hcert', new Map([[1, dcc]]))
  return map
}

/** The claims map with `payload` as the EU DCC. */
const withDcc = (payload: unknown): Uint8Array => cbor(claims({ hcert: new Map([[1, payload]]) }))

const assertStructureError = (payload: Uint8Array, what = ''): void => {
  assert.throws(
    () => decodeHc1Claims(payload),
    { name: 'Hc1Error', code: 'ERR_CWT_STRUCTURE', stage: 'decode' },
    what,
  )
}

const assertCode = (
  payload: Uint8Array,
  code: 'ERR_CWT_NO_PAYLOAD' | 'ERR_CWT_TWO_PAYLOADS' | 'ERR_CWT_STRUCTURE',
  what = '',
): void => {
  assert.throws(() => decodeHc1Claims(payload), { name: 'Hc1Error', code, stage: 'decode' }, what)
}

const assertClaimError = (payload: Uint8Array, what = ''): void => {
  assert.throws(
    () => decodeHc1Claims(payload),
    { name: 'Hc1Error', code: 'ERR_CWT_CLAIM', stage: 'decode' },
    what,
  )
}

describe('decodeHc1Claims', () => {
  it('reads iss, iat, exp and the DCC of a claims map', () => {
    const decoded = decodeHc1Claims(cbor(claims()))
    assert.equal(decoded.issuer, 'AT')
    assert.equal(decoded.issuedAt, 1_620_000_000)
    assert.equal(decoded.expiresAt, 1_654_000_000)
    assert.equal(decoded.payloadType, 'eu-dcc')
    assert.deepEqual(decoded.dcc, dcc)
  })

  it('leaves iss, iat and exp undefined when the CWT omits them', () => {
    const decoded = decodeHc1Claims(
      cbor(claims({ iss: undefined, iat: undefined, exp: undefined })),
    )
    assert.equal(decoded.issuer, undefined)
    assert.equal(decoded.issuedAt, undefined)
    assert.equal(decoded.expiresAt, undefined)
  })

  it('ignores claims it does not know', () => {
    const map = claims()
    map.set(2, 'subject')
    map.set(-261, new Uint8Array(3))
    assert.equal(decodeHc1Claims(cbor(map)).issuer, 'AT')
  })

  it('accepts NumericDates under tag 1 (RFC 8392 section 2)', () => {
    const decoded = decodeHc1Claims(
      cbor(claims({ iat: new Tag(1_620_000_000, 1), exp: new Tag(1_654_000_000, 1) })),
    )
    assert.equal(decoded.issuedAt, 1_620_000_000)
    assert.equal(decoded.expiresAt, 1_654_000_000)
  })

  it('accepts NumericDates with a fraction of a second', () => {
    assert.equal(decodeHc1Claims(cbor(claims({ exp: 1_654_000_000.5 }))).expiresAt, 1_654_000_000.5)
  })

  it('reads the claims of a real vector (common/CO3)', () => {
    const vector = getDgcVector('common/CO3')
    assert.ok(vector.cose)
    const decoded = decodeHc1Claims(decodeCoseSign1(vector.cose).payload)
    assert.equal(typeof decoded.issuer, 'string')
    assert.equal(typeof decoded.issuedAt, 'number')
    assert.deepEqual(decoded.dcc, vector.json)
  })

  describe('claim types', () => {
    for (const [what, iss] of [
      ['a number', 1],
      ['a byte string', new Uint8Array([0x41, 0x54])],
      ['a map', new Map([[1, 'AT']])],
      ['null', null],
    ] as const) {
      it(`rejects an iss that is ${what} with ERR_CWT_CLAIM`, () => {
        assertClaimError(cbor(claims({ iss })))
      })
    }

    for (const [what, time] of [
      ['text', '2022-05-31T12:00:00Z'],
      ['a byte string', new Uint8Array(4)],
      ['tag 1 around text', new Tag('2022-05-31', 1)],
      ['tag 0 (a date-time string)', new Tag('2022-05-31T12:00:00Z', 0)],
      ['an integer beyond 2^64 (a bignum)', 2n ** 70n],
      ['an integer beyond 2^53', 2n ** 60n],
      ['null', null],
      ['an array', [1_654_000_000]],
    ] as const) {
      it(`rejects an exp that is ${what} with ERR_CWT_CLAIM`, () => {
        assertClaimError(cbor(claims({ exp: time })))
      })
      it(`rejects an iat that is ${what} with ERR_CWT_CLAIM`, () => {
        assertClaimError(cbor(claims({ iat: time })))
      })
    }

    it('rejects NaN and infinite NumericDates with ERR_CWT_CLAIM', () => {
      for (const time of [NaN, Infinity, -Infinity]) {
        assertClaimError(cbor(claims({ exp: time })), String(time))
      }
    })
  })

  describe('structure', () => {
    it('rejects a payload that is not CBOR with ERR_CWT_STRUCTURE', () => {
      assertStructureError(new Uint8Array(0), 'no bytes')
      assertStructureError(new Uint8Array([0xff]), 'a lone break')
      assertStructureError(cbor(claims()).subarray(0, 20), 'truncated')
    })

    for (const [what, value] of [
      ['an array', [1, 'AT']],
      ['a byte string', new Uint8Array(8)],
      ['an integer', 1],
      ['text', 'claims'],
      ['null', null],
      [
        'a COSE_Sign1 (tag 18)',
        new Tag([new Uint8Array(0), new Map(), new Uint8Array(0), new Uint8Array(0)], 18),
      ],
    ] as const) {
      it(`rejects a payload that is ${what} instead of a claims map with ERR_CWT_STRUCTURE`, () => {
        assertStructureError(cbor(value))
      })
    }

    it('rejects a claims map without hcert (-260) or the antibody claim with ERR_CWT_NO_PAYLOAD', () => {
      const map = claims()
      map.delete(CLAIM_HCERT)
      assertCode(cbor(map), 'ERR_CWT_NO_PAYLOAD')
    })

    it('rejects an hcert under the text key "-260" rather than the integer -260 with ERR_CWT_NO_PAYLOAD', () => {
      const map = claims()
      const hcert = map.get(CLAIM_HCERT)
      map.delete(CLAIM_HCERT)
      assertCode(cbor(new Map<unknown, unknown>([...map, ['-260', hcert]])), 'ERR_CWT_NO_PAYLOAD')
    })

    for (const [what, hcert] of [
      ['a byte string', new Uint8Array(cbor(new Map([[1, dcc]])))],
      ['an array', [dcc]],
      ['text', 'hcert'],
      ['null', null],
    ] as const) {
      it(`rejects an hcert that is ${what} instead of a map with ERR_CWT_STRUCTURE`, () => {
        assertStructureError(cbor(claims({ hcert })))
      })
    }

    it('rejects an hcert without the EU DCC under key 1 with ERR_CWT_STRUCTURE', () => {
      assertStructureError(cbor(claims({ hcert: new Map() })))
      assertStructureError(cbor(claims({ hcert: new Map([[2, dcc]]) })))
      assertStructureError(cbor(claims({ hcert: new Map([['1', dcc]]) })))
    })

    for (const [what, value] of [
      ['a byte string (common/CBO1)', new Uint8Array(cbor(dcc))],
      ['an array', [dcc]],
      ['text', JSON.stringify(dcc)],
      ['null', null],
    ] as const) {
      it(`rejects an hcert → 1 that is ${what} instead of a map with ERR_CWT_STRUCTURE`, () => {
        assertStructureError(withDcc(value))
      })
    }
  })

  describe('the DCC as JSON', () => {
    for (const [what, value] of [
      ['a byte string', new Uint8Array(3)],
      ['CBOR undefined', undefined],
      ['an integer beyond 2^53', 2n ** 60n],
      ['NaN', NaN],
      ['an infinite number', Infinity],
      ['an unknown tag', new Tag('x', 999)],
      ['tag 0 around a number', new Tag(5, 0)],
      ['tag 1 around text', new Tag('yesterday', 1)],
    ] as const) {
      it(`rejects a DCC holding ${what} with ERR_CWT_STRUCTURE`, () => {
        const entry = { ...dcc.v[0], dn: value }
        assertStructureError(
          withDcc(
            new Map<string, unknown>([
              ['ver', '1.3.0'],
              ['v', [entry]],
            ]),
          ),
        )
      })
    }

    it('rejects a DCC with a key that is not text with ERR_CWT_STRUCTURE', () => {
      assertStructureError(
        withDcc(
          new Map<unknown, unknown>([
            ['ver', '1.3.0'],
            [1, 'one'],
          ]),
        ),
      )
    })

    it('rejects a DCC nested deeper than any real one with ERR_CWT_STRUCTURE', () => {
      let nested: unknown = 'leaf'
      for (let depth = 0; depth < 40; depth++) nested = [nested]
      assertStructureError(withDcc(new Map([['deep', nested]])))
    })

    it('rejects a payload of 50,000 nested maps without overflowing the stack', () => {
      const bytes = new Uint8Array(100_001)
      for (let i = 0; i < 100_000; i += 2) {
        bytes[i] = 0xa1
        bytes[i + 1] = 0x01
      }
      assertStructureError(bytes)
    })

    it('keeps a tag 0 date-time string as the text that was signed', () => {
      for (const sc of [
        '2021-05-30T10:12:22Z',
        '2021-05-30T12:12:22+02:00',
        '2021-05-30T10:12:22.000Z',
      ]) {
        const test = { tg: '840539006', tt: 'LP6464-4', sc: new Tag(sc, 0), tr: '260415000' }
        const decoded = decodeHc1Claims(
          withDcc(
            new Map<string, unknown>([
              ['ver', '1.3.0'],
              ['t', [test]],
            ]),
          ),
        )
        assert.deepEqual(decoded.dcc, { ver: '1.3.0', t: [{ ...test, sc }] })
      }
    })

    it('turns a tag 1 epoch date into an ISO 8601 string', () => {
      const decoded = decodeHc1Claims(withDcc(new Map([['sc', new Tag(1_622_369_542, 1)]])))
      assert.deepEqual(decoded.dcc, { sc: '2021-05-30T10:12:22.000Z' })
    })

    it('keeps JSON scalars as they are: text, numbers, booleans and null', () => {
      const value = { s: 'ß€😀', i: -5, f: 0.5, t: true, f2: false, n: null, a: [], o: {} }
      assert.deepEqual(decodeHc1Claims(withDcc(value)).dcc, value)
    })

    it('keeps a "__proto__" key as plain data, without touching any prototype', () => {
      const decoded = decodeHc1Claims(
        withDcc(
          new Map<string, unknown>([
            ['ver', '1.3.0'],
            ['__proto__', new Map([['polluted', 'yes']])],
            ['nam', new Map([['__proto__', 'text']])],
          ]),
        ),
      )
      const json = decoded.dcc
      assert.ok(json !== null && typeof json === 'object' && !Array.isArray(json))
      assert.equal(Object.getPrototypeOf(json), Object.prototype)
      assert.ok(Object.prototype.hasOwnProperty.call(json, '__proto__'))
      assert.deepEqual(Object.getOwnPropertyDescriptor(json, '__proto__')?.value, {
        polluted: 'yes',
      })
      assert.equal((json as Record<string, unknown>)['polluted'], undefined)
      assert.deepEqual(Object.keys(json), ['ver', '__proto__', 'nam'])
      const nam = json['nam']
      assert.ok(nam !== null && typeof nam === 'object' && !Array.isArray(nam))
      assert.equal(Object.getPrototypeOf(nam), Object.prototype)
      assert.equal(Object.getOwnPropertyDescriptor(nam, '__proto__')?.value, 'text')
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
      assert.equal(JSON.parse(JSON.stringify(json)).ver, '1.3.0')
    })
  })

  // How the claims' CBOR has been read since the codec began (cbor-x, then a conversion to JSON),
  // pinned byte by byte so that any other reader of it must read it alike.
  describe('CBOR as the claims have always been read', () => {
    /** Bytes from hex, spaces allowed. */
    const hex = (text: string): Uint8Array =>
      new Uint8Array(Buffer.from(text.replace(/ /g, ''), 'hex'))
    /** `{1: "AT", -260: {1: <dcc>}}` around the DCC's CBOR, given in hex. */
    const dccHex = (dccCbor: string): Uint8Array => hex(`a2 01 62 4154 3901 03 a1 01 ${dccCbor}`)
    /** `{"a": <value>}` as the DCC, the value given in hex. */
    const valueHex = (valueCbor: string): Uint8Array => dccHex(`a1 61 61 ${valueCbor}`)
    const dccOf = (payload: Uint8Array): unknown => decodeHc1Claims(payload).dcc
    const assertRefused = (payload: Uint8Array, code: string, message: RegExp): void => {
      assert.throws(() => decodeHc1Claims(payload), {
        name: 'Hc1Error',
        code,
        stage: 'decode',
        message,
      })
    }

    it('keeps the last value of a key a DCC map repeats, in the place of its first', () => {
      const dcc = dccOf(dccHex('a3 61 61 01 61 62 02 61 61 03'))
      assert.deepEqual(dcc, { a: 3, b: 2 })
      assert.deepEqual(Object.keys(dcc as object), ['a', 'b'])
    })

    it('takes the last of a claim the claims map repeats, even when the first was unreadable', () => {
      assert.equal(decodeHc1Claims(hex('a3 01 62 4154 01 62 4445 3901 03 a1 01 a0')).issuer, 'DE')
      const twoHcerts = 'a3 3901 03 a1 01 a1 61 61 40 01 62 4154 3901 03 a1 01 a1 61 62 02'
      assert.deepEqual(dccOf(hex(twoHcerts)), { b: 2 })
      const twoDccs = 'a2 01 62 4154 3901 03 a2 01 a1 61 61 40 01 a1 61 62 02'
      assert.deepEqual(dccOf(hex(twoDccs)), { b: 2 })
    })

    it('refuses a key that is not text anywhere in the DCC with ERR_CWT_STRUCTURE, naming where', () => {
      assertRefused(
        dccHex('a1 01 02'),
        'ERR_CWT_STRUCTURE',
        /but \$ has a number key; JSON keys are text$/,
      )
      assertRefused(
        dccHex('a1 63 6e616d a1 01 02'),
        'ERR_CWT_STRUCTURE',
        /but \$\.nam has a number key; JSON keys are text$/,
      )
      assertRefused(dccHex('a1 f5 02'), 'ERR_CWT_STRUCTURE', /but \$ has a boolean key/)
    })

    it('keeps a DCC whose containers nest 16 levels deep and refuses one of 17', () => {
      const arrays = (count: number): Uint8Array => valueHex(`${'81'.repeat(count)} 01`)
      let expected: unknown = 1
      for (let i = 0; i < 15; i++) expected = [expected]
      assert.deepEqual(dccOf(arrays(15)), { a: expected })
      assertRefused(arrays(16), 'ERR_CWT_STRUCTURE', /but \$\.a(\[0\]){15} is not a JSON value$/)
      const maps = (count: number): Uint8Array => valueHex(`${'a1 61 62 '.repeat(count)} 01`)
      assert.ok(dccOf(maps(15)))
      assertRefused(maps(16), 'ERR_CWT_STRUCTURE', /but \$\.a(\.b){15} is not a JSON value$/)
    })

    it('refuses a tagged value at the 17th level, as it refuses a container there', () => {
      const tagged = (arrays: number): Uint8Array => valueHex(`${'81'.repeat(arrays)} c0 61 78`)
      let expected: unknown = 'x'
      for (let i = 0; i < 14; i++) expected = [expected]
      assert.deepEqual(dccOf(tagged(14)), { a: expected })
      assertRefused(
        tagged(15),
        'ERR_CWT_STRUCTURE',
        /but \$\.a(\[0\]){15} is tag 0 around a string, not a date-time string$/,
      )
    })

    it('refuses bytes after the claims map with ERR_CWT_STRUCTURE', () => {
      assertRefused(
        hex('a2 01 62 4154 3901 03 a1 01 a0 00'),
        'ERR_CWT_STRUCTURE',
        /^expected the payload to be a CBOR map of CWT claims \(RFC 8392\), but decoding failed: Data read, but end of buffer not reached$/,
      )
    })

    it('reads indefinite-length maps and arrays, in the claims, hcert and the DCC', () => {
      assert.deepEqual(dccOf(hex('bf 01 62 4154 3901 03 bf 01 bf ff ff ff')), {})
      assert.deepEqual(dccOf(dccHex('bf 61 61 9f 01 9f ff ff 61 62 bf ff ff')), {
        a: [1, []],
        b: {},
      })
    })

    it('refuses indefinite-length text and byte strings with ERR_CWT_STRUCTURE', () => {
      const message = /decoding failed: Indefinite length not supported for byte or text strings$/
      assertRefused(valueHex('7f 61 61 ff'), 'ERR_CWT_STRUCTURE', message)
      assertRefused(valueHex('5f 41 00 ff'), 'ERR_CWT_STRUCTURE', message)
    })

    for (const [what, cbor, value] of [
      ['an integer in 1, 2 and 4 bytes', '83 18 05 19 0005 1a 00000005', [5, 5, 5]],
      ['the most negative 4-byte integer', '3a ffffffff', -4294967296],
      ['a half-precision float', 'f9 3e00', 1.5],
      ['a half-precision -0 as -0', 'f9 8000', -0],
      ['the smallest half-precision subnormal', 'f9 0001', 2 ** -24],
      ['a single-precision float as its exact value', 'fa 3dcccccd', 0.10000000149011612],
      ['a double-precision float', 'fb 3fb999999999999a', 0.1],
      ['false, true and null', '83 f4 f5 f6', [false, true, null]],
      ['false as the two-byte simple value 20', 'f8 14', false],
      ['a text with a 2-byte length', '79 0001 41', 'A'],
      ['malformed UTF-8 as U+FFFD', '62 41ff', 'A\uFFFD'],
      ['malformed UTF-8 in a long text as U+FFFD', `78 50 ${'ff'.repeat(80)}`, '\uFFFD'.repeat(80)],
      ['a byte order mark at the start of a text', '64 efbbbf41', '\uFEFFA'],
      [
        'a byte order mark at the start of a long text',
        `78 50 efbbbf${'41'.repeat(77)}`,
        `\uFEFF${'A'.repeat(77)}`,
      ],
      [
        'tag 1 around a fraction, to the millisecond',
        'c1 fb 3ff4000000000000',
        '1970-01-01T00:00:01.250Z',
      ],
      ['tag 1 around null as the epoch', 'c1 f6', '1970-01-01T00:00:00.000Z'],
      ['a decimal fraction (tag 4) as its number', 'c4 82 21 19 6ab3', 273.15],
    ] as const) {
      it(`reads ${what} in the DCC`, () => {
        const dcc = dccOf(valueHex(cbor)) as { a: unknown }
        assert.deepEqual(dcc, { a: value })
        if (Object.is(value, -0)) assert.ok(Object.is(dcc.a, -0))
      })
    }

    for (const [what, cbor, message] of [
      [
        'an 8-byte integer, however small',
        '1b 0000000000000001',
        /\$\.a is an integer beyond 2\^53$/,
      ],
      [
        'an 8-byte negative integer, however small',
        '3b 0000000000000001',
        /\$\.a is an integer beyond 2\^53$/,
      ],
      ['a half-precision NaN', 'f9 7e00', /\$\.a is NaN, not a finite number$/],
      ['a half-precision infinity', 'f9 7c00', /\$\.a is Infinity, not a finite number$/],
      ['CBOR undefined', 'f7', /\$\.a is CBOR undefined$/],
      ['the simple value 16', 'f0', /decoding failed: /],
      ['a byte string', '41 00', /\$\.a is a byte string$/],
      ['tag 6', 'c6 61 78', /\$\.a carries CBOR tag 6$/],
      ['a bignum (tag 2)', 'c2 41 05', /\$\.a is an integer beyond 2\^53$/],
      ['tag 0 around a number', 'c0 01', /\$\.a is tag 0 around a number, not a date-time string$/],
      ['a lone break', 'ff', /decoding failed: /],
      ['a reserved additional information (28)', '1c', /decoding failed: /],
    ] as const) {
      it(`refuses ${what} in the DCC with ERR_CWT_STRUCTURE`, () => {
        assertRefused(valueHex(cbor), 'ERR_CWT_STRUCTURE', message)
      })
    }

    it('reads a claim key written as a float or in a longer integer form as that number', () => {
      assert.equal(decodeHc1Claims(hex('a2 f9 3c00 62 4154 3901 03 a1 01 a0')).issuer, 'AT')
      assert.equal(decodeHc1Claims(hex('a2 01 62 4154 3a 00000103 a1 01 a0')).payloadType, 'eu-dcc')
      assert.equal(
        decodeHc1Claims(hex('a2 01 62 4154 3901 03 a1 fb 3ff0000000000000 a0')).payloadType,
        'eu-dcc',
      )
    })

    it('takes iss, iat and exp of CBOR undefined as absent', () => {
      const decoded = decodeHc1Claims(hex('a4 01 f7 04 f7 06 f7 3901 03 a1 01 a0'))
      assert.equal(decoded.issuer, undefined)
      assert.equal(decoded.issuedAt, undefined)
      assert.equal(decoded.expiresAt, undefined)
    })

    it('reads NumericDates as half-precision floats, and under tag 1 to the millisecond', () => {
      assert.equal(decodeHc1Claims(hex('a2 04 f9 3e00 3901 03 a1 01 a0')).expiresAt, 1.5)
      assert.equal(
        decodeHc1Claims(hex('a2 04 c1 fb 3ff001a36e2eb1c4 3901 03 a1 01 a0')).expiresAt,
        1,
      )
      assert.equal(decodeHc1Claims(hex('a2 06 c1 f6 3901 03 a1 01 a0')).issuedAt, 0)
    })

    it('keeps a NumericDate of -0 as -0, but reads tag 1 around -0 as 0', () => {
      assert.ok(Object.is(decodeHc1Claims(hex('a2 04 f9 8000 3901 03 a1 01 a0')).expiresAt, -0))
      assert.ok(Object.is(decodeHc1Claims(hex('a2 04 c1 f9 8000 3901 03 a1 01 a0')).expiresAt, 0))
      const almostZero = 'a2 06 c1 fb bf3a36e2eb1c432d 3901 03 a1 01 a0' // -0.0004
      assert.ok(Object.is(decodeHc1Claims(hex(almostZero)).issuedAt, 0))
    })

    it('refuses an 8-byte integer as a NumericDate with ERR_CWT_CLAIM, however small', () => {
      assertRefused(
        hex('a2 04 1b 0000000062a5f7e0 3901 03 a1 01 a0'),
        'ERR_CWT_CLAIM',
        /^expected the exp \(4\) claim to be a NumericDate \(seconds since the epoch\), but found the bigint 1655044064$/,
      )
    })

    it('reads claims under the self-describe tag 55799', () => {
      assert.equal(decodeHc1Claims(hex('d9d9f7 a2 01 62 4154 3901 03 a1 01 a0')).issuer, 'AT')
    })

    it('skips unknown claims of any form it can decode, tags and byte strings included', () => {
      const unknown = 'a4 01 62 4154 02 c6 01 03 43 010203 3901 03 a2 02 f7 01 a0'
      assert.equal(decodeHc1Claims(hex(unknown)).issuer, 'AT')
    })
  })

  describe('the Healthcode antibody certificate (claim -70001)', () => {
    /** The claims map of an antibody certificate: no hcert, the payload under -70001. */
    const antibodyClaims = (...payload: [unknown?]): Map<number, unknown> => {
      const map = claims({ hcert: undefined })
      // An explicit undefined stays: CBOR undefined under the claim.
      map.set(CLAIM_HEALTHCODE_ANTIBODY, payload.length > 0 ? payload[0] : antibody)
      return map
    }

    it('reads it as a healthcode-antibody payload, with no DCC', () => {
      const decoded = decodeHc1Claims(cbor(antibodyClaims()))
      assert.equal(decoded.payloadType, 'healthcode-antibody')
      assert.equal(decoded.dcc, undefined)
      assert.ok(decoded.payloadType === 'healthcode-antibody')
      assert.deepEqual(decoded.antibody, antibody)
      assert.equal(decoded.issuer, 'AT')
      assert.equal(decoded.issuedAt, 1_620_000_000)
      assert.equal(decoded.expiresAt, 1_654_000_000)
    })

    it('exports the claim key it reads', () => {
      assert.equal(HEALTHCODE_ANTIBODY_CLAIM, CLAIM_HEALTHCODE_ANTIBODY)
      assert.ok(
        HEALTHCODE_ANTIBODY_CLAIM < -65536,
        'a private-use claim key (RFC 8392 section 9.1)',
      )
    })

    it('rejects a code with both an hcert and the antibody claim with ERR_CWT_TWO_PAYLOADS', () => {
      const both = antibodyClaims()
      both.set(CLAIM_HCERT, new Map([[1, dcc]]))
      assertCode(cbor(both), 'ERR_CWT_TWO_PAYLOADS', 'a DCC and an antibody certificate')
      const emptyHcert = antibodyClaims()
      emptyHcert.set(CLAIM_HCERT, new Map())
      assertCode(cbor(emptyHcert), 'ERR_CWT_TWO_PAYLOADS', 'an empty hcert beside it')
    })

    it('ignores an antibody certificate under any other key, as it ignores unknown claims', () => {
      const map = claims()
      // -70002 is the health-code token's claim; -70003 is a private claim no payload of ours uses.
      map.set(CLAIM_HEALTHCODE_ANTIBODY - 2, antibody)
      assert.equal(decodeHc1Claims(cbor(map)).payloadType, 'eu-dcc')
      const textKey = new Map<unknown, unknown>([
        ...claims({ hcert: undefined }),
        ['-70001', antibody],
      ])
      assertCode(cbor(textKey), 'ERR_CWT_NO_PAYLOAD', 'under the text key "-70001"')
    })

    for (const [what, value] of [
      ['a byte string', new Uint8Array(cbor(antibody))],
      ['an array', [antibody]],
      ['text', JSON.stringify(antibody)],
      ['null', null],
      ['CBOR undefined', undefined],
    ] as const) {
      it(`rejects an antibody claim that is ${what} instead of a map with ERR_CWT_STRUCTURE`, () => {
        assertCode(cbor(antibodyClaims(value)), 'ERR_CWT_STRUCTURE')
      })
    }

    it('rejects an antibody certificate holding data JSON cannot represent with ERR_CWT_STRUCTURE', () => {
      const entry = { ...antibody.ab[0], va: new Uint8Array(2) }
      assertCode(cbor(antibodyClaims({ ...antibody, ab: [entry] })), 'ERR_CWT_STRUCTURE')
      assertCode(
        cbor(antibodyClaims(new Map<unknown, unknown>([[1, 'one']]))),
        'ERR_CWT_STRUCTURE',
        'a key that is not text',
      )
    })

    it('checks the time claims of an antibody certificate like those of a DCC', () => {
      const map = antibodyClaims()
      map.set(CLAIM_EXP, '2022-05-31')
      assertClaimError(cbor(map))
    })
  })

  describe('the Healthcode health-code token (claim -70002)', () => {
    /** The claims map of a health-code token: no hcert, the payload under -70002. */
    const statusClaims = (...payload: [unknown?]): Map<number, unknown> => {
      const map = claims({ hcert: undefined })
      map.set(CLAIM_HEALTHCODE_STATUS, payload.length > 0 ? payload[0] : status)
      return map
    }

    it('reads it as a healthcode-status payload, with no DCC', () => {
      const decoded = decodeHc1Claims(cbor(statusClaims()))
      assert.equal(decoded.payloadType, 'healthcode-status')
      assert.equal(decoded.dcc, undefined)
      assert.ok(decoded.payloadType === 'healthcode-status')
      assert.deepEqual(decoded.status, status)
      assert.equal('antibody' in decoded, false)
      assert.equal(decoded.issuer, 'AT')
      assert.equal(decoded.issuedAt, 1_620_000_000)
      assert.equal(decoded.expiresAt, 1_654_000_000)
    })

    it('exports the claim key it reads, a private-use key beside the antibody one', () => {
      assert.equal(HEALTHCODE_STATUS_CLAIM, CLAIM_HEALTHCODE_STATUS)
      assert.ok(HEALTHCODE_STATUS_CLAIM < -65536, 'a private-use claim key (RFC 8392 section 9.1)')
      assert.notEqual(HEALTHCODE_STATUS_CLAIM, HEALTHCODE_ANTIBODY_CLAIM)
    })

    it('rejects a token beside an hcert, an antibody certificate, or both, with ERR_CWT_TWO_PAYLOADS', () => {
      const withHcert = statusClaims()
      withHcert.set(CLAIM_HCERT, new Map([[1, dcc]]))
      assertCode(cbor(withHcert), 'ERR_CWT_TWO_PAYLOADS', 'a DCC and a token')
      const withEmptyHcert = statusClaims()
      withEmptyHcert.set(CLAIM_HCERT, new Map())
      assertCode(cbor(withEmptyHcert), 'ERR_CWT_TWO_PAYLOADS', 'an empty hcert beside it')
      const withAntibody = statusClaims()
      withAntibody.set(CLAIM_HEALTHCODE_ANTIBODY, antibody)
      assertCode(cbor(withAntibody), 'ERR_CWT_TWO_PAYLOADS', 'an antibody certificate and a token')
      const all = statusClaims()
      all.set(CLAIM_HCERT, new Map([[1, dcc]]))
      all.set(CLAIM_HEALTHCODE_ANTIBODY, antibody)
      assertCode(cbor(all), 'ERR_CWT_TWO_PAYLOADS', 'all three')
      assert.throws(() => decodeHc1Claims(cbor(withAntibody)), /-70001 and .*-70002/)
    })

    it('rejects an hcert with a broken token beside it as two payloads, before reading either', () => {
      const map = statusClaims('not a map')
      map.set(CLAIM_HCERT, new Map([[1, dcc]]))
      assertCode(cbor(map), 'ERR_CWT_TWO_PAYLOADS')
    })

    it('ignores a token under the text key "-70002", as it ignores unknown claims', () => {
      const textKey = new Map<unknown, unknown>([
        ...claims({ hcert: undefined }),
        ['-70002', status],
      ])
      assertCode(cbor(textKey), 'ERR_CWT_NO_PAYLOAD', 'under the text key "-70002"')
    })

    for (const [what, value] of [
      ['a byte string', new Uint8Array(cbor(status))],
      ['an array', [status]],
      ['text', JSON.stringify(status)],
      ['null', null],
      ['CBOR undefined', undefined],
    ] as const) {
      it(`rejects a token claim that is ${what} instead of a map with ERR_CWT_STRUCTURE`, () => {
        assertCode(cbor(statusClaims(value)), 'ERR_CWT_STRUCTURE')
      })
    }

    it('rejects a token holding data JSON cannot represent with ERR_CWT_STRUCTURE', () => {
      assertCode(cbor(statusClaims({ ...status, rsv: new Uint8Array(2) })), 'ERR_CWT_STRUCTURE')
      assertCode(
        cbor(statusClaims(new Map<unknown, unknown>([[1, 'green']]))),
        'ERR_CWT_STRUCTURE',
        'a key that is not text',
      )
    })

    it('reads a token without iat or exp, leaving the lifetime rule to the schema step', () => {
      const map = statusClaims()
      map.delete(CLAIM_EXP)
      map.delete(CLAIM_IAT)
      const decoded = decodeHc1Claims(cbor(map))
      assert.equal(decoded.payloadType, 'healthcode-status')
      assert.equal(decoded.issuedAt, undefined)
      assert.equal(decoded.expiresAt, undefined)
    })

    it('checks the time claims of a token like those of a DCC', () => {
      const map = statusClaims()
      map.set(CLAIM_IAT, '2021-05-03')
      assertClaimError(cbor(map))
    })
  })
})
