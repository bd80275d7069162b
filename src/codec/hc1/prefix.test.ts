import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Hc1Error } from './errors.js'
import { HC1_MAX_TEXT_LENGTH, HC1_PREFIX, checkHc1Prefix, stripHc1Prefix } from './prefix.js'

describe('stripHc1Prefix', () => {
  it('returns the Base45 text behind the HC1: context identifier', () => {
    assert.equal(stripHc1Prefix('HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD'), 'NCFOXN%TS3DH3ZSUZK+.V0ETD')
  })

  it('returns an empty text for the bare context identifier', () => {
    assert.equal(stripHc1Prefix(HC1_PREFIX), '')
  })

  it('strips only the first HC1:, keeping one that follows it', () => {
    assert.equal(stripHc1Prefix('HC1:HC1:ABC'), 'HC1:ABC')
  })

  for (const text of [
    'HL0:NCFOXN',
    'HC2:NCFOXN',
    'hc1:NCFOXN',
    ' HC1:NCFOXN',
    'HC1NCFOXN',
    'NCFOXN',
  ]) {
    it(`rejects ${JSON.stringify(text)} with ERR_HC1_PREFIX`, () => {
      assert.throws(() => stripHc1Prefix(text), {
        name: 'Hc1Error',
        code: 'ERR_HC1_PREFIX',
        stage: 'prefix',
      })
    })
  }

  it('rejects an empty text with ERR_HC1_PREFIX', () => {
    assert.throws(() => stripHc1Prefix(''), { code: 'ERR_HC1_PREFIX' })
  })

  it('throws an Hc1Error whose message names what it found', () => {
    try {
      stripHc1Prefix('HC2:ABC')
      assert.fail('expected stripHc1Prefix to throw')
    } catch (error) {
      assert.ok(error instanceof Hc1Error)
      assert.match(error.message, /"HC2:"/)
    }
  })

  it('accepts a text of exactly a QR code capacity', () => {
    const text = HC1_PREFIX + 'A'.repeat(HC1_MAX_TEXT_LENGTH - HC1_PREFIX.length)
    assert.equal(stripHc1Prefix(text).length, HC1_MAX_TEXT_LENGTH - HC1_PREFIX.length)
  })

  it('rejects a text one character longer than a QR code holds with ERR_HC1_TOO_LONG', () => {
    const text = HC1_PREFIX + 'A'.repeat(HC1_MAX_TEXT_LENGTH - HC1_PREFIX.length + 1)
    assert.throws(() => stripHc1Prefix(text), { code: 'ERR_HC1_TOO_LONG', stage: 'prefix' })
  })

  it('checks the length before the prefix, so an over-long text without HC1: is ERR_HC1_TOO_LONG', () => {
    assert.throws(() => stripHc1Prefix('X'.repeat(HC1_MAX_TEXT_LENGTH + 1)), {
      code: 'ERR_HC1_TOO_LONG',
    })
  })

  it('refuses a 10 MB text by its length alone, whatever it holds', () => {
    // Characters outside every alphabet: a check that read the text would fail on them instead.
    for (const text of [
      HC1_PREFIX + 'A'.repeat(10 * 1024 * 1024),
      '\u0000'.repeat(10 * 1024 * 1024),
    ]) {
      assert.throws(() => stripHc1Prefix(text), { code: 'ERR_HC1_TOO_LONG' })
    }
  })

  it('keeps the QR capacity and the prefix at their specified values', () => {
    // ISO/IEC 18004 version 40-L, alphanumeric mode; HCERT section 4.3.
    assert.equal(HC1_MAX_TEXT_LENGTH, 4296)
    assert.equal(HC1_PREFIX, 'HC1:')
  })
})

describe('checkHc1Prefix', () => {
  it('returns where the Base45 text starts, behind HC1:', () => {
    assert.equal(checkHc1Prefix('HC1:NCFOXN'), HC1_PREFIX.length)
    assert.equal(checkHc1Prefix(HC1_PREFIX), 4)
  })

  it('refuses what stripHc1Prefix refuses, with the same code and message', () => {
    for (const text of ['HC2:NCFOXN', '', `HC1:${'0'.repeat(HC1_MAX_TEXT_LENGTH)}`]) {
      let expected: unknown
      try {
        stripHc1Prefix(text)
      } catch (error) {
        expected = error
      }
      assert.ok(expected instanceof Hc1Error)
      assert.throws(() => checkHc1Prefix(text), {
        name: 'Hc1Error',
        code: expected.code,
        message: expected.message,
      })
    }
  })
})
