import assert from 'node:assert/strict'
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import { assertSameBytes } from '../../../test/assert-bytes.js'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import {
  TrustError,
  TrustList,
  kidOfCertificate,
  signerFromCertificate,
  signerFromPublicKey,
} from './trusted-signer.js'

function certificateOf(id: string): Uint8Array {
  const certificate = getDgcVector(id).certificate
  assert.ok(certificate, `${id} carries a certificate`)
  return certificate
}

const ALL_DCC_USAGES = [
  '1.3.6.1.4.1.0.1847.2021.1.1',
  '1.3.6.1.4.1.0.1847.2021.1.2',
  '1.3.6.1.4.1.0.1847.2021.1.3',
]

describe('kidOfCertificate', () => {
  it('is the first 8 bytes of the SHA-256 of the DER certificate (HCERT section 3.3.2)', () => {
    const der = certificateOf('common/CO3')
    const kid = kidOfCertificate(der)
    assert.equal(kid.length, 8)
    assertSameBytes(kid, createHash('sha256').update(der).digest().subarray(0, 8))
  })

  it('matches the kid that signed common/CO3', () => {
    assert.equal(
      Buffer.from(kidOfCertificate(certificateOf('common/CO3'))).toString('base64'),
      'rDaQ7oNhzJY=',
    )
  })
})

describe('signerFromCertificate', () => {
  it('reads an EC P-256 document signer (common/CO3)', () => {
    const der = certificateOf('common/CO3')
    const signer = signerFromCertificate(der)
    assertSameBytes(signer.kid, createHash('sha256').update(der).digest().subarray(0, 8))
    assert.equal(signer.keyType, 'ec-p256')
    assert.equal(signer.publicKey.asymmetricKeyType, 'ec')
    assert.equal(signer.subject, 'CN=EC-Me')
    assert.deepEqual([...signer.extendedKeyUsage].sort(), ALL_DCC_USAGES)
    assert.equal(signer.notBefore, Date.parse('2021-05-03T18:00:00Z'))
    assert.equal(signer.notAfter, Date.parse('2021-06-02T18:00:00Z'))
  })

  it('reads an RSA document signer (common/CO1)', () => {
    const signer = signerFromCertificate(certificateOf('common/CO1'))
    assert.equal(signer.keyType, 'rsa')
    assert.equal(signer.publicKey.asymmetricKeyType, 'rsa')
    assert.equal(signer.subject, 'CN=RSA-Me')
  })

  it('reads a restricted extended key usage (common/CO6: test certificates only)', () => {
    const signer = signerFromCertificate(certificateOf('common/CO6'))
    assert.deepEqual(signer.extendedKeyUsage, ['1.3.6.1.4.1.0.1847.2021.1.1'])
  })

  it('reads no extended key usage from a certificate without the extension (common/CO28)', () => {
    const der = certificateOf('common/CO28')
    assert.equal(new X509Certificate(der).keyUsage, undefined)
    const signer = signerFromCertificate(der)
    assert.deepEqual(signer.extendedKeyUsage, [])
    assert.equal(signer.keyType, 'ec-p256')
  })

  it('writes a multi-part subject on one line', () => {
    const signer = signerFromCertificate(certificateOf('common/CO28'))
    assert.equal(
      signer.subject,
      'C=SE, O=Swedish eHealth Agency, organizationIdentifier=162021004748, CN=DGC Signer',
    )
  })

  it('takes the kid a trust list gives instead of deriving one', () => {
    const kid = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])
    assertSameBytes(signerFromCertificate(certificateOf('common/CO3'), kid).kid, kid)
  })

  for (const [what, bytes] of [
    ['garbage bytes', new Uint8Array(Buffer.from('this is not a certificate'))],
    ['no bytes', new Uint8Array(0)],
    ['a truncated certificate', certificateOf('common/CO3').subarray(0, 200)],
    [
      'a certificate with a corrupted header',
      new Uint8Array([0x31, ...certificateOf('common/CO3').subarray(1)]),
    ],
  ] as const) {
    it(`rejects ${what} with a TrustError ERR_TRUST_CERTIFICATE`, () => {
      assert.throws(
        () => signerFromCertificate(bytes),
        (error: unknown) => {
          assert.ok(error instanceof TrustError)
          assert.equal(error.name, 'TrustError')
          assert.equal(error.code, 'ERR_TRUST_CERTIFICATE')
          return true
        },
      )
    })
  }
})

