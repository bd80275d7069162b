import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from '../../../test/seeded-random.js'
import { decodeBase45, encodeBase45 } from './base45.js'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'))

/** RFC 9285 section 4.3 and appendix examples. */
const rfcExamples: readonly [bytes: string, base45: string][] = [
  ['AB', 'BB8'],
  ['Hello!!', '%69 VD92EX0'],
  ['base-45', 'UJCLQE7W581'],
  ['ietf!', 'QED8WEX0'],
]

const rejectsWithBase45Error = (text: string): void => {
  assert.throws(
    () => decodeBase45(text),
    { name: 'Hc1Error', code: 'ERR_HC1_BASE45', stage: 'base45' },
    `expected ${JSON.stringify(text)} to be rejected`,
  )
}

describe('encodeBase45', () => {
  for (const [bytes, base45] of rfcExamples) {
    it(`encodes ${JSON.stringify(bytes)} as ${JSON.stringify(base45)} (RFC 9285)`, () => {
      assert.equal(encodeBase45(ascii(bytes)), base45)
    })
  }

  it('encodes no bytes as an empty text', () => {
    assert.equal(encodeBase45(new Uint8Array(0)), '')
  })

  it('writes 3 characters per 2 bytes and 2 for a last odd byte', () => {
    for (let length = 0; length < 20; length++) {
      const expected = Math.floor(length / 2) * 3 + (length % 2) * 2
      assert.equal(encodeBase45(new Uint8Array(length).fill(0xff)).length, expected)
    }
  })

  it('round-trips texts longer than the buffer it keeps between calls, and shorter after', () => {
    const random = seededRandom(4545)
    for (const length of [0, 1, 682, 683, 5461, 5462, 5463, 20_000, 300, 2]) {
      const bytes = random.bytes(length)
      assert.deepEqual(decodeBase45(encodeBase45(bytes)), bytes, `${length} bytes`)
    }
  })

  it('uses only the Base45 alphabet', () => {
    const text = encodeBase45(seededRandom(45).bytes(4000))
    for (const char of text)
      assert.ok(ALPHABET.includes(char), `unexpected ${JSON.stringify(char)}`)
  })
})

