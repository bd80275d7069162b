import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Decoder, Encoder, Tag } from 'cbor-x'
import type { JsonValue } from './cbor.js'
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

/** Our own antibody certificate (test-fixtures/healthcode-antibody.json), not an EU DCC. */
const antibody = JSON.parse(
  readFileSync(new URL('./test-fixtures/healthcode-antibody.json', import.meta.url), 'utf8'),
) as JsonValue

function antibodySample(): string {
  return signHc1(
    { payloadType: 'healthcode-antibody', dcc: antibody, issuer: 'RU', issuedAt, expiresAt },
    { privateKey, kid },
  )
}

/** The CWT claims of a code, read with a general-purpose decoder, as any HCERT verifier reads them. */
function claimsOf(text: string): Map<unknown, unknown> {
  const decoder = new Decoder({ mapsAsObjects: false, useRecords: false })
  const cose = decoder.decode(inflateZlib(decodeBase45(text.slice(4)))) as Tag
  const [, , payload] = cose.value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array]
  return decoder.decode(payload) as Map<unknown, unknown>
}

/**
 * Checks a code's COSE_Sign1 without the codec: tag 18, ES256 and the kid in the protected header,
 * r || s over a Sig_structure built with a general-purpose encoder (RFC 9052 section 4.4).
 */
