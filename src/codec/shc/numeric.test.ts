import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { SHC_MAX_QR_DIGITS, SHC_PREFIX, decodeShcQr, encodeShcQr } from './numeric.js'

const examples = new URL('../../../test/vectors/shc-testdata/examples/', import.meta.url)
const read = (name: string): string => readFileSync(new URL(name, examples), 'utf8').trim()

describe('decodeShcQr', () => {
  it('turns each pair of digits into the character 45 above it', () => {
    // 'e' = 101 = 45 + 56, 'y' = 121 = 45 + 76, '-' = 45 + 0, '.' = 45 + 1, 'z' = 45 + 77.
    assert.equal(decodeShcQr('shc:/5676000177'), 'ey-.z')
  })

  for (const name of ['valid-covid-vaccines', 'invalid-revoked', 'valid-with-exp']) {
    it(`decodes examples/${name}.qr.txt to the JWS of ${name}.jws.txt`, () => {
      assert.equal(decodeShcQr(read(`${name}.qr.txt`)), read(`${name}.jws.txt`))
    })
  }

  it('is the inverse of encodeShcQr', () => {
    const jws = read('valid-covid-vaccines.jws.txt')
    assert.equal(encodeShcQr(jws), read('valid-covid-vaccines.qr.txt'))
    assert.equal(decodeShcQr(encodeShcQr(jws)), jws)
  })

  for (const [text, found] of [
    ['SHC:/5676', '"SHC:/567"'],
    ['shc:5676', '"shc:5676"'],
    ['HC1:NCFOXN', '"HC1:NCFO"'],
    [' shc:/5676', 'whitespace before "shc:/567"'],
    ['', 'an empty text'],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} with ERR_SHC_PREFIX, naming ${found}`, () => {
      assert.throws(
        () => decodeShcQr(text),
        (error: Error & { code?: string; stage?: string }) => {
          assert.equal(error.code, 'ERR_SHC_PREFIX')
          assert.equal(error.stage, 'prefix')
          assert.ok(error.message.includes(found), error.message)
          return true
        },
      )
    })
  }

  for (const text of ['shc:/1/2/5676', 'shc:/2/2/5676', 'shc:/3/2/5676', 'shc:/1/1/5676']) {
    it(`refuses the chunk ${text} with ERR_SHC_CHUNKED, saying chunking is deprecated`, () => {
      assert.throws(
        () => decodeShcQr(text),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_SHC_CHUNKED')
          assert.match(error.message, /deprecated/)
          assert.match(error.message, /chunking-larger-shcs-deprecated/)
          return true
        },
      )
    })
  }

  for (const [text, problem] of [
    ['shc:/567', /even number of digits.*found 3/],
    ['shc:/', /even number of digits.*found 0/],
    ['shc:/5678', /00 to 77.*found 78 at position 7/],
    ['shc:/5699', /found 99/],
    ['shc:/56a6', /only digits.*"a" at position 7/],
    ['shc:/5676 ', /only digits.*" "/],
    ['shc:/1/x/5676', /only digits.*"\/"/],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} with ERR_SHC_NUMERIC`, () => {
      assert.throws(
        () => decodeShcQr(text),
        (error: Error & { code?: string; stage?: string }) => {
          assert.equal(error.code, 'ERR_SHC_NUMERIC')
          assert.equal(error.stage, 'prefix')
          assert.match(error.message, problem)
          return true
        },
      )
    })
  }

  it('refuses a text longer than a QR code holds with ERR_SHC_TOO_LONG, before reading it', () => {
    const text = SHC_PREFIX + '5'.repeat(SHC_MAX_QR_DIGITS + 1)
    assert.throws(() => decodeShcQr(text), { code: 'ERR_SHC_TOO_LONG', stage: 'prefix' })
  })

  it('reads a text of exactly the largest size', () => {
    const digits = '56'.repeat(Math.floor(SHC_MAX_QR_DIGITS / 2))
    assert.equal(decodeShcQr(SHC_PREFIX + digits).length, digits.length / 2)
  })
})

describe('encodeShcQr', () => {
  it('writes two digits per character, with a leading zero below 10', () => {
    assert.equal(encodeShcQr('-.0a'), 'shc:/00010352')
  })

  it('refuses a character no compact JWS holds', () => {
    assert.throws(() => encodeShcQr('a b'), RangeError)
    assert.throws(() => encodeShcQr('a{'), RangeError)
  })
})