describe('decodeBase45', () => {
  for (const [bytes, base45] of rfcExamples) {
    it(`decodes ${JSON.stringify(base45)} to ${JSON.stringify(bytes)} (RFC 9285)`, () => {
      assert.deepEqual(decodeBase45(base45), ascii(bytes))
    })
  }

  it('decodes an empty text to no bytes', () => {
    assert.deepEqual(decodeBase45(''), new Uint8Array(0))
  })

  it('round-trips random bytes of every length from 0 to 300 and some longer ones', () => {
    const random = seededRandom(0xba5e45)
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1023, 1024, 2863, 4096, 65535]
    for (const length of lengths) {
      const bytes = random.bytes(length)
      assert.deepEqual(decodeBase45(encodeBase45(bytes)), bytes, `length ${length}`)
    }
  })

  it('round-trips every 1-byte and every 2-byte value', () => {
    for (let value = 0; value < 256; value++) {
      const bytes = new Uint8Array([value])
      assert.deepEqual(decodeBase45(encodeBase45(bytes)), bytes)
    }
    for (let value = 0; value < 65536; value++) {
      const bytes = new Uint8Array([value >> 8, value & 0xff])
      const decoded = decodeBase45(encodeBase45(bytes))
      if (decoded[0] !== bytes[0] || decoded[1] !== bytes[1] || decoded.length !== 2) {
        assert.fail(`value ${value} does not round-trip`)
      }
    }
  })

  it('decodes a 3-character group exactly when it is worth at most 65535, and canonically', () => {
    for (const c of ALPHABET) {
      for (const d of ALPHABET) {
        for (const e of ALPHABET) {
          const group = c + d + e
          const value = ALPHABET.indexOf(c) + ALPHABET.indexOf(d) * 45 + ALPHABET.indexOf(e) * 2025
          if (value > 0xffff) {
            assert.throws(() => decodeBase45(group), { code: 'ERR_HC1_BASE45' }, group)
          } else {
            const bytes = decodeBase45(group)
            if (
              bytes.length !== 2 ||
              ((bytes[0] as number) << 8) + (bytes[1] as number) !== value
            ) {
              assert.fail(`${JSON.stringify(group)} decodes to the wrong value`)
            }
            if (encodeBase45(bytes) !== group)
              assert.fail(`${JSON.stringify(group)} is not canonical`)
          }
        }
      }
    }
  })

  it('decodes a final 2-character group exactly when it is worth at most 255', () => {
    for (const c of ALPHABET) {
      for (const d of ALPHABET) {
        const value = ALPHABET.indexOf(c) + ALPHABET.indexOf(d) * 45
        if (value > 0xff) rejectsWithBase45Error(c + d)
        else assert.deepEqual(decodeBase45(c + d), new Uint8Array([value]), c + d)
      }
    }
  })

  it('accepts "FGW", the largest group (65535), and rejects "GGW" (65536)', () => {
    assert.deepEqual(decodeBase45('FGW'), new Uint8Array([0xff, 0xff]))
    rejectsWithBase45Error('GGW')
    rejectsWithBase45Error(':::')
    rejectsWithBase45Error('BB8GGW')
  })

  it('accepts "U5" (255) as a last pair and rejects "V5" (256) and "::" (2024)', () => {
    assert.deepEqual(decodeBase45('U5'), new Uint8Array([0xff]))
    rejectsWithBase45Error('V5')
    rejectsWithBase45Error('::')
    rejectsWithBase45Error('BB8V5')
  })

  it('rejects ":;", whose ";" is outside the alphabet', () => {
    rejectsWithBase45Error(':;')
  })

  it('rejects a dangling single character', () => {
    for (const text of ['A', '0', 'BB8A', 'BB8BB8:']) rejectsWithBase45Error(text)
  })

  it('rejects characters outside the alphabet at every position of a group', () => {
    // Outside characters next to zeros ("=00", "0=0", "=0") keep a group's arithmetic value small,
    // so they must be caught as characters, not as values out of range.
    const outside = ['=', 'a', 'z', '_', '#', '\n', '\0', 'é', '\u0100', '\uffff', '😀', '\ud800']
    for (const char of outside) {
      for (const text of [`${char}00`, `0${char}0`, `00${char}`, `${char}0`, `0${char}`]) {
        rejectsWithBase45Error(text)
        rejectsWithBase45Error(`BB8${text}`)
      }
    }
  })

  it('rejects lower-case letters, which RFC 9285 does not allow in place of upper-case', () => {
    rejectsWithBase45Error('bb8')
    rejectsWithBase45Error('%69 vd92ex0')
  })

  it('decodes from a start position as it decodes the text from there', () => {
    for (const [bytes, base45] of rfcExamples) {
      assert.deepEqual(decodeBase45(`HC1:${base45}`, 4), ascii(bytes))
    }
    assert.deepEqual(decodeBase45('HC1:', 4), new Uint8Array(0))
  })

  it('counts lengths and positions in its messages from the start position', () => {
    for (const [text, message] of [
      ['BB8A', /but the text has 4$/],
      ['BB8=00', /but found "=" at position 3$/],
      ['BB8GGW', /but "GGW" at position 3 is worth 65536$/],
    ] as const) {
      assert.throws(() => decodeBase45(text), { code: 'ERR_HC1_BASE45', message })
      assert.throws(() => decodeBase45(`HC1:${text}`, 4), { code: 'ERR_HC1_BASE45', message })
    }
  })

  it('treats the space as a Base45 character (value 36)', () => {
    assert.deepEqual(decodeBase45(' 00'), new Uint8Array([0, 36]))
  })
})