describe('signerFromPublicKey', () => {
  const spkiOf = (der: Uint8Array): Uint8Array =>
    new Uint8Array(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }))

  it('reads a bare key with no validity period and no usage restriction', () => {
    const kid = kidOfCertificate(certificateOf('common/CO3'))
    const signer = signerFromPublicKey(spkiOf(certificateOf('common/CO3')), kid)
    assertSameBytes(signer.kid, kid)
    assert.equal(signer.keyType, 'ec-p256')
    assert.equal(signer.notBefore, undefined)
    assert.equal(signer.notAfter, undefined)
    assert.deepEqual(signer.extendedKeyUsage, [])
    assert.equal(signer.subject, undefined)
  })

  it('tells RSA keys from EC keys, and calls any other key "other"', () => {
    const kid = new Uint8Array(8)
    assert.equal(signerFromPublicKey(spkiOf(certificateOf('common/CO1')), kid).keyType, 'rsa')
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey
    const ed25519 = generateKeyPairSync('ed25519').publicKey
    for (const key of [p384, ed25519]) {
      const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }))
      assert.equal(signerFromPublicKey(spki, kid).keyType, 'other')
    }
  })

  it('rejects bytes that are not a public key with a TrustError ERR_TRUST_KEY', () => {
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array(Buffer.from('not a key')),
      certificateOf('common/CO3'),
    ]) {
      assert.throws(() => signerFromPublicKey(bytes, new Uint8Array(8)), {
        name: 'TrustError',
        code: 'ERR_TRUST_KEY',
      })
    }
  })
})

describe('TrustList', () => {
  const co3 = signerFromCertificate(certificateOf('common/CO3'))
  const co1 = signerFromCertificate(certificateOf('common/CO1'))

  it('finds a signer by its kid, compared by bytes', () => {
    const list = new TrustList([co3, co1])
    assert.deepEqual(list.signersFor(new Uint8Array(co3.kid)), [co3])
    assert.deepEqual(list.signersFor(Buffer.from(co1.kid)), [co1])
    assert.equal(list.size, 2)
  })

  it('returns no signers for an unknown kid', () => {
    const list = new TrustList([co3])
    assert.deepEqual(list.signersFor(new Uint8Array(8)), [])
    assert.deepEqual(list.signersFor(new Uint8Array(0)), [])
    assert.deepEqual(list.signersFor(co3.kid.subarray(0, 7)), [])
    assert.deepEqual(new TrustList().signersFor(co3.kid), [])
  })

  it('compares the bytes of a kid that is a view into a larger array, or of any length', () => {
    const framed = new Uint8Array([0xff, ...co3.kid, 0xff])
    assert.deepEqual(new TrustList([co3]).signersFor(framed.subarray(1, 9)), [co3])
    const long = { ...co1, kid: new Uint8Array(40).fill(0xab) }
    const empty = { ...co1, kid: new Uint8Array(0) }
    const list = new TrustList([long, empty])
    assert.deepEqual(list.signersFor(new Uint8Array(40).fill(0xab)), [long])
    assert.deepEqual(list.signersFor(new Uint8Array(0)), [empty])
    assert.deepEqual(list.signersFor(new Uint8Array(39).fill(0xab)), [])
    for (let i = 0; i < 8; i++) {
      const other = new Uint8Array(co3.kid)
      other[i] = (other[i] as number) ^ 0x80
      assert.deepEqual(new TrustList([co3]).signersFor(other), [], `byte ${i} changed`)
    }
  })

  it('keeps every signer that shares a kid', () => {
    const twin = { ...co1, kid: co3.kid }
    const list = new TrustList([co3, twin])
    assert.deepEqual(list.signersFor(co3.kid), [co3, twin])
    assert.equal(list.size, 2)
  })

  it('finds signers added after construction', () => {
    const list = new TrustList()
    assert.equal(list.size, 0)
    list.add(co1)
    assert.deepEqual(list.signersFor(co1.kid), [co1])
    assert.equal(list.size, 1)
  })
})
