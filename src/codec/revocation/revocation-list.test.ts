import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import type { JsonValue } from '../hc1/cbor.js'
import { decodeBase45 } from '../hc1/base45.js'
import { decodeCoseSign1 } from '../hc1/cose.js'
import { inflateZlib } from '../hc1/inflate.js'
import { stripHc1Prefix } from '../hc1/prefix.js'
import { signHc1 } from '../hc1/sign-hc1.js'
import { type DecodedHc1, verifyHc1 } from '../hc1/verify-hc1.js'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
} from '../trust/issue-certificates.js'
import { TrustList, signerFromCertificate } from '../trust/trusted-signer.js'
import { revocationHashTypes, revocationHashes } from './revocation-hashes.js'
import { readRevocationList, signRevocationList } from './revocation-list-document.js'
import { RevocationListError, type RevocationListErrorCode } from './revocation-list-error.js'
import { RevocationList } from './revocation-list.js'

const validity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2028-01-01T00:00:00Z'),
}
const at = new Date('2026-12-01T00:00:00Z')

function recovery(uvci: string, country = 'RU'): JsonValue {
  return {
    ver: '1.3.0',
    nam: { fn: 'Петров', fnt: 'PETROV', gn: 'Иван', gnt: 'IVAN' },
    dob: '1985-03-14',
    r: [
      {
        tg: '840539006',
        fr: '2026-10-20',
        co: country,
        is: 'St. Petersburg',
        df: '2026-10-31',
        du: '2027-04-18',
        ci: uvci,
      },
    ],
  }
}

function signatureOf(qr: string): Uint8Array {
  return decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(qr)))).signature
}

/** A verified certificate as verifyHc1 hands it to the revocation check. */
function decodedDcc(dcc: JsonValue, issuer: string | undefined = 'RU'): DecodedHc1 {
  return {
    kind: 'dcc',
    payloadType: 'eu-dcc',
    kid: 'AAECAwQFBgc=',
    algorithm: 'ES256',
    issuer,
    issuedAt: undefined,
    expiresAt: undefined,
    type: 'recovery',
    schemaVersion: '1.3.0',
    dcc,
    signer: undefined,
  }
}

function assertRevocationListError(
  read: () => unknown,
  code: RevocationListErrorCode,
  where: { entry?: number; field?: string } = {},
): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof RevocationListError, String(error))
    assert.equal(error.name, 'RevocationListError')
    assert.equal(error.code, code, error.message)
    if ('entry' in where) assert.equal(error.entry, where.entry)
    if ('field' in where) assert.equal(error.field, where.field)
    return true
  })
}

const signature = new Uint8Array(Array.from({ length: 64 }, (_, i) => i * 3))
const uvci = 'URN:UVCI:01:RU:SPB1#K'
const hashes = revocationHashes({ uvci, country: 'RU', signature, algorithm: 'ES256' })

