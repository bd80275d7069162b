import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { before, describe, it } from 'node:test'
import { Encoder, Tag } from 'cbor-x'
import { getDgcVector, trustListFor, type DgcVector } from '../../../test/dgc-test-vectors.js'
import {
  createCsca,
  createDocumentSigner,
  type IssuedCertificate,
} from '../trust/issue-certificates.js'
import {
  TrustList,
  signerFromCertificate,
  signerFromPublicKey,
  type TrustedSigner,
} from '../trust/trusted-signer.js'
import { RevocationList } from '../revocation/index.js'
import { countryCodeUciHash, signatureHash, uciHash } from '../revocation/revocation-hashes.js'
import { decodeBase45, encodeBase45 } from './base45.js'
import type { JsonValue } from './cbor.js'
import { decodeCoseSign1 } from './cose.js'
import type { Hc1ErrorCode } from './errors.js'
import type { DccType } from './key-usage.js'
import { signHc1, type Hc1Signer } from './sign-hc1.js'
import { HC1_PREFIX } from './prefix.js'
import { deflateZlib, inflateZlib } from './inflate.js'
import { verifyHc1, type DecodedDcc, type DecodedHc1, type Hc1Verification } from './verify-hc1.js'

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
        payloadType: 'eu-dcc',
        kid: 'rDaQ7oNhzJY=',
        algorithm: 'ES256',
        issuer: 'AT',
        issuedAt: '2021-05-03T18:00:00.000Z',
        expiresAt: '2021-05-05T18:00:00.000Z',
        type: 'vaccination',
        schemaVersion: '1.2.1',
        dcc: co3.json as DecodedDcc['dcc'],
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

  describe('Healthcode antibody certificates (claim -70001, not EU DCCs)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const spki = publicKey.export({ format: 'der', type: 'spki' })
    const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8))
    const signer = signerFromPublicKey(spki, kid)
    const trust = new TrustList([signer])
    const issuedAt = new Date('2026-11-23T09:00:00Z')
    const expiresAt = new Date('2027-05-19T00:00:00Z')
    const at = new Date('2026-12-01T00:00:00Z')
    const both = ['eu-dcc', 'healthcode-antibody'] as const

    type JsonObject = { [key: string]: JsonValue }
    const sample = (): JsonObject =>
      JSON.parse(
        readFileSync(new URL('./test-fixtures/healthcode-antibody.json', import.meta.url), 'utf8'),
      ) as JsonObject
    const entry = (): JsonObject => (sample()['ab'] as JsonObject[])[0] as JsonObject
    const withEntry = (changes: JsonObject): JsonObject => ({
      ...sample(),
      ab: [{ ...entry(), ...changes }],
    })

    const signAntibody = (
      antibody: JsonValue = sample(),
      key: Hc1Signer = { privateKey, kid },
    ): string =>
      signHc1(
        { payloadType: 'healthcode-antibody', dcc: antibody, issuer: 'RU', issuedAt, expiresAt },
        key,
      )

    /** An HC1 code around any CWT claims, signed here without the codec's signHc1. */
    function signClaims(claims: Map<number, unknown>): string {
      const protectedBytes = new Uint8Array(
        encoder.encode(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
          ]),
        ),
      )
      const payload = new Uint8Array(encoder.encode(claims))
      const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload])
      const signature = sign('sha256', toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      const cose = encoder.encode(new Tag([protectedBytes, new Map(), payload, signature], 18))
      return HC1_PREFIX + encodeBase45(deflateZlib(new Uint8Array(cose)))
    }
    const standardClaims = (): Map<number, unknown> =>
      new Map<number, unknown>([
        [1, 'RU'],
        [4, expiresAt.getTime() / 1000],
        [6, issuedAt.getTime() / 1000],
      ])

    it('verifies one, and says it is a healthcode-antibody payload with the signer and schema version', () => {
      const result = verifyHc1(signAntibody(), { trust, at, payloadTypes: both })
      assert.ok(result.valid, JSON.stringify(result))
      assert.equal(result.certificate.payloadType, 'healthcode-antibody')
      assert.equal(result.certificate.kind, 'healthcode-antibody')
      assert.equal(result.certificate.schemaVersion, '1.0.0')
      assert.equal(result.certificate.algorithm, 'ES256')
      assert.equal(result.certificate.kid, Buffer.from(kid).toString('base64'))
      assert.ok(result.certificate.payloadType === 'healthcode-antibody')
      assert.deepEqual(result.certificate.antibody, sample())
    })

    it('refuses one by default, after the signature, with ERR_HC1_PAYLOAD_TYPE', () => {
      const failure = failureOf(verifyHc1(signAntibody(), { trust, at }))
      assert.equal(failure.stage, 'schema')
      assert.equal(failure.error.code, 'ERR_HC1_PAYLOAD_TYPE')
      assert.equal(failure.certificate?.payloadType, 'healthcode-antibody')
      assert.equal(failure.certificate?.dcc, undefined)
    })

    it('refuses an EU DCC with ERR_HC1_PAYLOAD_TYPE when asked for antibody certificates only', () => {
      const failure = failureOf(
        verifyHc1(co3.text, {
          trust: new TrustList([co3Signer]),
          at: new Date(ISSUED_AT),
          payloadTypes: ['healthcode-antibody'],
        }),
      )
      assert.equal(failure.error.code, 'ERR_HC1_PAYLOAD_TYPE')
      assert.equal(failure.certificate?.payloadType, 'eu-dcc')
    })

    it('reports an EU DCC alike whether or not antibody certificates are accepted too', () => {
      const alone = verifyCo3(ISSUED_AT)
      const withAntibodies = verifyHc1(co3.text, {
        trust: new TrustList([co3Signer]),
        at: new Date(ISSUED_AT),
        payloadTypes: both,
      })
      assert.ok(alone.valid && withAntibodies.valid)
      assert.deepEqual(withAntibodies, alone)
    })

    it('refuses a code with both an EU DCC and an antibody certificate at decode, ERR_CWT_TWO_PAYLOADS', () => {
      const claims = standardClaims()
      claims.set(-260, new Map([[1, co3.json]]))
      claims.set(-70001, sample())
      const failure = failureOf(verifyHc1(signClaims(claims), { trust, at, payloadTypes: both }))
      assert.equal(failure.stage, 'decode')
      assert.equal(failure.error.code, 'ERR_CWT_TWO_PAYLOADS')
      assert.equal(failure.certificate, undefined)
      const byDefault = failureOf(verifyHc1(signClaims(claims), { trust, at }))
      assert.equal(byDefault.error.code, 'ERR_CWT_TWO_PAYLOADS')
    })

    it('refuses a code with neither at decode, ERR_CWT_NO_PAYLOAD', () => {
      const failure = failureOf(
        verifyHc1(signClaims(standardClaims()), { trust, at, payloadTypes: both }),
      )
      assert.equal(failure.stage, 'decode')
      assert.equal(failure.error.code, 'ERR_CWT_NO_PAYLOAD')
    })

    it('verifies an antibody certificate signed without the codec, under claim -70001', () => {
      const claims = standardClaims()
      claims.set(-70001, sample())
      assert.ok(verifyHc1(signClaims(claims), { trust, at, payloadTypes: both }).valid)
    })

    describe('the schema stage', () => {
      const { dob: _dob, ...withoutDob } = sample()
      const vaccinations = (co3.json as JsonObject)['v'] as JsonValue
      const refusals: [string, JsonObject, Hc1ErrorCode][] = [
        ['without a birth date', withoutDob, 'ERR_ANTIBODY_SCHEMA'],
        ['with two entries', { ...sample(), ab: [entry(), entry()] }, 'ERR_ANTIBODY_SCHEMA'],
        ['with no entry', { ...sample(), ab: [] }, 'ERR_ANTIBODY_SCHEMA'],
        ['with a level as text', withEntry({ va: '1250.5' }), 'ERR_ANTIBODY_SCHEMA'],
        ['with a date that is a number', withEntry({ dt: 20261120 }), 'ERR_ANTIBODY_SCHEMA'],
        [
          'with an EU DCC vaccination beside it',
          { ...sample(), v: vaccinations },
          'ERR_ANTIBODY_SCHEMA',
        ],
        ['with a level below the threshold', withEntry({ va: 10 }), 'ERR_ANTIBODY_LEVEL'],
        ['of an unknown version', { ...sample(), ver: '2.0.0' }, 'ERR_ANTIBODY_VERSION'],
      ]
      for (const [what, antibody, code] of refusals) {
        it(`refuses one ${what} at the schema stage with ${code}, after the signature`, () => {
          const failure = failureOf(
            verifyHc1(signAntibody(antibody), { trust, at, payloadTypes: both }),
          )
          assert.equal(failure.stage, 'schema')
          assert.equal(failure.error.code, code)
          assert.equal(failure.certificate?.payloadType, 'healthcode-antibody')
          assert.equal(failure.certificate?.algorithm, 'ES256')
          assert.equal(failure.certificate?.schemaVersion, undefined)
        })
      }
    })

    it('refuses an expired antibody certificate with ERR_CWT_EXPIRED', () => {
      const failure = failureOf(
        verifyHc1(signAntibody(), {
          trust,
          at: new Date(expiresAt.getTime() + 1000),
          payloadTypes: both,
        }),
      )
      assert.equal(failure.error.code, 'ERR_CWT_EXPIRED')
      assert.equal(failure.certificate?.schemaVersion, '1.0.0')
    })

    it('asks the revocation check about it, as about a DCC', () => {
      let seen: DecodedHc1 | undefined
      const failure = failureOf(
        verifyHc1(signAntibody(), {
          trust,
          at,
          payloadTypes: both,
          revocation: {
            isRevoked(certificate) {
              seen = certificate
              return true
            },
          },
        }),
      )
      assert.equal(failure.error.code, 'ERR_REVOKED')
      assert.equal(seen?.payloadType, 'healthcode-antibody')
    })

    describe('key usage, with document signer certificates issued under a CSCA', () => {
      const validity = {
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2028-01-01T00:00:00Z'),
      }
      let csca: IssuedCertificate
      before(async () => {
        csca = await createCsca({ country: 'RU', commonName: 'Healthcode CSCA test', ...validity })
      })
      const verifyWith = async (types: readonly DccType[] | 'all'): Promise<Hc1Verification> => {
        const dsc = await createDocumentSigner(
          csca,
          { country: 'RU', commonName: `DSC ${String(types)}`, ...validity },
          types,
        )
        return verifyHc1(signAntibody(sample(), { privateKey: dsc.privateKey, kid: dsc.kid }), {
          trust: new TrustList([signerFromCertificate(dsc.der)]),
          at,
          payloadTypes: both,
        })
      }

      it('accepts a signer whose certificate has no extended key usage', async () => {
        const result = await verifyWith('all')
        assert.ok(result.valid, JSON.stringify(result))
        assert.match(result.certificate.signer ?? '', /CN=DSC all/)
      })

      it('accepts a signer whose certificate names all three DCC types', async () => {
        assert.ok((await verifyWith(['test', 'vaccination', 'recovery'])).valid)
      })

      it('refuses a signer restricted to some DCC types with ERR_KEY_USAGE', async () => {
        for (const types of [['recovery'], ['test', 'vaccination']] as const) {
          const failure = failureOf(await verifyWith(types))
          assert.equal(failure.stage, 'key_usage', String(types))
          assert.equal(failure.error.code, 'ERR_KEY_USAGE', String(types))
        }
      })
    })
  })

  describe('Healthcode health-code tokens (claim -70002, not EU DCCs)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const spki = publicKey.export({ format: 'der', type: 'spki' })
    const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8))
    const trust = new TrustList([signerFromPublicKey(spki, kid)])
    // Signed at the city's server at 09:00:00 for 15 minutes; scanned at the door at 09:05.
    const issuedAt = new Date('2026-12-01T09:00:00Z')
    const expiresAt = new Date('2026-12-01T09:15:00Z')
    const at = new Date('2026-12-01T09:05:00Z')
    const door = ['healthcode-status'] as const
    const all = ['eu-dcc', 'healthcode-antibody', 'healthcode-status'] as const

    type JsonObject = { [key: string]: JsonValue }
    const fixture = (name: string): JsonObject =>
      JSON.parse(
        readFileSync(new URL(`./test-fixtures/${name}.json`, import.meta.url), 'utf8'),
      ) as JsonObject
    const sample = (): JsonObject => fixture('healthcode-status')

    const signToken = (
      status: JsonValue = sample(),
      key: Hc1Signer = { privateKey, kid },
      times: { issuedAt: Date; expiresAt: Date } = { issuedAt, expiresAt },
    ): string =>
      signHc1({ payloadType: 'healthcode-status', dcc: status, issuer: 'RU', ...times }, key)

    /** An HC1 code around any CWT claims, signed here without the codec's signHc1. */
    function signClaims(claims: Map<number, unknown>): string {
      const protectedBytes = new Uint8Array(
        encoder.encode(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
          ]),
        ),
      )
      const payload = new Uint8Array(encoder.encode(claims))
      const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload])
      const signature = sign('sha256', toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      const cose = encoder.encode(new Tag([protectedBytes, new Map(), payload, signature], 18))
      return HC1_PREFIX + encodeBase45(deflateZlib(new Uint8Array(cose)))
    }
    /** The claims of a token: `iss`, then `exp` and `iat` unless left out, and the payload. */
    const tokenClaims = (
      times: { iat?: number | undefined; exp?: number | undefined } = {
        iat: issuedAt.getTime() / 1000,
        exp: expiresAt.getTime() / 1000,
      },
      status: JsonValue = sample(),
    ): Map<number, unknown> => {
      const claims = new Map<number, unknown>([[1, 'RU']])
      if (times.exp !== undefined) claims.set(4, times.exp)
      if (times.iat !== undefined) claims.set(6, times.iat)
      claims.set(-70002, status)
      return claims
    }

    it('verifies one, and says it is a healthcode-status payload with the signer and schema version', () => {
      const result = verifyHc1(signToken(), { trust, at, payloadTypes: door })
      assert.ok(result.valid, JSON.stringify(result))
      const expected: DecodedHc1 = {
        kind: 'healthcode-status',
        payloadType: 'healthcode-status',
        kid: Buffer.from(kid).toString('base64'),
        algorithm: 'ES256',
        issuer: 'RU',
        issuedAt: issuedAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
        type: undefined,
        schemaVersion: '1.0.0',
        dcc: undefined,
        status: sample(),
        signer: result.certificate.signer,
      }
      assert.deepEqual({ ...result.certificate }, expected)
    })

    it('verifies one signed without the codec, under claim -70002', () => {
      assert.ok(verifyHc1(signClaims(tokenClaims()), { trust, at, payloadTypes: door }).valid)
    })

    it('verifies one among the other payload types when all are accepted', () => {
      const result = verifyHc1(signToken(), { trust, at, payloadTypes: all })
      assert.ok(result.valid && result.certificate.payloadType === 'healthcode-status')
    })

    describe('refused unless payloadTypes admits it', () => {
      for (const [what, payloadTypes] of [
        ['by default', undefined],
        ['when asked for EU DCCs', ['eu-dcc']],
        ['when asked for antibody certificates', ['healthcode-antibody']],
        ['when asked for EU DCCs and antibody certificates', ['eu-dcc', 'healthcode-antibody']],
        ['when asked for nothing', []],
      ] as const) {
        it(`refuses one ${what}, after the signature, with ERR_HC1_PAYLOAD_TYPE`, () => {
          const failure = failureOf(verifyHc1(signToken(), { trust, at, payloadTypes }))
          assert.equal(failure.stage, 'schema')
          assert.equal(failure.error.code, 'ERR_HC1_PAYLOAD_TYPE')
          assert.match(failure.error.message, /health-code token \(claim -70002, not an EU DCC\)$/)
          assert.equal(failure.certificate?.payloadType, 'healthcode-status')
          assert.equal(failure.certificate?.dcc, undefined)
          assert.equal(failure.certificate?.schemaVersion, undefined)
        })
      }

      it('refuses an EU DCC and an antibody certificate when asked for tokens only', () => {
        const dcc = failureOf(
          verifyHc1(co3.text, {
            trust: new TrustList([co3Signer]),
            at: new Date(ISSUED_AT),
            payloadTypes: door,
          }),
        )
        assert.equal(dcc.error.code, 'ERR_HC1_PAYLOAD_TYPE')
        assert.equal(dcc.certificate?.payloadType, 'eu-dcc')
        const antibody = signHc1(
          {
            payloadType: 'healthcode-antibody',
            dcc: fixture('healthcode-antibody'),
            issuer: 'RU',
            issuedAt,
            expiresAt: new Date('2027-05-19T00:00:00Z'),
          },
          { privateKey, kid },
        )
        const refused = failureOf(verifyHc1(antibody, { trust, at, payloadTypes: door }))
        assert.equal(refused.error.code, 'ERR_HC1_PAYLOAD_TYPE')
        assert.equal(refused.certificate?.payloadType, 'healthcode-antibody')
      })

      it('reports an EU DCC alike whether or not tokens are accepted too', () => {
        const alone = verifyCo3(ISSUED_AT)
        const withTokens = verifyHc1(co3.text, {
          trust: new TrustList([co3Signer]),
          at: new Date(ISSUED_AT),
          payloadTypes: all,
        })
        assert.ok(alone.valid && withTokens.valid)
        assert.deepEqual(withTokens, alone)
      })
    })

    describe('mixed payloads', () => {
      const dcc = (): Map<number, unknown> => new Map([[1, co3.json]])
      for (const [what, others] of [
        ['an EU DCC', [[-260, dcc]]],
        ['an antibody certificate', [[-70001, () => fixture('healthcode-antibody')]]],
        [
          'an EU DCC and an antibody certificate',
          [
            [-260, dcc],
            [-70001, () => fixture('healthcode-antibody')],
          ],
        ],
      ] as const) {
        it(`refuses a token beside ${what} at decode, ERR_CWT_TWO_PAYLOADS, whatever is accepted`, () => {
          const claims = tokenClaims()
          for (const [key, value] of others) claims.set(key, value())
          for (const payloadTypes of [undefined, door, all]) {
            const failure = failureOf(verifyHc1(signClaims(claims), { trust, at, payloadTypes }))
            assert.equal(failure.stage, 'decode')
            assert.equal(failure.error.code, 'ERR_CWT_TWO_PAYLOADS')
            assert.equal(failure.certificate, undefined)
          }
        })
      }
    })

    describe('the schema stage', () => {
      const { sub: _sub, ...withoutSub } = sample()
      const refusals: [string, JsonValue, Hc1ErrorCode][] = [
        [
          'with a colour outside green, yellow and red',
          { ...sample(), col: 'blue' },
          'ERR_STATUS_SCHEMA',
        ],
        ['without a subject', withoutSub, 'ERR_STATUS_SCHEMA'],
        [
          'with a subject that is a passport number with a space',
          { ...sample(), sub: '40 12 345678' },
          'ERR_STATUS_SCHEMA',
        ],
        ['green, with a date to turn green', { ...sample(), col: 'green' }, 'ERR_STATUS_SCHEMA'],
        ['with a ruleset version of 0', { ...sample(), rsv: 0 }, 'ERR_STATUS_SCHEMA'],
        [
          'with a medical detail beside the colour',
          { ...sample(), tr: '260373001' },
          'ERR_STATUS_SCHEMA',
        ],
        ['of an unknown version', { ...sample(), ver: '2.0.0' }, 'ERR_STATUS_VERSION'],
      ]
      for (const [what, status, code] of refusals) {
        it(`refuses one ${what} at the schema stage with ${code}, after the signature`, () => {
          const failure = failureOf(verifyHc1(signToken(status), { trust, at, payloadTypes: door }))
          assert.equal(failure.stage, 'schema')
          assert.equal(failure.error.code, code)
          assert.equal(failure.certificate?.payloadType, 'healthcode-status')
          assert.equal(failure.certificate?.algorithm, 'ES256')
          assert.equal(failure.certificate?.schemaVersion, undefined)
        })
      }

      const iat = issuedAt.getTime() / 1000
      const lifetimes: [string, { iat?: number; exp?: number }][] = [
        ['that lives an hour and a second', { iat, exp: iat + 3601 }],
        ['that lives a day', { iat, exp: iat + 86_400 }],
        ['without exp', { iat }],
        ['without iat', { exp: iat + 600 }],
        ['without iat and exp', {}],
        ['that expires before it is issued', { iat, exp: iat - 60 }],
      ]
      for (const [what, times] of lifetimes) {
        it(`refuses one ${what} at the schema stage with ERR_STATUS_LIFETIME, whatever the clock`, () => {
          // At issuance, and long after: the lifetime rule is not a matter of the clock.
          for (const clock of [issuedAt, new Date('2030-01-01T00:00:00Z')]) {
            const failure = failureOf(
              verifyHc1(signClaims(tokenClaims(times)), { trust, at: clock, payloadTypes: door }),
            )
            assert.equal(failure.stage, 'schema')
            assert.equal(failure.error.code, 'ERR_STATUS_LIFETIME')
            assert.equal(failure.certificate?.payloadType, 'healthcode-status')
          }
        })
      }

      it('accepts one that lives exactly an hour', () => {
        const claims = tokenClaims({ iat, exp: iat + 3600 })
        assert.ok(verifyHc1(signClaims(claims), { trust, at, payloadTypes: door }).valid)
      })

      it('reports a malformed payload before its lifetime', () => {
        const claims = tokenClaims({ iat }, { ...sample(), col: 'blue' })
        const failure = failureOf(verifyHc1(signClaims(claims), { trust, at, payloadTypes: door }))
        assert.equal(failure.error.code, 'ERR_STATUS_SCHEMA')
      })
    })

    describe('validity times', () => {
      it('refuses a screenshot of a token taken an hour ago at the expired stage, ERR_CWT_EXPIRED', () => {
        const anHourLater = new Date(issuedAt.getTime() + 3600_000)
        const failure = failureOf(
          verifyHc1(signToken(), { trust, at: anHourLater, payloadTypes: door }),
        )
        assert.equal(failure.stage, 'expired')
        assert.equal(failure.error.code, 'ERR_CWT_EXPIRED')
        assert.equal(failure.certificate?.schemaVersion, '1.0.0')
        assert.ok(failure.certificate?.payloadType === 'healthcode-status')
        assert.deepEqual(failure.certificate.status, sample())
      })

      it('accepts the clock exactly at exp and refuses it one millisecond later', () => {
        const token = signToken()
        assert.ok(verifyHc1(token, { trust, at: expiresAt, payloadTypes: door }).valid)
        const late = new Date(expiresAt.getTime() + 1)
        assert.equal(
          failureOf(verifyHc1(token, { trust, at: late, payloadTypes: door })).error.code,
          'ERR_CWT_EXPIRED',
        )
      })

      it('refuses a token scanned before it was issued with ERR_CWT_NOT_YET_VALID', () => {
        const early = new Date(issuedAt.getTime() - 1000)
        const failure = failureOf(verifyHc1(signToken(), { trust, at: early, payloadTypes: door }))
        assert.equal(failure.stage, 'not_yet_valid')
        assert.equal(failure.error.code, 'ERR_CWT_NOT_YET_VALID')
      })
    })

    describe('revocation', () => {
      it('is asked about a token, as about every code, after every other check', () => {
        let seen: DecodedHc1 | undefined
        const failure = failureOf(
          verifyHc1(signToken(), {
            trust,
            at,
            payloadTypes: door,
            revocation: {
              isRevoked(certificate) {
                seen = certificate
                return true
              },
            },
          }),
        )
        assert.equal(failure.error.code, 'ERR_REVOKED')
        assert.equal(seen?.payloadType, 'healthcode-status')
      })

      it('leaves a token valid under a RevocationList of identifiers: it reads no ci from one', () => {
        const sub = sample()['sub'] as string
        const revocation = new RevocationList([
          { hashType: 'UCI', hash: uciHash(sub) },
          { hashType: 'COUNTRYCODEUCI', hash: countryCodeUciHash('RU', sub) },
        ])
        const result = verifyHc1(signToken(), { trust, at, payloadTypes: door, revocation })
        assert.ok(result.valid, JSON.stringify(result))
      })

      it('refuses a token whose signature hash a RevocationList holds', () => {
        const token = signToken()
        const { signature } = decodeCoseSign1(
          inflateZlib(decodeBase45(token.slice(HC1_PREFIX.length))),
        )
        const revocation = new RevocationList([
          { hashType: 'SIGNATURE', hash: signatureHash(signature, 'ES256') },
        ])
        const failure = failureOf(verifyHc1(token, { trust, at, payloadTypes: door, revocation }))
        assert.equal(failure.error.code, 'ERR_REVOKED')
      })
    })

    describe('key usage, with document signer certificates issued under a CSCA', () => {
      const validity = {
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2028-01-01T00:00:00Z'),
      }
      let csca: IssuedCertificate
      before(async () => {
        csca = await createCsca({ country: 'RU', commonName: 'Healthcode CSCA test', ...validity })
      })
      const verifyWith = async (types: readonly DccType[] | 'all'): Promise<Hc1Verification> => {
        const dsc = await createDocumentSigner(
          csca,
          { country: 'RU', commonName: `DSC ${String(types)}`, ...validity },
          types,
        )
        return verifyHc1(signToken(sample(), { privateKey: dsc.privateKey, kid: dsc.kid }), {
          trust: new TrustList([signerFromCertificate(dsc.der)]),
          at,
          payloadTypes: door,
        })
      }

      it('accepts a signer whose certificate has no extended key usage', async () => {
        const result = await verifyWith('all')
        assert.ok(result.valid, JSON.stringify(result))
        assert.match(result.certificate.signer ?? '', /CN=DSC all/)
      })

      it('accepts a signer whose certificate names all three DCC types', async () => {
        assert.ok((await verifyWith(['test', 'vaccination', 'recovery'])).valid)
      })

      it('refuses a signer restricted to some DCC types with ERR_KEY_USAGE', async () => {
        for (const types of [['vaccination'], ['test', 'recovery']] as const) {
          const failure = failureOf(await verifyWith(types))
          assert.equal(failure.stage, 'key_usage', String(types))
          assert.equal(failure.error.code, 'ERR_KEY_USAGE', String(types))
        }
      })
    })
  })
})
