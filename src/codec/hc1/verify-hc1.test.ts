import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Encoder, Tag } from 'cbor-x'
import { getDgcVector, trustListFor, type DgcVector } from '../../../test/dgc-test-vectors.js'
import { TrustList, signerFromCertificate, type TrustedSigner } from '../trust/trusted-signer.js'
import { encodeBase45 } from './base45.js'
import { decodeCoseSign1 } from './cose.js'
import { HC1_PREFIX } from './prefix.js'
import { deflateZlib } from './inflate.js'
import { verifyHc1, type DecodedHc1, type Hc1Verification } from './verify-hc1.js'

const encoder = new Encoder({
  variableMapSize: true,
  tagUint8Array: false,
  useRecords: false,
  mapsAsObjects: false,
})

function vector(id: string): DgcVector & { text: string; clock: Date; certificate: Uint8Array } {
  const found = getDgcVector(id)
  const { text, clock, certificate } = found
  assert.ok(text && clock && certificate, `${id} has a text, a clock and a certificate`)
  return { ...found, text, clock, certificate }
}

const verifyVector = (id: string): Hc1Verification => {
  const found = vector(id)
  return verifyHc1(found.text, { trust: trustListFor(found), at: found.clock })
}

/** The failure of a result, asserting that it is one. */
function failureOf(result: Hc1Verification): Extract<Hc1Verification, { valid: false }> {
  assert.equal(result.valid, false, 'expected the code to be refused')
  if (result.valid) throw new Error('unreachable')
  return result
}

/** The QR text of a COSE_Sign1 whose protected header is replaced (so its signature no longer holds). */
function withProtectedHeader(cose: Uint8Array, header: Map<number, unknown>): string {
  const message = decodeCoseSign1(cose)
  const protectedBytes = new Uint8Array(encoder.encode(header))
  const rebuilt = new Uint8Array(
    encoder.encode(
      new Tag(
        [protectedBytes, new Map(message.unprotectedHeader), message.payload, message.signature],
        18,
      ),
    ),
  )
  return HC1_PREFIX + encodeBase45(deflateZlib(rebuilt))
}

const co3 = vector('common/CO3')
const co3Cose = co3.cose ?? new Uint8Array(0)
const co3Signer = signerFromCertificate(co3.certificate)
// common/CO3: issued 2021-05-03T18:00:00Z, expires 2021-05-05T18:00:00Z.
const ISSUED_AT = Date.parse('2021-05-03T18:00:00Z')
const EXPIRES_AT = Date.parse('2021-05-05T18:00:00Z')

const verifyCo3 = (at: number, signer: TrustedSigner = co3Signer): Hc1Verification =>
  verifyHc1(co3.text, { trust: new TrustList([signer]), at: new Date(at) })

