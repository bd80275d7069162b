// The door scanner's offline verifier (web/src/scanner), run in Node 20, which has the browser's
// WebCrypto and DecompressionStream: the same verdicts as the server's verifyHc1 on the same codes.
import assert from 'node:assert/strict'
import { sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { deflateSync } from 'node:zlib'
import { Encoder, Tag } from 'cbor-x'
import { encodeBase45 } from '../../src/codec/hc1/base45.js'
import { decodeCoseSign1 } from '../../src/codec/hc1/cose.js'
import type { JsonValue } from '../../src/codec/hc1/cbor.js'
import { INFLATE_LIMIT, inflateZlib } from '../../src/codec/hc1/inflate.js'
import { HC1_PREFIX } from '../../src/codec/hc1/prefix.js'
import { signHc1 } from '../../src/codec/hc1/sign-hc1.js'
import { decodeBase45 } from '../../src/codec/hc1/base45.js'
import { stripHc1Prefix } from '../../src/codec/hc1/prefix.js'
import { type Hc1Verification, verifyHc1 } from '../../src/codec/hc1/verify-hc1.js'
import { RevocationList, revocationHashes } from '../../src/codec/revocation/index.js'
import { createCsca, createDocumentSigner } from '../../src/codec/trust/issue-certificates.js'
import { TrustList, signerFromCertificate } from '../../src/codec/trust/trusted-signer.js'
import { defaultRuleSets } from '../../src/domain/validity-rules/index.js'
import { defaultEntryPolicies } from '../../src/domain/venues/entry-decision.js'
import { buildOfflineBundle, offlineSigner } from '../../src/domain/venues/offline-bundle.js'
import type { Venue } from '../../src/domain/venues/venue.js'
import {
  countryCodeUciHash,
  inflateInBrowser,
  signatureHash,
  uciHash,
} from '../../web/src/scanner/browser-crypto.js'
import type { OfflineBundle, OfflineSigner } from '../../web/src/scanner/offline-bundle.js'
import { MAX_BUNDLE_AGE_MS } from '../../web/src/scanner/offline-bundle.js'
import { judgeOffline } from '../../web/src/scanner/offline-door.js'
import {
  type OfflineVerification,
  OfflineTrust,
  verifyHc1Offline,
} from '../../web/src/scanner/verify-offline.js'
import { type DgcVector, loadDgcVectors } from '../dgc-test-vectors.js'

/** A bundle's signer for a DER certificate, through JSON as the browser receives it. */
function bundleSigner(der: Uint8Array): OfflineSigner {
  const signer = offlineSigner(signerFromCertificate(der))
  assert.ok(signer, 'a P-256 or RSA signer')
  return JSON.parse(JSON.stringify(signer)) as OfflineSigner
}

/** What the two verifiers must agree on. */
function verdictOf(result: Hc1Verification | OfflineVerification) {
  return {
    valid: result.valid,
    stage: result.stage,
    code: result.valid ? undefined : result.error.code,
    payloadType: result.certificate?.payloadType,
    kid: result.certificate?.kid,
    issuedAt: result.certificate?.issuedAt,
    expiresAt: result.certificate?.expiresAt,
    schemaVersion: result.certificate?.schemaVersion,
  }
}

type UsableVector = DgcVector & { text: string; clock: Date; certificate: Uint8Array }

/** The vectors with a text, a clock and a certificate Node reads: those both verifiers can run. */
const vectors: UsableVector[] = loadDgcVectors().filter((vector): vector is UsableVector => {
  if (!vector.text || !vector.clock || !vector.certificate) return false
  try {
    return offlineSigner(signerFromCertificate(vector.certificate)) !== undefined
  } catch {
    return false
  }
})

function vector(id: string): UsableVector {
  const found = vectors.find((candidate) => candidate.id === id)
  assert.ok(found, `vector ${id}`)
  return found
}

/** The COSE algorithm label of a code, or undefined for one that does not decode. */
function algorithmOf(text: string): unknown {
  try {
    return decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(text)))).algorithm
  } catch {
    return undefined
  }
}

