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