describe('verifyHc1', () => {
  describe('what it reports', () => {
    it('reports everything it decoded of a valid code (common/CO3)', () => {
      const result = verifyVector('common/CO3')
      assert.ok(result.valid)
      const expected: DecodedHc1 = {
        kind: 'dcc',
        kid: 'rDaQ7oNhzJY=',
        algorithm: 'ES256',
        issuer: 'AT',
        issuedAt: '2021-05-03T18:00:00.000Z',
        expiresAt: '2021-05-05T18:00:00.000Z',
        type: 'vaccination',
        schemaVersion: '1.2.1',
        dcc: co3.json as DecodedHc1['dcc'],
        signer: 'CN=EC-Me',
      }
      assert.deepEqual({ ...result.certificate }, expected)
    })

    it('reports nothing decoded when the code fails before its claims are read', () => {
      for (const id of ['common/H1', 'common/B1', 'common/Z2', 'common/CBO1', 'common/CBO2']) {
        assert.equal(failureOf(verifyVector(id)).certificate, undefined, id)
      }
    })

    it('reports the decoded claims, but no signer, when the signature fails (common/CO5)', () => {
      const failure = failureOf(verifyVector('common/CO5'))
      assert.equal(failure.error.code, 'ERR_COSE_SIGNATURE')
      assert.equal(failure.certificate?.kid, 'x0AlG3+naLk=')
      assert.equal(failure.certificate?.algorithm, 'ES256')
      assert.equal(failure.certificate?.issuer, 'AT')
      assert.equal(failure.certificate?.signer, undefined)
      assert.equal(failure.certificate?.type, undefined)
    })

    it('reports the signer when the schema fails after the signature verified (common/DGC1)', () => {
      const failure = failureOf(verifyVector('common/DGC1'))
      assert.equal(failure.stage, 'schema')
      assert.equal(failure.certificate?.algorithm, 'ES256')
      assert.equal(failure.certificate?.signer, 'CN=EC-Me')
      assert.equal(failure.certificate?.type, undefined)
    })

    for (const [id, stage, type] of [
      ['common/CO6', 'key_usage', 'vaccination'],
      ['common/CO17', 'expired', 'test'],
      ['common/CO16', 'not_yet_valid', 'test'],
    ] as const) {
      it(`reports the signer, type and schema version when a later check fails (${id}, ${stage})`, () => {
        const failure = failureOf(verifyVector(id))
        assert.equal(failure.stage, stage)
        assert.equal(failure.certificate?.signer, 'CN=EC-Me')
        assert.equal(failure.certificate?.type, type)
        assert.ok(failure.certificate?.schemaVersion)
      })
    }
  })

  describe('validity times', () => {
    it('accepts the clock exactly at the expiry and refuses it one millisecond later', () => {
      assert.equal(verifyCo3(EXPIRES_AT).valid, true)
      assert.equal(failureOf(verifyCo3(EXPIRES_AT + 1)).error.code, 'ERR_CWT_EXPIRED')
    })

    it('accepts the clock exactly at issuance and refuses it one millisecond earlier', () => {
      assert.equal(verifyCo3(ISSUED_AT).valid, true)
      assert.equal(failureOf(verifyCo3(ISSUED_AT - 1)).error.code, 'ERR_CWT_NOT_YET_VALID')
    })

    it("refuses a code whose signer's certificate has expired, though the code has not", () => {
      const signer = { ...co3Signer, notAfter: ISSUED_AT + 1000 }
      const failure = failureOf(verifyCo3(ISSUED_AT + 2000, signer))
      assert.equal(failure.stage, 'expired')
      assert.equal(failure.error.code, 'ERR_SIGNER_EXPIRED')
    })

    it("refuses a code whose signer's certificate is not valid yet", () => {
      const signer = { ...co3Signer, notBefore: ISSUED_AT + 5000 }
      const failure = failureOf(verifyCo3(ISSUED_AT + 2000, signer))
      assert.equal(failure.stage, 'not_yet_valid')
      assert.equal(failure.error.code, 'ERR_SIGNER_NOT_YET_VALID')
    })
  })

  describe('the signature', () => {
    it('refuses a code without a kid with ERR_COSE_KID_MISSING', () => {
      const text = withProtectedHeader(co3Cose, new Map([[1, -7]]))
      const failure = failureOf(
        verifyHc1(text, { trust: new TrustList([co3Signer]), at: new Date(ISSUED_AT) }),
      )
      assert.equal(failure.stage, 'signature')
      assert.equal(failure.error.code, 'ERR_COSE_KID_MISSING')
    })

    it('refuses an algorithm other than ES256 and PS256 with ERR_COSE_ALGORITHM', () => {
      for (const algorithm of [-8, -35, -257, 0, 'ES256']) {
        const header = new Map<number, unknown>([
          [4, co3Signer.kid],
          [1, algorithm],
        ])
        const text = withProtectedHeader(co3Cose, header)
        const failure = failureOf(
          verifyHc1(text, { trust: new TrustList([co3Signer]), at: new Date(ISSUED_AT) }),
        )
        assert.equal(failure.error.code, 'ERR_COSE_ALGORITHM', String(algorithm))
      }
    })

    it('refuses a kid whose trusted key does not suit the algorithm with ERR_COSE_KEY_MISMATCH', () => {
      const rsaWithCo3Kid = signerFromCertificate(vector('common/CO1').certificate, co3Signer.kid)
      const failure = failureOf(verifyCo3(ISSUED_AT, rsaWithCo3Kid))
      assert.equal(failure.stage, 'signature')
      assert.equal(failure.error.code, 'ERR_COSE_KEY_MISMATCH')
    })

    it('refuses a signature that the trusted key under the kid did not make', () => {
      const otherKeyWithCo3Kid = signerFromCertificate(
        vector('common/CO12').certificate,
        co3Signer.kid,
      )
      assert.equal(
        failureOf(verifyCo3(ISSUED_AT, otherKeyWithCo3Kid)).error.code,
        'ERR_COSE_SIGNATURE',
      )
    })

    it('tries every trusted key under a kid, and verifies with the one that signed', () => {
      const impostor = signerFromCertificate(vector('common/CO12').certificate, co3Signer.kid)
      const result = verifyHc1(co3.text, {
        trust: new TrustList([impostor, co3Signer]),
        at: new Date(ISSUED_AT),
      })
      assert.ok(result.valid)
    })

    it('reports the first trust problem when no trusted signer has the kid', () => {
      const failure = failureOf(
        verifyHc1(co3.text, {
          trust: new TrustList(),
          at: new Date(ISSUED_AT),
          trustProblems: [
            { code: 'ERR_TRUST_CERTIFICATE', message: 'the certificate did not parse' },
          ],
        }),
      )
      assert.equal(failure.stage, 'signature')
      assert.equal(failure.error.code, 'ERR_TRUST_CERTIFICATE')
    })

    it('ignores trust problems when a trusted signer has the kid', () => {
      const result = verifyHc1(co3.text, {
        trust: new TrustList([co3Signer]),
        at: new Date(ISSUED_AT),
        trustProblems: [
          { code: 'ERR_TRUST_CERTIFICATE', message: 'another certificate did not parse' },
        ],
      })
      assert.ok(result.valid)
    })
  })

  describe('revocation', () => {
    it('refuses a revoked certificate at the revoked stage with ERR_REVOKED, given what was decoded', () => {
      const seen: { certificate: DecodedHc1; signature: Uint8Array }[] = []
      const failure = failureOf(
        verifyHc1(co3.text, {
          trust: new TrustList([co3Signer]),
          at: new Date(ISSUED_AT),
          revocation: {
            isRevoked(certificate, signature) {
              seen.push({ certificate, signature })
              return true
            },
          },
        }),
      )
      assert.equal(failure.stage, 'revoked')
      assert.equal(failure.error.code, 'ERR_REVOKED')
      assert.equal(seen.length, 1)
      assert.equal(seen[0]?.certificate.type, 'vaccination')
      assert.equal(
        Buffer.from(seen[0]?.signature ?? []).toString('hex'),
        Buffer.from(decodeCoseSign1(co3Cose).signature).toString('hex'),
      )
    })

    it('accepts a certificate the revocation check does not know', () => {
      const result = verifyHc1(co3.text, {
        trust: new TrustList([co3Signer]),
        at: new Date(ISSUED_AT),
        revocation: { isRevoked: () => false },
      })
      assert.ok(result.valid)
    })

    it('asks about revocation only once every other check has passed', () => {
      const co6 = vector('common/CO6')
      let asked = false
      const failure = failureOf(
        verifyHc1(co6.text, {
          trust: trustListFor(co6),
          at: co6.clock,
          revocation: {
            isRevoked: () => {
              asked = true
              return true
            },
          },
        }),
      )
      assert.equal(failure.error.code, 'ERR_KEY_USAGE')
      assert.equal(asked, false)
    })
  })
})