describe('verifyHc1Offline (the door scanner without the network)', () => {
  it('reaches the verdict verifyHc1 reaches on every EU DCC test vector it can read', async () => {
    assert.ok(vectors.length > 100, `${vectors.length} vectors`)
    const differences: string[] = []
    for (const item of vectors) {
      const server = verifyHc1(item.text, {
        trust: new TrustList([signerFromCertificate(item.certificate)]),
        at: item.clock,
      })
      const offline = await verifyHc1Offline(
        item.text,
        new OfflineTrust([bundleSigner(item.certificate)], []),
        item.clock,
      )
      const [a, b] = [verdictOf(server), verdictOf(offline)]
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        differences.push(`${item.id}: server ${JSON.stringify(a)}, offline ${JSON.stringify(b)}`)
      }
    }
    assert.deepEqual(differences, [])
  })

  it('verifies a valid ES256 code (common/CO3) and reports what it decoded', async () => {
    const co3 = vector('common/CO3')
    const result = await verifyHc1Offline(
      co3.text,
      new OfflineTrust([bundleSigner(co3.certificate)], []),
      new Date('2021-05-04T12:00:00Z'),
    )
    assert.ok(result.valid, JSON.stringify(result))
    assert.equal(result.certificate.payloadType, 'eu-dcc')
    assert.equal(result.certificate.algorithm, 'ES256')
    assert.equal(result.certificate.type, 'vaccination')
    assert.deepEqual(
      (result.certificate.dcc as { nam: unknown }).nam,
      (co3.json as { nam: unknown }).nam,
    )
  })

  it('verifies a valid PS256 code, as verifyHc1 does', async () => {
    const ps256 = vectors.filter(
      (item) =>
        algorithmOf(item.text) === -37 &&
        verifyHc1(item.text, {
          trust: new TrustList([signerFromCertificate(item.certificate)]),
          at: item.clock,
        }).valid,
    )
    assert.ok(ps256.length > 0, 'the test data has a valid PS256 vector')
    for (const item of ps256) {
      const signer = bundleSigner(item.certificate)
      assert.equal(signer.keyType, 'rsa')
      assert.equal(signer.publicKey.kty, 'RSA')
      const result = await verifyHc1Offline(item.text, new OfflineTrust([signer], []), item.clock)
      assert.equal(result.valid, true, `${item.id}: ${JSON.stringify(verdictOf(result))}`)
      assert.equal(result.valid && result.certificate.algorithm, 'PS256')
    }
  })

  it('refuses a forged signature at the signature stage with ERR_COSE_SIGNATURE', async () => {
    const co3 = vector('common/CO3')
    const cose = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(co3.text))))
    const raw = inflateZlib(decodeBase45(stripHc1Prefix(co3.text)))
    // Flip one bit of the last byte: the signature's s.
    const forged = new Uint8Array(raw)
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0x01
    assert.equal(cose.signature.length, 64)
    const text = HC1_PREFIX + encodeBase45(deflateSync(forged))
    const result = await verifyHc1Offline(
      text,
      new OfflineTrust([bundleSigner(co3.certificate)], []),
      new Date('2021-05-04T12:00:00Z'),
    )
    assert.deepEqual(
      [result.valid, result.stage, !result.valid && result.error.code],
      [false, 'signature', 'ERR_COSE_SIGNATURE'],
    )
  })

  it('refuses a code whose kid the bundle does not hold with ERR_KEY_NOT_IN_TRUST_LIST', async () => {
    const co3 = vector('common/CO3')
    const other = vectors.find(
      (item) => bundleSigner(item.certificate).kid !== bundleSigner(co3.certificate).kid,
    )
    assert.ok(other)
    const result = await verifyHc1Offline(
      co3.text,
      new OfflineTrust([bundleSigner(other.certificate)], []),
      new Date('2021-05-04T12:00:00Z'),
    )
    assert.deepEqual(
      [result.stage, !result.valid && result.error.code],
      ['signature', 'ERR_KEY_NOT_IN_TRUST_LIST'],
    )
  })

  it('refuses an expired code at the expired stage, a millisecond after its exp', async () => {
    const co3 = vector('common/CO3')
    const trust = new OfflineTrust([bundleSigner(co3.certificate)], [])
    const atExpiry = await verifyHc1Offline(co3.text, trust, new Date('2021-05-05T18:00:00Z'))
    assert.equal(atExpiry.valid, true)
    const after = await verifyHc1Offline(co3.text, trust, new Date('2021-05-05T18:00:00.001Z'))
    assert.deepEqual(
      [after.stage, !after.valid && after.error.code],
      ['expired', 'ERR_CWT_EXPIRED'],
    )
  })

  describe('revocation', () => {
    const co3 = vector('common/CO3')
    const at = new Date('2021-05-04T12:00:00Z')
    const cose = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(co3.text))))
    const dcc = co3.json as { v: { ci: string }[] }
    const hashes = revocationHashes({
      uvci: dcc.v[0]?.ci ?? '',
      country: 'AT',
      signature: cose.signature,
      algorithm: 'ES256',
    })
    for (const hashType of ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const) {
      it(`refuses a code whose ${hashType} hash is listed, at the revoked stage, as verifyHc1 does`, async () => {
        const entries = [{ hashType, hash: hashes[hashType] }]
        const server = verifyHc1(co3.text, {
          trust: new TrustList([signerFromCertificate(co3.certificate)]),
          revocation: new RevocationList(entries),
          at,
        })
        const offline = await verifyHc1Offline(
          co3.text,
          new OfflineTrust([bundleSigner(co3.certificate)], entries),
          at,
        )
        assert.deepEqual(verdictOf(offline), verdictOf(server))
        assert.deepEqual(
          [offline.stage, !offline.valid && offline.error.code],
          ['revoked', 'ERR_REVOKED'],
        )
      })
    }
    it('accepts a code the list does not name', async () => {
      const other = { hashType: 'UCI', hash: 'AAAAAAAAAAAAAAAAAAAAAA==' }
      const result = await verifyHc1Offline(
        co3.text,
        new OfflineTrust([bundleSigner(co3.certificate)], [other]),
        at,
      )
      assert.equal(result.valid, true)
    })
  })
})

