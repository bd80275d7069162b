import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { getDgcVector } from '../../../test/dgc-test-vectors.js'
import { signHc1 } from '../hc1/sign-hc1.js'
import { verifyHc1 } from '../hc1/verify-hc1.js'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
} from '../trust/issue-certificates.js'
import { TrustList } from '../trust/trusted-signer.js'
import { signListItem } from './list-signature.js'
import { readTrustList } from './read-trust-list.js'
import { signTrustList } from './sign-trust-list.js'
import type { TrustListEntry } from './trust-list-entry.js'
import { TrustListError, type TrustListErrorCode } from './trust-list-error.js'

const validity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2028-01-01T00:00:00Z'),
}
const published = new Date('2026-11-23T09:00:00.250Z')
const at = new Date('2026-12-01T00:00:00Z')

const recovery = {
  ver: '1.3.0',
  nam: { fn: 'Петров', fnt: 'PETROV', gn: 'Иван', gnt: 'IVAN' },
  dob: '1985-03-14',
  r: [
    {
      tg: '840539006',
      fr: '2026-10-20',
      co: 'RU',
      is: 'St. Petersburg',
      df: '2026-10-31',
      du: '2027-04-18',
      ci: 'URN:UVCI:01:RU:SPB1#K',
    },
  ],
}

function signWith(signer: IssuedCertificate): string {
  return signHc1(
    {
      dcc: recovery,
      issuer: 'RU',
      issuedAt: new Date('2026-11-23T09:00:00Z'),
      expiresAt: new Date('2027-04-18T00:00:00Z'),
    },
    { privateKey: signer.privateKey, kid: signer.kid },
  )
}

/** Runs `read` and checks it throws a TrustListError with this code (and entry and field). */
function assertTrustListError(
  read: () => unknown,
  code: TrustListErrorCode,
  where: { entry?: number; field?: string } = {},
): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof TrustListError, String(error))
    assert.equal(error.name, 'TrustListError')
    assert.equal(error.code, code, error.message)
    if ('entry' in where) assert.equal(error.entry, where.entry)
    if ('field' in where) assert.equal(error.field, where.field)
    return true
  })
}

/** The list as a receiver gets it: through JSON text. */
function overTheWire(entries: readonly object[]): unknown {
  return JSON.parse(JSON.stringify(entries))
}

