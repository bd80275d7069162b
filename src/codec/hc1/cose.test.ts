import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Encoder, Tag } from 'cbor-x'
import { assertSameBytes } from '../../../test/assert-bytes.js'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import { kidOfCertificate } from '../trust/trusted-signer.js'
import { coseAlgorithms, coseSign1SignedBytes, decodeCoseSign1, encodeCoseSign1 } from './cose.js'

/**
 * An encoder that writes plain CBOR as COSE expects it: Maps as maps (integer keys), byte arrays
 * as untagged byte strings, no cbor-x records or tag 259.
 */
const coseSafe = {
  useTag259ForMaps: false,
  variableMapSize: true,
  tagUint8Array: false,
  useRecords: false,
  mapsAsObjects: false,
}
const encoder = new Encoder(coseSafe)
/** Encodes a value; a copy, as cbor-x may reuse the buffer it returned on the next call. */
const cbor = (value: unknown): Uint8Array => new Uint8Array(encoder.encode(value))
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)
const text = (value: string): Uint8Array => new Uint8Array(Buffer.from(value))

const ES256 = -7
const PS256 = -37
const HEADER_ALG = 1
const HEADER_KID = 4
const kidA = text('kid-AAAA')
const kidB = text('kid-BBBB')
const payload = cbor(new Map([[1, 'AT']]))
const signature = new Uint8Array(64).fill(0x5a)

function protectedHeader(entries: [number, unknown][]): Uint8Array {
  return entries.length === 0 ? new Uint8Array(0) : cbor(new Map(entries))
}

/** A COSE_Sign1 array: [protected, unprotected, payload, signature]. */
function sign1(
  options: {
    protected?: unknown
    unprotected?: unknown
    payload?: unknown
    signature?: unknown
  } = {},
): unknown[] {
  return [
    'protected' in options
      ? options.protected
      : protectedHeader([
          [HEADER_ALG, ES256],
          [HEADER_KID, kidA],
        ]),
    'unprotected' in options ? options.unprotected : new Map(),
    'payload' in options ? options.payload : payload,
    'signature' in options ? options.signature : signature,
  ]
}

const assertStructureError = (encoded: Uint8Array, what = ''): void => {
  assert.throws(
    () => decodeCoseSign1(encoded),
    { name: 'Hc1Error', code: 'ERR_COSE_STRUCTURE', stage: 'decode' },
    what,
  )
}

const assertCborError = (encoded: Uint8Array, what = ''): void => {
  assert.throws(
    () => decodeCoseSign1(encoded),
    { name: 'Hc1Error', code: 'ERR_COSE_CBOR', stage: 'decode' },
    what,
  )
}