describe('the browser’s steps against the server’s', () => {
  it('inflates with the server’s 64 KiB limit', async () => {
    const exactly = deflateSync(new Uint8Array(INFLATE_LIMIT))
    assert.equal((await inflateInBrowser(exactly)).length, INFLATE_LIMIT)
    const bomb = deflateSync(new Uint8Array(INFLATE_LIMIT + 1))
    await assert.rejects(inflateInBrowser(bomb), { code: 'ERR_HC1_INFLATE_LIMIT' })
  })

  it('refuses bytes without a zlib header with the server’s code and words', async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0x78]), new Uint8Array([0x78, 0x9d])]) {
      const server = (() => {
        try {
          inflateZlib(bytes)
        } catch (error) {
          return error as { code: string; message: string }
        }
        assert.fail('the server inflated bytes without a zlib header')
      })()
      await assert.rejects(inflateInBrowser(bytes), { code: server.code, message: server.message })
    }
  })

  it('refuses bytes that are not zlib, a truncated stream, and bytes after its end', async () => {
    await assert.rejects(inflateInBrowser(new Uint8Array([1, 2, 3])), {
      code: 'ERR_HC1_NOT_COMPRESSED',
    })
    const stream = deflateSync(new TextEncoder().encode('a DCC payload'))
    await assert.rejects(inflateInBrowser(stream.subarray(0, stream.length - 3)), {
      code: 'ERR_HC1_INFLATE',
    })
    await assert.rejects(inflateInBrowser(new Uint8Array([...stream, 0])), {
      code: 'ERR_HC1_INFLATE',
    })
  })

  // corona-warn-app/cwa-app-android, RevocationCalculationSampleData.json (Apache-2.0), as in
  // src/codec/revocation/revocation-hashes.test.ts: an ES256 and a PS256 certificate.
  const samples = [
    {
      algorithm: 'ES256' as const,
      barcodeData:
        'HC1:6BFOXN%TSMAHN-HBP8NEDVWLWNG8NB/R804Q1RO4.S0PP7/IX95AAHYI5JENILINO4*J8/Y4IGF5JNBPIFXUY+R8L25LECM8+LAPRA9QH%UF*QHPI2W*VWXMSOEYO9TX2%RU H27RU-YNUVIWQIMC00H6VE6FC1S*R H2/OL*KAOGLK73CLONB7 KLBY47Y81FDRGBM*KBY4:EF/HL:OT9NT-V4.RK0SG*UDHS7G1WN-V7WD+W3:Q7V+DOU732WZP3URG5+NTW7+4WQXDZR3Z2WKTDUR7K$F5H0DYD8KG+2W0AG$LOG60M-6CGIVFCVIOE1M KP8EFRGBTGKRB4O/FE1MJ8UZD5CC9T0HJ6T5QNG.8$$0-FHT-H-RI PQVW5/O16%HAT1Z%PXRQXPMHQ1.GOH4P9B97DDY48.5AH9AVU7:GOJSP130%OK6IA.KKE+4Q:GS99:78ARNJ%44$2%35Y.IE.KD+2H0DL$CWT7XEB0VL//ET2ADMG5JD*5ADK45TMN95SWM934HHP4F5G+P%YQ+GOR.OCDSQHPQHPL*OS OFDSODOH+QC75$/60$QG-ROOOQT5G+Q6/R.9A5Z5FT5D75W9AAABG64XB4*FM9 BO5MD UD-OHL5+$N$EVBLR-KC2YNH0RKOPQ2UHAOA8SA1SCVQIZM-N8Y%F4SL+39%PU00QMBU/ORRZL8.SO$21H41RVFIC7008XD70',
      expUCI: '423bd0a847634ce8dea5dd5e9400f287',
      expCOUNTRYCODEUCI: '7dfb27c9adf0551f0600585a9641a026',
      expSIGNATURE: '2698afff2cdbd017bc957b6fa1764ac7',
    },
    {
      algorithm: 'PS256' as const,
      barcodeData:
        'HC1:NCFOXNYTSFDHJI8-.O.VV2+G*F0DJIFI1A83I:IW-4%YGC8951MAJV:X9ANU92LCV4*XUA2PSGH.+H$NI4L6N$Q%UG/YL WO*Z7ON1.-LDJ86Q1:24EI4OCRQZRCKR1-RLV47IQRR69A7N95U/38T9TG90OARH9P1J4HGZJK-GGX2MTDCZ.CA+GS2A:H8UDB+.C6JCX0GTH8DC8%JC7I7FIIYIJGDBQMIGZI1-IIZI.EJJ14B2MZ8DC8C:R16RD:XIBEIVG395EV3EVCK09D5WCFVA.QO5VA81K0ECM8CXVDC8C90JK.A96UJBC.P2R9CWZJS4KT%MCCO CLD03+.PR$P*NIC0J*%3/8B-8B0OI-1BYKE7ON0YHRVC9JAC/BKOAWBAE99C/6SVCOKEH-B8FDQQCIQCPTHU2CMCH3W1V1U:ZJ83B/ TU73FC1V+UTS1S+UHS9UM97H98$QP3R-AH-VC.HRI9WG4BYUH+YR-/6B*H3D4%6E4%VITB+4A$ARXKH2$H+-5J2BQU79AKDH1N04*870WI8*IN6FXX1263VASWX64IF/06+ PRF0FXN8AT 6Q+SBQ8OP1QADPYVKRDUK*1C81:C1BLB$%4G5N.PMI05K9K82W.PT7PSQAU0+2L9TA+FB$EYOOCFC5PI M5C+12UNCJ7F53S.67TU2GQSPQDUF-7V12JM*2 83H0CM BBKEC$UL0KDQ3P4DX+DA7D4V73*J2HEW3UWSRY:8O9JS+6X8RP1R0DAZODEJO/C6BVTNWISH5BO7D.EPBNHW5TWT%93-XU-DV$538CP67TWBNH-M-JVNVVEA1H%C%Z33-7EZQD4W*IGEYK982J/GX+EVGB-.9U0UWP6U.ABU5CQF3H0WD3FEU',
      expUCI: '3d59bc9b9563dcea32836578c9d3b161',
      expCOUNTRYCODEUCI: '0c32d9ec22eb7167ea0e7a1eb0a21849',
      expSIGNATURE: 'fa6af59289198a146c35710b67cdd415',
    },
  ]
  const base64OfHex = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
  for (const sample of samples) {
    it(`computes the revocation hashes of a ${sample.algorithm} certificate as the Corona-Warn-App does`, async () => {
      const raw = inflateZlib(decodeBase45(stripHc1Prefix(sample.barcodeData)))
      const cose = decodeCoseSign1(raw)
      const { decodeHc1Claims } = await import('../../src/codec/hc1/cwt.js')
      const claims = decodeHc1Claims(cose.payload)
      const entry = Object.values(claims.dcc as Record<string, unknown>).find(Array.isArray) as {
        ci: string
      }[]
      const uvci = entry[0]?.ci ?? ''
      const country = claims.issuer ?? ''
      assert.deepEqual(
        {
          UCI: await uciHash(uvci),
          COUNTRYCODEUCI: await countryCodeUciHash(country, uvci),
          SIGNATURE: await signatureHash(cose.signature, sample.algorithm),
        },
        {
          UCI: base64OfHex(sample.expUCI),
          COUNTRYCODEUCI: base64OfHex(sample.expCOUNTRYCODEUCI),
          SIGNATURE: base64OfHex(sample.expSIGNATURE),
        },
      )
    })
  }
})