describe('RevocationList', () => {
  describe('checking a verified certificate', () => {
    for (const hashType of revocationHashTypes) {
      it(`finds a certificate listed by its ${hashType} hash`, () => {
        const list = new RevocationList([{ hashType, hash: hashes[hashType] }])
        assert.equal(list.isRevoked(decodedDcc(recovery(uvci)), signature), true)
      })
    }

    it('does not find a certificate whose hashes are not listed', () => {
      const list = new RevocationList(
        revocationHashTypes.map((hashType) => ({ hashType, hash: hashes[hashType] })),
      )
      const other = new Uint8Array(signature).reverse()
      assert.equal(list.isRevoked(decodedDcc(recovery('URN:UVCI:01:RU:SPB2#Q')), other), false)
    })

    it('does not take a hash of one type for another', () => {
      const list = new RevocationList([{ hashType: 'COUNTRYCODEUCI', hash: hashes.UCI }])
      assert.equal(list.isRevoked(decodedDcc(recovery(uvci)), signature), false)
    })

    it('joins the issuer (CWT iss), not the entry’s co, to the UVCI for COUNTRYCODEUCI', () => {
      const vaccinatedAbroad = decodedDcc(recovery(uvci, 'DE'), 'RU')
      const byIssuer = new RevocationList([
        { hashType: 'COUNTRYCODEUCI', hash: hashes.COUNTRYCODEUCI },
      ])
      assert.equal(byIssuer.isRevoked(vaccinatedAbroad, signature), true)
      const byCo = revocationHashes({ uvci, country: 'DE', signature, algorithm: 'ES256' })
      const byEntryCountry = new RevocationList([
        { hashType: 'COUNTRYCODEUCI', hash: byCo.COUNTRYCODEUCI },
      ])
      assert.equal(byEntryCountry.isRevoked(vaccinatedAbroad, signature), false)
    })

    it('falls back to the entry’s co when the code has no iss', () => {
      const list = new RevocationList([{ hashType: 'COUNTRYCODEUCI', hash: hashes.COUNTRYCODEUCI }])
      assert.equal(list.isRevoked(decodedDcc(recovery(uvci, 'RU'), undefined), signature), true)
    })

    it('tells ES256 from a 64-byte signature when the algorithm is not given', () => {
      const list = new RevocationList([{ hashType: 'SIGNATURE', hash: hashes.SIGNATURE }])
      const withoutAlgorithm = { ...decodedDcc(recovery(uvci)), algorithm: undefined }
      assert.equal(list.isRevoked(withoutAlgorithm, signature), true)
    })

    it('reads the identifiers of a payload that is not an EU DCC (the antibody certificate’s ab)', () => {
      const antibody: DecodedHc1 = {
        kind: 'healthcode-antibody',
        payloadType: 'healthcode-antibody',
        kid: 'AAECAwQFBgc=',
        algorithm: 'ES256',
        issuer: 'RU',
        issuedAt: undefined,
        expiresAt: undefined,
        type: undefined,
        schemaVersion: '1.0.0',
        dcc: undefined,
        antibody: { ver: '1.0.0', ab: [{ ci: 'URN:UVCI:01:RU:OTHER' }, { ci: uvci, co: 'RU' }] },
        signer: undefined,
      }
      const list = new RevocationList([{ hashType: 'UCI', hash: hashes.UCI }])
      assert.equal(list.isRevoked(antibody, new Uint8Array(64)), true)
    })

    for (const [what, payload] of [
      ['null', null],
      ['a number', 42],
      ['text', 'URN:UVCI:01:RU:SPB1#K'],
      ['an array', [{ ci: uvci }]],
      ['an entry list that is not an array', { v: { ci: uvci } }],
      [
        'entries of every odd kind',
        { v: [null, 1, 'ci', [], { ci: 5 }, { ci: '' }, { co: 'RU' }] },
      ],
    ] as const) {
      it(`does not throw on a payload that is ${what}, and finds nothing in it`, () => {
        const list = new RevocationList(
          revocationHashTypes.map((hashType) => ({ hashType, hash: hashes[hashType] })),
        )
        const certificate = decodedDcc(payload as JsonValue)
        assert.equal(list.isRevoked(certificate, new Uint8Array(0)), false)
      })
    }
  })

  describe('holding hashes', () => {
    it('keeps hashes by type, and finds them padded or not', () => {
      const list = new RevocationList([
        { hashType: 'UCI', hash: hashes.UCI },
        { hashType: 'UCI', hash: hashes.UCI },
        { hashType: 'SIGNATURE', hash: hashes.SIGNATURE.replace(/=+$/, '') },
      ])
      assert.equal(list.size, 2)
      assert.deepEqual(list.hashTypes, ['UCI', 'SIGNATURE'])
      assert.equal(list.has('SIGNATURE', hashes.SIGNATURE), true)
      assert.equal(list.has('UCI', hashes.UCI.replace(/=+$/, '')), true)
      assert.equal(list.has('COUNTRYCODEUCI', hashes.UCI), false)
      assert.equal(list.has('UCI', 'not a hash'), false)
    })

    for (const [what, entry, field] of [
      ['an unknown hash type', { hashType: 'DCC', hash: hashes.UCI }, 'hashType'],
      ['a whole SHA-256', { hashType: 'UCI', hash: Buffer.alloc(32).toString('base64') }, 'hash'],
      ['a hash that is not base64', { hashType: 'UCI', hash: '*'.repeat(24) }, 'hash'],
    ] as const) {
      it(`refuses ${what} with ERR_REVOCATION_LIST_FORMAT`, () => {
        assertRevocationListError(
          () => new RevocationList([{ hashType: 'UCI', hash: hashes.UCI }, entry as never]),
          'ERR_REVOCATION_LIST_FORMAT',
          { entry: 1, field },
        )
      })
    }
  })

  describe('through verifyHc1', () => {
    let dsc: IssuedCertificate
    let trust: TrustList

    before(async () => {
      const csca = await createCsca({ country: 'RU', commonName: 'CSCA', ...validity })
      dsc = await createDocumentSigner(csca, { country: 'RU', commonName: 'DSC', ...validity }, [
        'recovery',
      ])
      trust = new TrustList([signerFromCertificate(dsc.der)])
    })

    function sign(uvciOfCode: string): string {
      return signHc1(
        {
          dcc: recovery(uvciOfCode),
          issuer: 'RU',
          issuedAt: new Date('2026-11-23T09:00:00Z'),
          expiresAt: new Date('2027-04-18T00:00:00Z'),
        },
        { privateKey: dsc.privateKey, kid: dsc.kid },
      )
    }

    for (const hashType of revocationHashTypes) {
      it(`stops a code revoked by its ${hashType} hash at stage revoked with ERR_REVOKED`, () => {
        const revoked = sign('URN:UVCI:01:RU:REVOKED#1')
        const listed = revocationHashes({
          uvci: 'URN:UVCI:01:RU:REVOKED#1',
          country: 'RU',
          signature: signatureOf(revoked),
          algorithm: 'ES256',
        })
        const revocation = new RevocationList([{ hashType, hash: listed[hashType] }])
        const result = verifyHc1(revoked, { trust, at, revocation })
        assert.equal(result.valid, false)
        assert.equal(result.stage, 'revoked')
        assert.equal(result.valid ? undefined : result.error.code, 'ERR_REVOKED')

        const kept = verifyHc1(sign('URN:UVCI:01:RU:KEPT#2'), { trust, at, revocation })
        assert.equal(kept.valid, true, JSON.stringify(kept))
      })
    }
  })
})

