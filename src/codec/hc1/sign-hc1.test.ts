import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, verify } from 'node:crypto'
import { describe, it } from 'node:test'
import { Decoder, Encoder, Tag } from 'cbor-x'
import { TrustList, signerFromPublicKey } from '../trust/index.js'
import { decodeBase45, encodeBase45 } from './base45.js'
import { deflateZlib, inflateZlib } from './inflate.js'
import { signHc1 } from './sign-hc1.js'
import { verifyHc1 } from './verify-hc1.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const spki = publicKey.export({ format: 'der', type: 'spki' })
const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8))
const trust = new TrustList([signerFromPublicKey(spki, kid)])

const recovery = {
  ver: '1.3.0',
  nam: { fn: 'Петров', fnt: 'PETROV', gn: 'Иван', gnt: 'IVAN' },
  dob: '1985-03-14',
  r: [
    {
      tg: '840539006',
      fr: '2026-10-20',
      co: 'RU',
      is: 'St. Petersburg health committee',
      df: '2026-10-31',
      du: '2027-04-18',
      ci: 'URN:UVCI:01:RU:SPB00000001#K',
    },
  ],
}
const issuedAt = new Date('2026-11-23T09:00:00Z')
const expiresAt = new Date('2027-04-18T00:00:00Z')

function sample(): string {
  return signHc1({ dcc: recovery, issuer: 'RU', issuedAt, expiresAt }, { privateKey, kid })
}

describe('signHc1', () => {
  it('makes a code our verifier accepts, with every claim as given', () => {
    const result = verifyHc1(sample(), { trust, at: new Date('2026-12-01T00:00:00Z') })
    assert.equal(result.valid, true, JSON.stringify(result))
    assert.equal(result.certificate?.type, 'recovery')
    assert.equal(result.certificate?.issuer, 'RU')
    assert.equal(result.certificate?.issuedAt, issuedAt.toISOString())
    assert.equal(result.certificate?.expiresAt, expiresAt.toISOString())
    assert.deepEqual(result.certificate?.dcc, recovery)
  })

  it('writes COSE that an independent check accepts: tag 18, ES256 in the protected header, r || s over the Sig_structure', () => {
    const cose = inflateZlib(decodeBase45(sample().slice(4)))
    assert.equal(cose[0], 0xd2)
    const decoded = new Decoder({ mapsAsObjects: false, useRecords: false }).decode(cose) as Tag
    assert.ok(decoded instanceof Tag && decoded.tag === 18)
    const [protectedBytes, unprotected, payload, signature] = decoded.value as [
      Uint8Array,
      Map<number, unknown>,
      Uint8Array,
      Uint8Array,
    ]
    const header = new Decoder({ mapsAsObjects: false }).decode(protectedBytes) as Map<
      number,
      unknown
    >
    assert.equal(header.get(1), -7)
    assert.deepEqual(new Uint8Array(header.get(4) as Uint8Array), kid)
    assert.equal(unprotected.size, 0)
    assert.equal(signature.length, 64)
    // Sig_structure built here with a general-purpose encoder, independently of the codec's own.
    const toBeSigned = new Encoder({ useRecords: false, tagUint8Array: false }).encode([
      'Signature1',
      Buffer.from(protectedBytes),
      Buffer.alloc(0),
      Buffer.from(payload),
    ])
    assert.equal(
      verify('sha256', toBeSigned, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
      true,
    )
  })

  it('uses no tag 259 maps or tag 64 byte arrays (cbor-x defaults that COSE verifiers reject)', () => {
    const cose = Buffer.from(inflateZlib(decodeBase45(sample().slice(4))))
    assert.equal(cose.includes(Buffer.from([0xd9, 0x01, 0x03])), false)
    assert.equal(cose.includes(Buffer.from([0xd8, 0x40])), false)
  })

  it('is rejected when a byte is changed after signing', () => {
    const cose = Buffer.from(inflateZlib(decodeBase45(sample().slice(4))))
    const at = cose.indexOf(Buffer.from('PETROV'))
    cose[at] = 'Q'.charCodeAt(0)
    const forged = 'HC1:' + encodeBase45(deflateZlib(cose))
    const result = verifyHc1(forged, { trust, at: new Date('2026-12-01T00:00:00Z') })
    assert.equal(result.valid ? 'ok' : result.error.code, 'ERR_COSE_SIGNATURE')
  })

  it('refuses a key that is not P-256 and a kid that is not 8 bytes', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    assert.throws(
      () => signHc1({ dcc: recovery, issuer: 'RU', issuedAt, expiresAt }, { privateKey: rsa, kid }),
      TypeError,
    )
    assert.throws(
      () =>
        signHc1(
          { dcc: recovery, issuer: 'RU', issuedAt, expiresAt },
          { privateKey, kid: kid.subarray(0, 4) },
        ),
      TypeError,
    )
  })
})