function assertIndependentlyVerified(text: string): void {
  const cose = inflateZlib(decodeBase45(text.slice(4)))
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
    assertIndependentlyVerified(sample())
  })

  it('puts an EU DCC under hcert (-260) → 1, also when payloadType says eu-dcc', () => {
    const claims = claimsOf(sample())
    assert.deepEqual([...claims.keys()], [1, 4, 6, -260])
    assert.deepEqual([...(claims.get(-260) as Map<unknown, unknown>).keys()], [1])
    const explicit = signHc1(
      { payloadType: 'eu-dcc', dcc: recovery, issuer: 'RU', issuedAt, expiresAt },
      { privateKey, kid },
    )
    // ECDSA signatures differ each time; the signed claims do not.
    assert.deepEqual(claimsOf(explicit), claims)
  })

  it('writes the bytes cbor-x writes for the same COSE_Sign1, with the payload objects as Maps', () => {
    const encoder = new Encoder({
      useRecords: false,
      mapsAsObjects: false,
      variableMapSize: true,
      tagUint8Array: false,
      useTag259ForMaps: false,
    } as ConstructorParameters<typeof Encoder>[0])
    const asMaps = (value: JsonValue): unknown =>
      Array.isArray(value)
        ? value.map(asMaps)
        : value !== null && typeof value === 'object'
          ? new Map(Object.entries(value).map(([key, entry]) => [key, asMaps(entry)]))
          : value
    const fixtures = ['dcc-vaccination', 'dcc-test-naat', 'dcc-recovery', 'healthcode-antibody']
    for (const name of fixtures) {
      const dcc = JSON.parse(
        readFileSync(new URL(`./test-fixtures/${name}.json`, import.meta.url), 'utf8'),
      ) as JsonValue
      const payloadType = name === 'healthcode-antibody' ? 'healthcode-antibody' : 'eu-dcc'
      const text = signHc1(
        { payloadType, dcc, issuer: 'RU', issuedAt, expiresAt },
        { privateKey, kid },
      )
      const cose = inflateZlib(decodeBase45(text.slice(4)))
      const signature = cose.subarray(cose.length - 64)
      const claims = new Map<number, unknown>([
        [1, 'RU'],
        [4, expiresAt.getTime() / 1000],
        [6, issuedAt.getTime() / 1000],
        payloadType === 'eu-dcc' ? [-260, new Map([[1, asMaps(dcc)]])] : [-70001, asMaps(dcc)],
      ])
      const payload = new Uint8Array(encoder.encode(claims))
      const protectedBytes = new Uint8Array(
        encoder.encode(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
          ]),
        ),
      )
      const expected = encoder.encode(
        new Tag([protectedBytes, new Map(), payload, new Uint8Array(signature)], 18),
      )
      assert.equal(Buffer.from(cose).toString('hex'), Buffer.from(expected).toString('hex'), name)
    }
  })

  it('uses no tag 259 maps or tag 64 byte arrays (cbor-x defaults that COSE verifiers reject)', () => {
    const cose = Buffer.from(inflateZlib(decodeBase45(sample().slice(4))))
    // The signature and the kid are random bytes, which hold either sequence now and then (about
    // one run in a thousand): they are blanked, and the structure around them is what is read.
    cose.fill(0, cose.length - 64)
    for (let at = cose.indexOf(kid); at >= 0; at = cose.indexOf(kid, at + 1)) {
      cose.fill(0, at, at + kid.length)
    }
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

  describe('a Healthcode antibody certificate (payloadType healthcode-antibody)', () => {
    const at = new Date('2026-12-01T00:00:00Z')

    it('makes a code our verifier accepts when asked to, with the payload and claims as given', () => {
      const result = verifyHc1(antibodySample(), {
        trust,
        at,
        payloadTypes: ['healthcode-antibody'],
      })
      assert.equal(result.valid, true, JSON.stringify(result))
      const certificate = result.certificate
      assert.equal(certificate?.payloadType, 'healthcode-antibody')
      assert.equal(certificate?.kind, 'healthcode-antibody')
      assert.ok(certificate?.payloadType === 'healthcode-antibody')
      assert.deepEqual(certificate.antibody, antibody)
      assert.equal(certificate.dcc, undefined)
      assert.equal(certificate.type, undefined)
      assert.equal(certificate.schemaVersion, '1.0.0')
      assert.equal(certificate.issuer, 'RU')
      assert.equal(certificate.issuedAt, issuedAt.toISOString())
      assert.equal(certificate.expiresAt, expiresAt.toISOString())
    })

    it('writes COSE that an independent check accepts, as for a DCC', () => {
      assertIndependentlyVerified(antibodySample())
    })

    it('shows an EU DCC verifier no DCC: no hcert claim at all, so no -260 → 1', () => {
      const claims = claimsOf(antibodySample())
      assert.equal(claims.has(-260), false)
      assert.equal((claims.get(-260) as Map<unknown, unknown> | undefined)?.get(1), undefined)
      assert.deepEqual([...claims.keys()], [1, 4, 6, -70001])
      const payload = claims.get(-70001)
      assert.ok(payload instanceof Map)
      assert.equal(payload.get('ver'), '1.0.0')
      assert.ok(Array.isArray(payload.get('ab')))
      for (const key of ['v', 't', 'r']) assert.equal(payload.has(key), false, key)
    })

    it('is refused by a verifier that accepts only EU DCCs, the default', () => {
      const result = verifyHc1(antibodySample(), { trust, at })
      assert.equal(result.valid, false)
      assert.ok(!result.valid)
      assert.equal(result.stage, 'schema')
      assert.equal(result.error.code, 'ERR_HC1_PAYLOAD_TYPE')
      assert.match(result.error.message, /not an EU DCC/)
      assert.equal(result.certificate?.payloadType, 'healthcode-antibody')
    })

    it('is rejected when a byte is changed after signing', () => {
      const cose = Buffer.from(inflateZlib(decodeBase45(antibodySample().slice(4))))
      const where = cose.indexOf(Buffer.from('BAU/mL'))
      cose[where] = 'C'.charCodeAt(0)
      const forged = 'HC1:' + encodeBase45(deflateZlib(cose))
      const result = verifyHc1(forged, { trust, at, payloadTypes: ['healthcode-antibody'] })
      assert.equal(result.valid ? 'ok' : result.error.code, 'ERR_COSE_SIGNATURE')
    })

    it('refuses a payload type it does not know', () => {
      assert.throws(
        () =>
          signHc1(
            {
              payloadType: 'eu-antibody' as 'healthcode-antibody',
              dcc: antibody,
              issuer: 'RU',
              issuedAt,
              expiresAt,
            },
            { privateKey, kid },
          ),
        TypeError,
      )
    })
  })

  describe('a Healthcode health-code token (payloadType healthcode-status)', () => {
    const status = JSON.parse(
      readFileSync(new URL('./test-fixtures/healthcode-status.json', import.meta.url), 'utf8'),
    ) as JsonValue
    // A token lives minutes: issued at 09:00, expiring at 10:00 at the latest.
    const tokenIssuedAt = new Date('2026-12-01T09:00:00Z')
    const tokenExpiresAt = new Date('2026-12-01T09:15:00Z')
    const at = new Date('2026-12-01T09:05:00Z')

    function statusSample(expires: Date = tokenExpiresAt): string {
      return signHc1(
        {
          payloadType: 'healthcode-status',
          dcc: status,
          issuer: 'RU',
          issuedAt: tokenIssuedAt,
          expiresAt: expires,
        },
        { privateKey, kid },
      )
    }

    it('makes a code our verifier accepts when asked to, with the payload and claims as given', () => {
      const result = verifyHc1(statusSample(), { trust, at, payloadTypes: ['healthcode-status'] })
      assert.equal(result.valid, true, JSON.stringify(result))
      const certificate = result.certificate
      assert.equal(certificate?.payloadType, 'healthcode-status')
      assert.equal(certificate?.kind, 'healthcode-status')
      assert.ok(certificate?.payloadType === 'healthcode-status')
      assert.deepEqual(certificate.status, status)
      assert.equal(certificate.dcc, undefined)
      assert.equal(certificate.type, undefined)
      assert.equal(certificate.schemaVersion, '1.0.0')
      assert.equal(certificate.issuer, 'RU')
      assert.equal(certificate.issuedAt, tokenIssuedAt.toISOString())
      assert.equal(certificate.expiresAt, tokenExpiresAt.toISOString())
    })

    it('writes COSE that an independent check accepts, as for a DCC', () => {
      assertIndependentlyVerified(statusSample())
    })

    it('puts the token under claim -70002 alone: no hcert, so an EU DCC verifier finds no DCC', () => {
      const claims = claimsOf(statusSample())
      assert.deepEqual([...claims.keys()], [1, 4, 6, -70002])
      assert.equal(claims.get(4), Math.floor(tokenExpiresAt.getTime() / 1000))
      assert.equal(claims.get(6), Math.floor(tokenIssuedAt.getTime() / 1000))
      const payload = claims.get(-70002)
      assert.ok(payload instanceof Map)
      assert.equal(payload.get('col'), 'yellow')
      assert.equal(payload.get('rsv'), 3)
      for (const key of ['v', 't', 'r', 'ab']) assert.equal(payload.has(key), false, key)
    })

    it('is refused by a verifier that accepts only EU DCCs, the default', () => {
      const result = verifyHc1(statusSample(), { trust, at })
      assert.ok(!result.valid)
      assert.equal(result.stage, 'schema')
      assert.equal(result.error.code, 'ERR_HC1_PAYLOAD_TYPE')
      assert.match(result.error.message, /health-code token .*not an EU DCC/)
      assert.equal(result.certificate?.payloadType, 'healthcode-status')
    })

    it('is rejected when a byte is changed after signing', () => {
      const cose = Buffer.from(inflateZlib(decodeBase45(statusSample().slice(4))))
      const where = cose.indexOf(Buffer.from('yellow'))
      cose.write('green!', where)
      const forged = 'HC1:' + encodeBase45(deflateZlib(cose))
      const result = verifyHc1(forged, { trust, at, payloadTypes: ['healthcode-status'] })
      assert.equal(result.valid ? 'ok' : result.error.code, 'ERR_COSE_SIGNATURE')
    })

    it('signs a token of exactly an hour, and refuses to sign one that lives longer', () => {
      const hour = new Date(tokenIssuedAt.getTime() + 3600_000)
      const result = verifyHc1(statusSample(hour), {
        trust,
        at,
        payloadTypes: ['healthcode-status'],
      })
      assert.ok(result.valid, JSON.stringify(result))
      assert.throws(() => statusSample(new Date(hour.getTime() + 1000)), {
        name: 'TypeError',
        message: /within 3600 seconds .* lives 3601 seconds/,
      })
      // A DCC or an antibody certificate may live as long as its issuer says.
      assert.doesNotThrow(() => antibodySample())
    })
  })
})