describe('trust lists', () => {
  let publisher: IssuedCertificate
  let csca: IssuedCertificate
  let dsc: IssuedCertificate
  let foreignCsca: IssuedCertificate
  let foreignDsc: IssuedCertificate
  let list: TrustListEntry[]

  before(async () => {
    publisher = await createCsca({ country: 'RU', commonName: 'Trust list publisher', ...validity })
    csca = await createCsca({ country: 'RU', commonName: 'CSCA St. Petersburg', ...validity })
    dsc = await createDocumentSigner(csca, { country: 'RU', commonName: 'DSC 1', ...validity }, [
      'recovery',
    ])
    foreignCsca = await createCsca({ country: 'RU', commonName: 'Unlisted CSCA', ...validity })
    foreignDsc = await createDocumentSigner(
      foreignCsca,
      { country: 'RU', commonName: 'DSC of the unlisted CSCA', ...validity },
      'all',
    )
    list = signTrustList(
      [
        { der: csca.der, country: 'RU', certificateType: 'CSCA', timestamp: published },
        { der: dsc.der, country: 'RU', certificateType: 'DSC', timestamp: published },
      ],
      publisher.privateKey,
    )
  })

  describe('signTrustList', () => {
    it('writes each entry in the Gateway shape: base64 kid and DER, hex thumbprint, time to the second', () => {
      const entry = list[1] as TrustListEntry
      assert.deepEqual(Object.keys(entry), [
        'kid',
        'timestamp',
        'country',
        'certificateType',
        'thumbprint',
        'signature',
        'rawData',
      ])
      assert.equal(entry.kid, Buffer.from(dsc.kid).toString('base64'))
      assert.equal(entry.timestamp, '2026-11-23T09:00:00Z')
      assert.equal(entry.country, 'RU')
      assert.equal(entry.certificateType, 'DSC')
      assert.equal(entry.thumbprint, createHash('sha256').update(dsc.der).digest('hex'))
      assert.deepEqual(Buffer.from(entry.rawData, 'base64'), Buffer.from(dsc.der))
      // A DER ECDSA signature: SEQUENCE { r, s }.
      assert.equal(Buffer.from(entry.signature, 'base64')[0], 0x30)
    })

    it('refuses a key that is not P-256, a bad country and a bad certificate', async () => {
      const { generateKeyPairSync } = await import('node:crypto')
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      const one = {
        der: dsc.der,
        country: 'RU',
        certificateType: 'DSC',
        timestamp: published,
      } as const
      assert.throws(() => signTrustList([one], rsa), TypeError)
      assert.throws(
        () => signTrustList([{ ...one, country: 'ru' }], publisher.privateKey),
        TypeError,
      )
      assert.throws(
        () => signTrustList([{ ...one, der: new Uint8Array([1, 2, 3]) }], publisher.privateKey),
        TypeError,
      )
    })
  })

  describe('readTrustList', () => {
    it('reads back what signTrustList wrote, and trusts only the DSC', () => {
      const read = readTrustList(overTheWire(list), { signingCertificate: publisher.der })
      assert.deepEqual(read.entries, list)
      assert.equal(read.signers.length, 1)
      assert.deepEqual(read.signers[0]?.kid, dsc.kid)
      assert.equal(read.signers[0]?.keyType, 'ec-p256')
      assert.match(read.signers[0]?.subject ?? '', /CN=DSC 1/)
    })

    it('gives signers that verify a code the DSC signed', () => {
      const { signers } = readTrustList(overTheWire(list), { signingCertificate: publisher.der })
      const result = verifyHc1(signWith(dsc), { trust: new TrustList(signers), at })
      assert.equal(result.valid, true, JSON.stringify(result))
    })

    it('leaves a code by a signer outside the list untrusted', () => {
      const { signers } = readTrustList(overTheWire(list), { signingCertificate: publisher.der })
      const result = verifyHc1(signWith(foreignDsc), { trust: new TrustList(signers), at })
      assert.equal(result.valid ? 'ok' : result.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
    })

    for (const [field, value] of [
      ['kid', 'AAAAAAAAAAA='],
      ['timestamp', '2026-11-24T09:00:00Z'],
      ['country', 'DE'],
      ['certificateType', 'CSCA'],
      ['thumbprint', '0'.repeat(64)],
      ['rawData', 'other certificate'],
    ] as const) {
      it(`rejects an entry whose ${field} was changed after signing with ERR_TRUST_LIST_SIGNATURE`, () => {
        const tampered = overTheWire(list) as Record<string, string>[]
        const entry = tampered[1] as Record<string, string>
        entry[field] =
          value === 'other certificate' ? Buffer.from(foreignDsc.der).toString('base64') : value
        assertTrustListError(
          () => readTrustList(tampered, { signingCertificate: publisher.der }),
          'ERR_TRUST_LIST_SIGNATURE',
          { entry: 1, field: 'signature' },
        )
      })
    }

    it('rejects an entry with a field added after signing', () => {
      const tampered = overTheWire(list) as Record<string, string>[]
      ;(tampered[1] as Record<string, string>)['note'] = 'added'
      assertTrustListError(
        () => readTrustList(tampered, { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_SIGNATURE',
        { entry: 1 },
      )
    })

    it('rejects swapped signatures', () => {
      const swapped = overTheWire(list) as Record<string, string>[]
      const [first, second] = swapped as [Record<string, string>, Record<string, string>]
      ;[first['signature'], second['signature']] = [
        second['signature'] ?? '',
        first['signature'] ?? '',
      ]
      assertTrustListError(
        () => readTrustList(swapped, { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_SIGNATURE',
        { entry: 0 },
      )
    })

    it('rejects a list signed by another key, and a signature that is not base64', () => {
      const other = signTrustList(
        [{ der: dsc.der, country: 'RU', certificateType: 'DSC', timestamp: published }],
        csca.privateKey,
      )
      assertTrustListError(
        () => readTrustList(overTheWire(other), { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_SIGNATURE',
      )
      const garbled = overTheWire(list) as Record<string, string>[]
      ;(garbled[0] as Record<string, string>)['signature'] = 'not base64!'
      assertTrustListError(
        () => readTrustList(garbled, { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_SIGNATURE',
        { entry: 0 },
      )
    })

    it('rejects a DSC of a CSCA that is not in the list with ERR_TRUST_LIST_CHAIN', () => {
      const signed = signTrustList(
        [
          { der: csca.der, country: 'RU', certificateType: 'CSCA', timestamp: published },
          { der: foreignDsc.der, country: 'RU', certificateType: 'DSC', timestamp: published },
        ],
        publisher.privateKey,
      )
      assertTrustListError(
        () => readTrustList(overTheWire(signed), { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_CHAIN',
        { entry: 1 },
      )
    })

    it('rejects a DSC whose CSCA is listed for another country', () => {
      const signed = signTrustList(
        [
          { der: csca.der, country: 'DE', certificateType: 'CSCA', timestamp: published },
          { der: dsc.der, country: 'RU', certificateType: 'DSC', timestamp: published },
        ],
        publisher.privateKey,
      )
      assertTrustListError(
        () => readTrustList(overTheWire(signed), { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_CHAIN',
        { entry: 1 },
      )
    })

    it('accepts a DSC the list signer itself issued, with no CSCA in the list', async () => {
      const direct = await createDocumentSigner(
        publisher,
        { country: 'RU', commonName: 'DSC of the publisher', ...validity },
        'all',
      )
      const signed = signTrustList(
        [{ der: direct.der, country: 'RU', certificateType: 'DSC', timestamp: published }],
        publisher.privateKey,
      )
      const read = readTrustList(overTheWire(signed), { signingCertificate: publisher.der })
      assert.equal(read.signers.length, 1)
    })

    it('rejects a thumbprint that is not the SHA-256 of the certificate, signed or not', () => {
      const wrong = { ...(list[1] as TrustListEntry), thumbprint: 'ab'.repeat(32) }
      assertTrustListError(() => readTrustList(overTheWire([wrong])), 'ERR_TRUST_LIST_THUMBPRINT', {
        entry: 0,
        field: 'thumbprint',
      })
      const { signature: _signature, ...fields } = wrong
      const resigned = { ...fields, signature: signListItem(fields, publisher.privateKey) }
      assertTrustListError(
        () => readTrustList(overTheWire([resigned]), { signingCertificate: publisher.der }),
        'ERR_TRUST_LIST_THUMBPRINT',
        { entry: 0, field: 'thumbprint' },
      )
    })

    it('accepts a thumbprint in capitals', () => {
      const upper = { ...(list[1] as TrustListEntry) }
      upper.thumbprint.toUpperCase()
      const read = readTrustList(
        overTheWire([{ ...upper, thumbprint: upper.thumbprint.toUpperCase() }]),
      )
      assert.equal(read.signers.length, 1)
    })

    it('rejects a DSC whose kid is not its certificate’s (HCERT 3.3.2), but not a CSCA’s', () => {
      const dscEntry = { ...(list[1] as TrustListEntry), kid: 'AAECAwQFBgc=' }
      assertTrustListError(() => readTrustList(overTheWire([dscEntry])), 'ERR_TRUST_LIST_KID', {
        entry: 0,
        field: 'kid',
      })
      const { signature: _signature, ...fields } = dscEntry
      const resigned = { ...fields, signature: signListItem(fields, publisher.privateKey) }
      assertTrustListError(
        () =>
          readTrustList(overTheWire([list[0] as TrustListEntry, resigned]), {
            signingCertificate: publisher.der,
          }),
        'ERR_TRUST_LIST_KID',
        { entry: 1 },
      )
      const cscaEntry = { ...(list[0] as TrustListEntry), kid: 'AAECAwQFBgc=' }
      assert.equal(readTrustList(overTheWire([cscaEntry])).signers.length, 0)
    })

    it('reads the bare Gateway form without a signer, whatever its signatures say', () => {
      const der = getDgcVector('common/CO3').certificate
      assert.ok(der)
      const gateway = [
        {
          kid: 'rDaQ7oNhzJY=',
          timestamp: '2021-05-03T18:00:00+02:00',
          country: 'DE',
          certificateType: 'DSC',
          thumbprint: createHash('sha256').update(der).digest('hex'),
          signature: 'a CMS signature this reader does not check',
          rawData: Buffer.from(der).toString('base64'),
        },
      ]
      const read = readTrustList(gateway)
      assert.equal(read.signers.length, 1)
      assert.equal(Buffer.from(read.signers[0]?.kid ?? []).toString('base64'), 'rDaQ7oNhzJY=')
    })

    it('reads an empty list as no signers', () => {
      assert.deepEqual(readTrustList([]), { signers: [], entries: [] })
    })

    for (const [what, json] of [
      ['an object', { entries: [] }],
      ['text', 'kid'],
      ['null', null],
    ] as const) {
      it(`rejects ${what} instead of an array with ERR_TRUST_LIST_FORMAT`, () => {
        assertTrustListError(() => readTrustList(json), 'ERR_TRUST_LIST_FORMAT', {
          entry: undefined,
        })
      })
    }

    for (const [what, change, field] of [
      ['an entry that is not an object', () => 'entry', undefined],
      ['a missing kid', (e: Record<string, unknown>) => ({ ...e, kid: undefined }), 'kid'],
      ['a kid that is not base64', (e: Record<string, unknown>) => ({ ...e, kid: 'k*d' }), 'kid'],
      [
        'a numeric timestamp',
        (e: Record<string, unknown>) => ({ ...e, timestamp: 1 }),
        'timestamp',
      ],
      [
        'a timestamp without a zone',
        (e: Record<string, unknown>) => ({ ...e, timestamp: '2026-11-23T09:00:00' }),
        'timestamp',
      ],
      [
        'an impossible timestamp',
        (e: Record<string, unknown>) => ({ ...e, timestamp: '2026-13-45T09:00:00Z' }),
        'timestamp',
      ],
      ['a lowercase country', (e: Record<string, unknown>) => ({ ...e, country: 'ru' }), 'country'],
      [
        'an UPLOAD certificate',
        (e: Record<string, unknown>) => ({ ...e, certificateType: 'UPLOAD' }),
        'certificateType',
      ],
      [
        'a short thumbprint',
        (e: Record<string, unknown>) => ({ ...e, thumbprint: 'abcd' }),
        'thumbprint',
      ],
      [
        'a signature that is not text',
        (e: Record<string, unknown>) => ({ ...e, signature: null }),
        'signature',
      ],
      [
        'rawData that is not base64',
        (e: Record<string, unknown>) => ({ ...e, rawData: 'MII B' }),
        'rawData',
      ],
      [
        'rawData that is not a certificate',
        (e: Record<string, unknown>) => ({
          ...e,
          rawData: Buffer.from('not a certificate').toString('base64'),
        }),
        'rawData',
      ],
    ] as const) {
      it(`rejects ${what} with ERR_TRUST_LIST_FORMAT naming the entry and field`, () => {
        const entries = overTheWire(list) as Record<string, unknown>[]
        entries[1] = change(entries[1] as Record<string, unknown>) as Record<string, unknown>
        assertTrustListError(() => readTrustList(entries), 'ERR_TRUST_LIST_FORMAT', {
          entry: 1,
          field,
        })
        assert.throws(() => readTrustList(entries), /^TrustListError: trust list entry 1: expected/)
      })
    }

    it('rejects a list signer that is not a P-256 certificate with ERR_TRUST_LIST_SIGNER', () => {
      const rsa = getDgcVector('common/CO1').certificate
      assert.ok(rsa)
      for (const signingCertificate of [rsa, new Uint8Array([0x30, 0x00])]) {
        assertTrustListError(
          () => readTrustList(overTheWire(list), { signingCertificate }),
          'ERR_TRUST_LIST_SIGNER',
        )
      }
    })
  })
})