describe('revocation list documents', () => {
  let publisher: IssuedCertificate
  const entries = [
    { hashType: 'UCI', hash: hashes.UCI },
    { hashType: 'SIGNATURE', hash: hashes.SIGNATURE },
  ] as const
  const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

  before(async () => {
    publisher = await createCsca({ country: 'RU', commonName: 'List publisher', ...validity })
  })

  it('reads back what signRevocationList wrote, and the list revokes', () => {
    const document = signRevocationList(
      { issuer: 'RU', timestamp: new Date('2026-12-01T10:00:00.500Z'), entries },
      publisher.privateKey,
    )
    assert.equal(document.timestamp, '2026-12-01T10:00:00Z')
    const read = readRevocationList(overTheWire(document), { signingCertificate: publisher.der })
    assert.deepEqual(read, { issuer: 'RU', timestamp: '2026-12-01T10:00:00Z', entries })
    assert.equal(
      new RevocationList(read.entries).isRevoked(decodedDcc(recovery(uvci)), signature),
      true,
    )
  })

  it('rejects a signed list changed after signing with ERR_REVOCATION_LIST_SIGNATURE', () => {
    const document = signRevocationList(
      { issuer: 'RU', timestamp: new Date('2026-12-01T10:00:00Z'), entries },
      publisher.privateKey,
    )
    const changes: ((d: Record<string, unknown>) => void)[] = [
      (d) => (d['entries'] as unknown[]).pop(),
      (d) => (d['entries'] as unknown[]).push({ hashType: 'UCI', hash: hashes.COUNTRYCODEUCI }),
      (d) => (d['issuer'] = 'DE'),
      (d) => (d['timestamp'] = '2026-12-02T10:00:00Z'),
    ]
    for (const change of changes) {
      const tampered = overTheWire(document) as Record<string, unknown>
      change(tampered)
      assertRevocationListError(
        () => readRevocationList(tampered, { signingCertificate: publisher.der }),
        'ERR_REVOCATION_LIST_SIGNATURE',
        { field: 'signature' },
      )
    }
  })

  it('requires a signature when a signer is given, and reads unsigned lists without one', () => {
    const unsigned = { issuer: 'RU', entries }
    assertRevocationListError(
      () => readRevocationList(unsigned, { signingCertificate: publisher.der }),
      'ERR_REVOCATION_LIST_SIGNATURE',
    )
    assertRevocationListError(
      () => readRevocationList(overTheWire(entries), { signingCertificate: publisher.der }),
      'ERR_REVOCATION_LIST_SIGNATURE',
    )
    assert.deepEqual(readRevocationList(unsigned).entries, entries)
    assert.deepEqual(readRevocationList(overTheWire(entries)).entries, entries)
  })

  it('reads a DCC Gateway revocation batch, whose entries take the batch’s hashType', () => {
    const batch = {
      country: 'RU',
      expires: '2027-04-18T00:00:00Z',
      kid: 'AAECAwQFBgc=',
      hashType: 'SIGNATURE',
      entries: [{ hash: hashes.SIGNATURE }, { hashType: 'UCI', hash: hashes.UCI }],
    }
    assert.deepEqual(readRevocationList(batch).entries, [
      { hashType: 'SIGNATURE', hash: hashes.SIGNATURE },
      { hashType: 'UCI', hash: hashes.UCI },
    ])
  })

  for (const [what, json, where] of [
    ['text', 'UCI', {}],
    ['null', null, {}],
    ['a document without entries', { issuer: 'RU' }, { field: 'entries' }],
    ['a numeric issuer', { issuer: 7, entries: [] }, { field: 'issuer' }],
    [
      'a timestamp that is not a time',
      { timestamp: 'yesterday', entries: [] },
      { field: 'timestamp' },
    ],
    ['an unknown batch hashType', { hashType: 'DCC', entries: [] }, { field: 'hashType' }],
    [
      'an entry that is not an object',
      [{ hashType: 'UCI', hash: hashes.UCI }, 'hash'],
      { entry: 1 },
    ],
    ['an entry without a hashType', [{ hash: hashes.UCI }], { entry: 0, field: 'hashType' }],
    ['an entry without a hash', [{ hashType: 'UCI' }], { entry: 0, field: 'hash' }],
    [
      'an entry whose hash is a whole SHA-256',
      [{ hashType: 'UCI', hash: Buffer.alloc(32).toString('base64') }],
      { entry: 0, field: 'hash' },
    ],
  ] as const) {
    it(`rejects ${what} with ERR_REVOCATION_LIST_FORMAT`, () => {
      assertRevocationListError(() => readRevocationList(json), 'ERR_REVOCATION_LIST_FORMAT', where)
    })
  }

  it('rejects a signer that is not a P-256 certificate with ERR_REVOCATION_LIST_SIGNER', () => {
    const rsa = getDgcVector('common/CO1').certificate
    assert.ok(rsa)
    assertRevocationListError(
      () => readRevocationList([], { signingCertificate: rsa }),
      'ERR_REVOCATION_LIST_SIGNER',
    )
  })
})