describe('judgeOffline (the door’s verdict from the offline bundle)', async () => {
  const now = new Date()
  const csca = await createCsca({
    country: 'RU',
    commonName: 'Test CSCA',
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
  })
  const dsc = await createDocumentSigner(
    csca,
    {
      country: 'RU',
      commonName: 'Test DSC',
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
    },
    'all',
  )
  const fixture = (name: string) =>
    JSON.parse(
      readFileSync(
        new URL(`../../src/codec/hc1/test-fixtures/${name}.json`, import.meta.url),
        'utf8',
      ),
    ) as { [key: string]: JsonValue }
  const venue: Venue = {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Theatre',
    category: 'theatre',
    address: '1 Square',
    district: 'RU-SPE',
    companyId: undefined,
    operatorAccountId: 'operator',
    posterSecret: 'secret',
    createdAt: now.toISOString(),
  }
  const statusOf = (colour: 'green' | 'yellow') => {
    const status = fixture('healthcode-status')
    status['col'] = colour
    if (colour === 'green') delete status['gon']
    return status
  }
  const token = (colour: 'green' | 'yellow'): string =>
    signHc1(
      {
        payloadType: 'healthcode-status',
        dcc: statusOf(colour),
        issuer: 'RU',
        issuedAt: new Date(now.getTime() - 60_000),
        expiresAt: new Date(now.getTime() + 14 * 60_000),
      },
      { privateKey: dsc.privateKey, kid: dsc.kid },
    )
  /** A token that lives two hours, which signHc1 refuses to make: signed here by hand. */
  const longLivedToken = (): string => {
    const encoder = new Encoder({
      variableMapSize: true,
      tagUint8Array: false,
      useRecords: false,
      mapsAsObjects: false,
    })
    const iat = Math.floor(now.getTime() / 1000) - 60
    const protectedBytes = new Uint8Array(
      encoder.encode(
        new Map<number, unknown>([
          [1, -7],
          [4, dsc.kid],
        ]),
      ),
    )
    const payload = new Uint8Array(
      encoder.encode(
        new Map<number, unknown>([
          [1, 'RU'],
          [4, iat + 7200],
          [6, iat],
          [-70002, statusOf('green')],
        ]),
      ),
    )
    const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload])
    const signature = sign('sha256', toBeSigned, { key: dsc.privateKey, dsaEncoding: 'ieee-p1363' })
    const cose = encoder.encode(new Tag([protectedBytes, new Map(), payload, signature], 18))
    return HC1_PREFIX + encodeBase45(deflateSync(cose))
  }
  const testCertificate = (hoursAgo: number): string => {
    const dcc = fixture('dcc-test-naat') as { t: { sc: string; co: string }[] }
    const entry = dcc.t[0] as { sc: string; co: string }
    entry.sc = new Date(now.getTime() - hoursAgo * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    entry.co = 'RU'
    return signHc1(
      {
        dcc: dcc as unknown as JsonValue,
        issuer: 'RU',
        issuedAt: new Date(now.getTime() - 3_600_000),
        expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      },
      { privateKey: dsc.privateKey, kid: dsc.kid },
    )
  }
  /** A bundle as the server builds it, through JSON as the browser receives it. */
  const bundleOf = (revoked: { hashType: 'UCI'; hash: string }[] = [], at = now): OfflineBundle =>
    JSON.parse(
      JSON.stringify(
        buildOfflineBundle({
          venue,
          policy: defaultEntryPolicies.theatre,
          rules: { ruleSetId: 'ru-default', ruleSet: defaultRuleSets['ru-default'] },
          sources: { signers: [signerFromCertificate(dsc.der)], revocations: revoked },
          at,
        }),
      ),
    ) as OfflineBundle
  const judge = (qr: string, bundle = bundleOf(), language = 'en') =>
    judgeOffline(qr, bundle, new OfflineTrust(bundle.signers, bundle.revocations), now, language)

  it('admits a green health-code token by the colour it carries, and says it judged offline', async () => {
    const judged = await judge(token('green'))
    assert.equal(judged.kind, 'answer')
    assert.deepEqual(
      judged.kind === 'answer' && {
        offline: judged.answer.offline,
        entryAllowed: judged.answer.entryAllowed,
        reason: judged.answer.reason,
        holder: judged.answer.holder,
        colour: judged.answer.colour,
      },
      {
        offline: true,
        entryAllowed: true,
        reason: 'GREEN_CODE',
        holder: { name: 'IVAN P.', birthDate: '1985-03-14' },
        colour: 'green',
      },
    )
  })

  it('refuses a yellow token with CODE_NOT_GREEN, and a token meant to live two hours as invalid', async () => {
    const yellow = await judge(token('yellow'))
    assert.deepEqual(
      yellow.kind === 'answer' && [yellow.answer.entryAllowed, yellow.answer.reason],
      [false, 'CODE_NOT_GREEN'],
    )
    const long = await judge(longLivedToken())
    assert.deepEqual(
      long.kind === 'answer' && [long.answer.reason, long.answer.verification?.code],
      ['CODE_INVALID', 'ERR_STATUS_LIFETIME'],
    )
  })

  it('admits a recent negative test under the venue’s validity rules, and refuses it once revoked', async () => {
    const qr = testCertificate(6)
    const admitted = await judge(qr)
    assert.ok(admitted.kind === 'answer')
    assert.deepEqual(
      [admitted.answer.entryAllowed, admitted.answer.reason, admitted.answer.certificateKind],
      [true, 'CERTIFICATE_ACCEPTED', 'test'],
    )
    assert.equal(admitted.answer.rules?.ruleSet?.id, 'ru-default')
    // The same door view as the server's: the masked name (ICAO forms), never the full one.
    assert.deepEqual(admitted.answer.holder, { name: 'CHARLES S.', birthDate: '1964-01-01' })
    assert.doesNotMatch(JSON.stringify(admitted.answer), /Smith|SMITH|Edward|EDWARD/)
    const uvci = 'URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1'
    const revoked = await judge(qr, bundleOf([{ hashType: 'UCI', hash: await uciHash(uvci) }]))
    assert.deepEqual(
      revoked.kind === 'answer' && [
        revoked.answer.entryAllowed,
        revoked.answer.reason,
        revoked.answer.verification?.stage,
      ],
      [false, 'CODE_INVALID', 'revoked'],
    )
  })

  it('refuses a test older than the rules allow with RULES_NOT_MET, in the reader’s language', async () => {
    const policy = { ...defaultEntryPolicies.theatre, testMaxAgeHours: 336 }
    const bundle = { ...bundleOf(), policy }
    const judged = await judge(testCertificate(200), bundle, 'ru')
    assert.ok(judged.kind === 'answer')
    assert.deepEqual([judged.answer.entryAllowed, judged.answer.reason], [false, 'RULES_NOT_MET'])
    assert.ok((judged.answer.rules?.failed?.length ?? 0) > 0)
    assert.match(judged.answer.message ?? '', /\p{Script=Cyrillic}/u)
  })

  it('refuses text that is no code with CODE_INVALID and the stage it failed at', async () => {
    const judged = await judge('HC1:not a code at all')
    assert.deepEqual(
      judged.kind === 'answer' && [
        judged.answer.entryAllowed,
        judged.answer.reason,
        judged.answer.verification?.stage,
      ],
      [false, 'CODE_INVALID', 'base45'],
    )
  })

  it('judges nothing with a bundle older than MAX_BUNDLE_AGE_MS (12 hours), without one, or for a SMART Health Card', async () => {
    const old = bundleOf([], new Date(now.getTime() - MAX_BUNDLE_AGE_MS - 1))
    assert.deepEqual(await judge(token('green'), old), { kind: 'unchecked', why: 'stale-bundle' })
    assert.deepEqual(await judgeOffline(token('green'), undefined, undefined, now, 'en'), {
      kind: 'unchecked',
      why: 'no-bundle',
    })
    assert.deepEqual(await judge('shc:/5676290952432060346029243740'), {
      kind: 'unchecked',
      why: 'smart-health-card',
    })
    const withRules = bundleOf()
    assert.ok(withRules.rules)
    const unknownSet = { ...withRules, rules: { ...withRules.rules, ruleSet: null } }
    assert.deepEqual(await judge(testCertificate(6), unknownSet), {
      kind: 'unchecked',
      why: 'no-rule-set',
    })
  })
})
