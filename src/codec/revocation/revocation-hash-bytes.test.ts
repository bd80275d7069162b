import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  countryCodeUciHashBytes,
  encodeBase64,
  normalHash,
  revocationHashText,
  signatureHashBytes,
  uciHashBytes,
} from './revocation-hash-bytes.js'

describe('the revocation hash bytes shared by the server and the door scanner', () => {
  it('writes base64 as Node does, for every length modulo 3', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = randomBytes(length)
      assert.equal(encodeBase64(bytes), bytes.toString('base64'), `${length} bytes`)
    }
  })

  it('takes the UTF-8 of the UVCI, of the country and the UVCI, and r alone of an ES256 signature', () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
    const uvci = 'URN:UVCI:01:RU:СПб#K'
    assert.equal(hex(uciHashBytes(uvci)), Buffer.from(uvci, 'utf8').toString('hex'))
    assert.equal(hex(countryCodeUciHashBytes('RU', uvci)), Buffer.from(`RU${uvci}`).toString('hex'))
    const signature = randomBytes(64)
    assert.equal(hex(signatureHashBytes(signature, 'ES256')), signature.toString('hex', 0, 32))
    assert.equal(hex(signatureHashBytes(signature, 'PS256')), signature.toString('hex'))
  })

  it('writes a hash as the first 16 bytes of the digest in padded base64', () => {
    const digest = randomBytes(32)
    assert.equal(revocationHashText(digest), digest.subarray(0, 16).toString('base64'))
  })

  it('pads an unpadded hash and clears its unused trailing bits, as a Buffer round trip does', () => {
    const hash = randomBytes(16).toString('base64')
    assert.equal(normalHash(hash), hash)
    assert.equal(normalHash(hash.slice(0, 22)), hash)
    // The last digit carries 2 bits of the 16th byte and 4 unused ones.
    const noisy = `${hash.slice(0, 21)}B==`
    assert.equal(normalHash(noisy), Buffer.from(noisy, 'base64').toString('base64'))
    assert.notEqual(normalHash(noisy), noisy)
  })

  it('refuses what is not base64 of 16 bytes', () => {
    const hash = randomBytes(16).toString('base64')
    for (const bad of [
      '',
      randomBytes(15).toString('base64'),
      randomBytes(17).toString('base64'),
      `${hash.slice(0, 21)}-==`,
      `${hash.slice(0, 22)}=`,
      ` ${hash}`,
    ]) {
      assert.equal(normalHash(bad), undefined, JSON.stringify(bad))
    }
  })
})