describe('decodeCoseSign1', () => {
  describe('tags', () => {
    it('decodes an untagged COSE_Sign1', () => {
      const message = decodeCoseSign1(cbor(sign1()))
      assert.equal(message.algorithm, ES256)
      assertSameBytes(message.payload, payload)
    })

    it('decodes a COSE_Sign1 under tag 18', () => {
      const encoded = cbor(new Tag(sign1(), 18))
      assert.equal(encoded[0], 0xd2)
      const message = decodeCoseSign1(encoded)
      assertSameBytes(message.payload, payload)
      assertSameBytes(message.signature, signature)
    })

    it('decodes a COSE_Sign1 under tag 18 inside the CWT tag 61 (common/CO28)', () => {
      const encoded = cbor(new Tag(new Tag(sign1(), 18), 61))
      assert.deepEqual([...encoded.subarray(0, 3)], [0xd8, 0x3d, 0xd2])
      assertSameBytes(decodeCoseSign1(encoded).payload, payload)
    })

    for (const [tag, name] of [
      [17, 'COSE_Mac0'],
      [98, 'COSE_Sign'],
      [16, 'COSE_Encrypt0'],
      [1, 'an epoch date'],
    ] as const) {
      it(`rejects tag ${tag} (${name}) with ERR_COSE_STRUCTURE`, () => {
        assertStructureError(cbor(new Tag(sign1(), tag)))
      })
    }

    it('rejects tag 18 twice with ERR_COSE_STRUCTURE', () => {
      assertStructureError(cbor(new Tag(new Tag(sign1(), 18), 18)))
    })

    it('rejects tag 18 outside tag 61 (the wrong order) with ERR_COSE_STRUCTURE', () => {
      assertStructureError(cbor(new Tag(new Tag(sign1(), 61), 18)))
    })
  })

  describe('structure', () => {
    for (const length of [0, 1, 3, 5]) {
      it(`rejects an array of ${length} items with ERR_COSE_STRUCTURE`, () => {
        const items = [...sign1(), new Uint8Array(0)].slice(0, length)
        assertStructureError(cbor(new Tag(items, 18)))
      })
    }

    for (const [what, value] of [
      ['a map', new Map([[1, 2]])],
      ['a byte string', new Uint8Array(4)],
      ['an integer', 18],
      ['text', 'COSE_Sign1'],
      ['null', null],
    ] as const) {
      it(`rejects ${what} instead of the array with ERR_COSE_STRUCTURE`, () => {
        assertStructureError(cbor(value))
        assertStructureError(cbor(new Tag(value, 18)))
      })
    }

    const fields: [
      field: 'protected' | 'unprotected' | 'payload' | 'signature',
      what: string,
      value: unknown,
    ][] = [
      ['protected', 'a map instead of a byte string', new Map([[HEADER_ALG, ES256]])],
      ['protected', 'text', 'a1 01 26'],
      ['protected', 'null', null],
      ['unprotected', 'a byte string instead of a map', new Uint8Array(0)],
      ['unprotected', 'an array', []],
      ['unprotected', 'null', null],
      ['payload', 'null (a detached payload)', null],
      ['payload', 'a map instead of a byte string', new Map([[1, 'AT']])],
      ['payload', 'text', 'a1 01 62 41 54'],
      ['signature', 'text', 'signature'],
      ['signature', 'null', null],
      ['signature', 'an array', [1, 2]],
    ]
    for (const [field, what, value] of fields) {
      it(`rejects a ${field} field that is ${what} with ERR_COSE_STRUCTURE`, () => {
        assertStructureError(cbor(new Tag(sign1({ [field]: value }), 18)))
      })
    }

    it('rejects a protected header that holds something other than a map', () => {
      assertStructureError(cbor(sign1({ protected: cbor([HEADER_ALG, ES256]) })))
      assertStructureError(cbor(sign1({ protected: cbor(-7) })))
      assertStructureError(cbor(sign1({ protected: cbor(new Tag(new Map([[1, -7]]), 18)) })))
    })

    it('rejects a protected header that is not CBOR, or more than one item, with ERR_COSE_STRUCTURE', () => {
      assertStructureError(cbor(sign1({ protected: bytes(0xff) })))
      assertStructureError(cbor(sign1({ protected: bytes(0xa1, 0x01) })))
      assertStructureError(cbor(sign1({ protected: bytes(0xa1, 0x01, 0x26, 0x00) })))
    })

    it('rejects a kid that is not a byte string with ERR_COSE_STRUCTURE', () => {
      assertStructureError(cbor(sign1({ protected: protectedHeader([[HEADER_KID, 'kid-AAAA']]) })))
      assertStructureError(
        cbor(sign1({ protected: new Uint8Array(0), unprotected: new Map([[HEADER_KID, 42]]) })),
      )
    })
  })

  describe('CBOR', () => {
    it('rejects bytes that are not CBOR with ERR_COSE_CBOR', () => {
      assertCborError(new Uint8Array(0), 'no bytes')
      assertCborError(bytes(0xff), 'a lone break')
      assertCborError(bytes(0x1c), 'a reserved additional information')
    })

    it('rejects a COSE_Sign1 truncated at any length with ERR_COSE_CBOR', () => {
      const encoded = cbor(new Tag(sign1(), 18))
      for (let length = 0; length < encoded.length; length++) {
        assertCborError(encoded.subarray(0, length), `truncated to ${length} bytes`)
      }
    })

    it('rejects bytes after the COSE_Sign1 with ERR_COSE_CBOR', () => {
      const encoded = cbor(new Tag(sign1(), 18))
      assertCborError(new Uint8Array([...encoded, 0x00]))
    })

    it('rejects 100,000 nested arrays without overflowing the stack', () => {
      assertCborError(new Uint8Array(100_000).fill(0x81))
    })

    it('rejects huge declared lengths without allocating them', () => {
      const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
      for (const head of [0x5b, 0x7b, 0x9b, 0xbb]) {
        assertCborError(bytes(head, ...huge), `head 0x${head.toString(16)}`)
        assertCborError(
          bytes(0xd2, 0x84, head, ...huge),
          `head 0x${head.toString(16)} in the array`,
        )
      }
      for (const head of [0x5a, 0x7a, 0x9a, 0xba]) {
        assertCborError(bytes(head, 0xff, 0xff, 0xff, 0xff, 0x00), `head 0x${head.toString(16)}`)
      }
    })
  })

  describe('headers', () => {
    it('treats an empty protected header as an empty map (RFC 9052 section 3)', () => {
      const message = decodeCoseSign1(
        cbor(
          sign1({
            protected: new Uint8Array(0),
            unprotected: new Map<number, unknown>([
              [HEADER_ALG, ES256],
              [HEADER_KID, kidB],
            ]),
          }),
        ),
      )
      assert.equal(message.protectedBytes.length, 0)
      assert.equal(message.protectedHeader.size, 0)
      assert.equal(message.algorithm, ES256)
      assertSameBytes(message.kid ?? new Uint8Array(0), kidB)
    })

    it('takes the kid from the protected header when both headers carry one', () => {
      const message = decodeCoseSign1(cbor(sign1({ unprotected: new Map([[HEADER_KID, kidB]]) })))
      assertSameBytes(message.kid ?? new Uint8Array(0), kidA)
    })

    it('takes the kid from the unprotected header only when the protected one has none', () => {
      const message = decodeCoseSign1(
        cbor(
          sign1({
            protected: protectedHeader([[HEADER_ALG, ES256]]),
            unprotected: new Map([[HEADER_KID, kidB]]),
          }),
        ),
      )
      assertSameBytes(message.kid ?? new Uint8Array(0), kidB)
    })

    it('ignores a malformed unprotected kid when the protected header has one', () => {
      const message = decodeCoseSign1(
        cbor(sign1({ unprotected: new Map([[HEADER_KID, 'not bytes']]) })),
      )
      assertSameBytes(message.kid ?? new Uint8Array(0), kidA)
    })

    it('reports no kid when neither header has one', () => {
      const message = decodeCoseSign1(
        cbor(sign1({ protected: protectedHeader([[HEADER_ALG, ES256]]) })),
      )
      assert.equal(message.kid, undefined)
    })

    it('takes the algorithm from the protected header, then from the unprotected one', () => {
      const both = decodeCoseSign1(cbor(sign1({ unprotected: new Map([[HEADER_ALG, PS256]]) })))
      assert.equal(both.algorithm, ES256)
      const unprotectedOnly = decodeCoseSign1(
        cbor(
          sign1({
            protected: protectedHeader([[HEADER_KID, kidA]]),
            unprotected: new Map([[HEADER_ALG, PS256]]),
          }),
        ),
      )
      assert.equal(unprotectedOnly.algorithm, PS256)
      const neither = decodeCoseSign1(
        cbor(sign1({ protected: protectedHeader([[HEADER_KID, kidA]]) })),
      )
      assert.equal(neither.algorithm, undefined)
    })

    it('passes any algorithm label through for the signature step to judge', () => {
      const message = decodeCoseSign1(
        cbor(sign1({ protected: protectedHeader([[HEADER_ALG, -8]]) })),
      )
      assert.equal(message.algorithm, -8)
    })

    it('keeps the protected header bytes exactly as received, never re-encoded', () => {
      // A map with a non-minimal length (b8 02) and an indefinite-length map (bf … ff) decode to the
      // same header as the canonical a2, but the signature covers the bytes as sent.
      for (const protectedBytes of [
        bytes(0xb8, 0x02, 0x01, 0x26, 0x04, 0x48, ...kidA),
        bytes(0xbf, 0x01, 0x26, 0x04, 0x48, ...kidA, 0xff),
        bytes(0xa2, 0x01, 0x38, 0x24, 0x04, 0x48, ...kidA),
      ]) {
        const message = decodeCoseSign1(cbor(new Tag(sign1({ protected: protectedBytes }), 18)))
        assertSameBytes(message.protectedBytes, protectedBytes)
        assertSameBytes(message.kid ?? new Uint8Array(0), kidA)
      }
    })

    it('keeps the payload and signature bytes exactly as received', () => {
      const oddPayload = bytes(0xbf, 0x01, 0x62, 0x41, 0x54, 0xff)
      const message = decodeCoseSign1(cbor(sign1({ payload: oddPayload })))
      assertSameBytes(message.payload, oddPayload)
      assertSameBytes(message.signature, signature)
    })
  })

  describe('on the test vectors', () => {
    it('reads the ES256 algorithm and the signer kid of common/CO3', () => {
      const vector = getDgcVector('common/CO3')
      assert.ok(vector.cose && vector.certificate)
      const message = decodeCoseSign1(vector.cose)
      assert.equal(message.algorithm, coseAlgorithms.ES256)
      assertSameBytes(message.kid ?? new Uint8Array(0), kidOfCertificate(vector.certificate))
      assert.equal(message.signature.length, 64)
    })

    it('reads the PS256 algorithm of common/CO1', () => {
      const vector = getDgcVector('common/CO1')
      assert.ok(vector.cose)
      assert.equal(decodeCoseSign1(vector.cose).algorithm, coseAlgorithms.PS256)
    })

    it('finds the kid in the unprotected header of common/CO19', () => {
      const vector = getDgcVector('common/CO19')
      assert.ok(vector.cose && vector.certificate)
      const message = decodeCoseSign1(vector.cose)
      assert.equal(message.protectedHeader.has(HEADER_KID), false)
      assertSameBytes(message.kid ?? new Uint8Array(0), kidOfCertificate(vector.certificate))
    })

    it('prefers the correct protected kid of common/CO21 over its wrong unprotected one', () => {
      const vector = getDgcVector('common/CO21')
      assert.ok(vector.cose && vector.certificate)
      const message = decodeCoseSign1(vector.cose)
      assertSameBytes(message.kid ?? new Uint8Array(0), kidOfCertificate(vector.certificate))
    })
  })
})

describe('coseAlgorithms', () => {
  it('names the two HCERT algorithms by their COSE labels', () => {
    assert.deepEqual({ ...coseAlgorithms }, { ES256: -7, PS256: -37 })
  })
})

describe('coseSign1SignedBytes', () => {
  const lengths = [0, 1, 23, 24, 255, 256, 65535, 65536, 70000]
  const protectedHeaders = [
    new Uint8Array(0),
    protectedHeader([[HEADER_ALG, ES256]]),
    protectedHeader([
      [HEADER_ALG, PS256],
      [HEADER_KID, kidA],
    ]),
    new Uint8Array(300).fill(0xa0),
  ]

  for (const length of lengths) {
    it(`matches cbor-x's encoding of ["Signature1", protected, h'', payload] for a ${length}-byte payload`, () => {
      const body = new Uint8Array(length).map((_, i) => i * 31)
      for (const protectedBytes of protectedHeaders) {
        const expected = cbor(['Signature1', protectedBytes, new Uint8Array(0), body])
        assertSameBytes(
          coseSign1SignedBytes(protectedBytes, body),
          expected,
          `protected ${protectedBytes.length} bytes`,
        )
      }
    })
  }

  it('starts with the array of 4 and the "Signature1" context (RFC 9052 section 4.4)', () => {
    const signed = coseSign1SignedBytes(bytes(0xa1, 0x01, 0x26), bytes(0xa0))
    assert.equal(
      Buffer.from(signed).toString('hex'),
      '84' + '6a5369676e617475726531' + '43a10126' + '40' + '41a0',
    )
  })

  it('signs the protected bytes of a vector as received (common/CO3)', () => {
    const vector = getDgcVector('common/CO3')
    assert.ok(vector.cose)
    const message = decodeCoseSign1(vector.cose)
    const expected = cbor([
      'Signature1',
      message.protectedBytes,
      new Uint8Array(0),
      message.payload,
    ])
    assertSameBytes(coseSign1SignedBytes(message.protectedBytes, message.payload), expected)
  })
})

describe('encodeCoseSign1', () => {
  for (const length of [0, 1, 23, 24, 255, 256, 65535, 65536]) {
    it(`matches cbor-x's encoding of tag 18 [protected, {}, payload, signature] for a ${length}-byte payload`, () => {
      const body = new Uint8Array(length).map((_, i) => i * 31)
      const protectedBytes = protectedHeader([
        [HEADER_ALG, ES256],
        [HEADER_KID, kidA],
      ])
      const expected = cbor(new Tag([protectedBytes, new Map(), body, signature], 18))
      const encoded = encodeCoseSign1(protectedBytes, body, signature)
      assertSameBytes(encoded, expected)
      const decoded = decodeCoseSign1(encoded)
      assertSameBytes(decoded.protectedBytes, protectedBytes)
      assertSameBytes(decoded.payload, body)
      assertSameBytes(decoded.signature, signature)
    })
  }
})
