import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
  createTrustAnchor,
  createUploadCertificate,
} from '../trust/issue-certificates.js'
import { verifyCms } from './cms.js'
import { GatewayError } from './gateway-error.js'
import { pageBatchList, readRevocationBatch, signRevocationBatch } from './revocation-batch.js'
import {
  type GatewayTrustListEntry,
  readGatewayTrustList,
  signDscUpload,
  signGatewayTrustList,
} from './trust-list.js'

const validity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2036-01-01T00:00:00Z'),
}
const published = new Date('2026-12-06T09:00:00Z')

interface Deployment {
  anchor: IssuedCertificate
  upload: IssuedCertificate
  csca: IssuedCertificate
  dsc: IssuedCertificate
  list: GatewayTrustListEntry[]
}

async function deployment(country: string): Promise<Deployment> {
  const anchor = await createTrustAnchor({ country, commonName: `${country} anchor`, ...validity })
  const upload = await createUploadCertificate(anchor, {
    country,
    commonName: `${country} upload`,
    ...validity,
  })
  const csca = await createCsca({ country, commonName: `${country} CSCA`, ...validity })
  const dsc = await createDocumentSigner(
    csca,
    { country, commonName: `${country} DSC`, ...validity },
    'all',
  )
  const list = signGatewayTrustList(
    [
      { der: csca.der, country, certificateType: 'CSCA', timestamp: published },
      { der: upload.der, country, certificateType: 'UPLOAD', timestamp: published },
      { der: dsc.der, country, certificateType: 'DSC', timestamp: published },
    ],
    {
      trustAnchor: { certificate: anchor.der, privateKey: anchor.privateKey },
      upload: { certificate: upload.der, privateKey: upload.privateKey },
    },
  )
  return { anchor, upload, csca, dsc, list }
}

/** Runs `openssl cms -verify` on files in `dir`; returns its exit status and stdout. */
function opensslVerify(dir: string, args: string[]): { status: number | null; stdout: Buffer } {
  const result = spawnSync(
    'openssl',
    ['cms', '-verify', '-binary', '-inform', 'DER', '-CAfile', join(dir, 'anchor.pem'), ...args],
    { cwd: dir },
  )
  return { status: result.status, stdout: result.stdout }
}

function mustFail(work: () => unknown, code: string): void {
  assert.throws(work, (error: unknown) => error instanceof GatewayError && error.code === code)
}

describe('Gateway trust list', () => {
  let ru: Deployment
  let dir: string

  before(async () => {
    ru = await deployment('RU')
    dir = mkdtempSync(join(tmpdir(), 'hc-gateway-'))
    writeFileSync(join(dir, 'anchor.pem'), ru.anchor.pem)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('has the fields of the Gateway’s TrustListDto, in its order', () => {
    assert.deepEqual(Object.keys(ru.list[0] as object), [
      'kid',
      'timestamp',
      'country',
      'certificateType',
      'thumbprint',
      'signature',
      'rawData',
    ])
    assert.equal(ru.list[0]?.timestamp, '2026-12-06T09:00:00Z')
    assert.deepEqual(
      ru.list.map((entry) => entry.certificateType),
      ['CSCA', 'UPLOAD', 'DSC'],
    )
  })

  it('signs every entry with a CMS that openssl cms -verify accepts against the trust anchor', () => {
    for (const [index, entry] of ru.list.entries()) {
      writeFileSync(join(dir, `sig-${index}.der`), Buffer.from(entry.signature, 'base64'))
      writeFileSync(join(dir, `cert-${index}.der`), Buffer.from(entry.rawData, 'base64'))
      const result = opensslVerify(dir, [
        '-in',
        `sig-${index}.der`,
        '-content',
        `cert-${index}.der`,
        '-out',
        '/dev/null',
      ])
      assert.equal(result.status, 0, `openssl refused entry ${index} (${entry.certificateType})`)
    }
  })

  it('makes a DSC upload message whose content openssl extracts as the certificate', () => {
    writeFileSync(
      join(dir, 'upload.der'),
      signDscUpload(ru.dsc.der, {
        certificate: ru.upload.der,
        privateKey: ru.upload.privateKey,
      }),
    )
    const result = opensslVerify(dir, ['-in', 'upload.der'])
    assert.equal(result.status, 0)
    assert.deepEqual(new Uint8Array(result.stdout), ru.dsc.der)
  })

  it('openssl refuses an entry whose certificate was swapped', () => {
    const dscEntry = ru.list[2] as GatewayTrustListEntry
    writeFileSync(join(dir, 'sig-swapped.der'), Buffer.from(dscEntry.signature, 'base64'))
    writeFileSync(join(dir, 'cert-swapped.der'), ru.csca.der)
    const result = opensslVerify(dir, [
      '-in',
      'sig-swapped.der',
      '-content',
      'cert-swapped.der',
      '-out',
      '/dev/null',
    ])
    assert.notEqual(result.status, 0)
  })

  it('reads its own list back: the DSC is trusted, the UPLOAD certificate known', () => {
    const read = readGatewayTrustList(ru.list, { trustAnchor: ru.anchor.der })
    assert.equal(read.signers.length, 1)
    assert.deepEqual(read.signers[0]?.kid, ru.dsc.kid)
    assert.deepEqual(read.uploadCertificates, [{ der: ru.upload.der, country: 'RU' }])
  })

  it('refuses a list checked against another trust anchor (ERR_GATEWAY_SIGNER)', async () => {
    const de = await deployment('DE')
    mustFail(
      () => readGatewayTrustList(ru.list, { trustAnchor: de.anchor.der }),
      'ERR_GATEWAY_SIGNER',
    )
  })

  it('refuses an entry whose certificate was swapped for another (ERR_GATEWAY_SIGNATURE)', async () => {
    const de = await deployment('DE')
    const dscEntry = ru.list[2] as GatewayTrustListEntry
    const foreign = de.list[2] as GatewayTrustListEntry
    const tampered = [
      ...ru.list.slice(0, 2),
      { ...dscEntry, rawData: foreign.rawData, kid: foreign.kid, thumbprint: foreign.thumbprint },
    ]
    mustFail(
      () => readGatewayTrustList(tampered, { trustAnchor: ru.anchor.der }),
      'ERR_GATEWAY_SIGNATURE',
    )
  })

  it('refuses a DSC signed by another country’s UPLOAD certificate (ERR_GATEWAY_SIGNER)', async () => {
    const de = await deployment('DE')
    const mixed = [...ru.list, { ...(de.list[2] as GatewayTrustListEntry), country: 'RU' }]
    mustFail(
      () => readGatewayTrustList(mixed, { trustAnchor: ru.anchor.der }),
      'ERR_GATEWAY_SIGNER',
    )
  })

  it('refuses a DSC that no CSCA of its country on the list signed (ERR_GATEWAY_CHAIN)', async () => {
    const de = await deployment('DE')
    // Signed by RU's UPLOAD certificate, but issued by DE's CSCA.
    const [foreign] = signGatewayTrustList(
      [{ der: de.dsc.der, country: 'RU', certificateType: 'DSC', timestamp: published }],
      {
        trustAnchor: { certificate: ru.anchor.der, privateKey: ru.anchor.privateKey },
        upload: { certificate: ru.upload.der, privateKey: ru.upload.privateKey },
      },
    )
    mustFail(
      () => readGatewayTrustList([...ru.list, foreign], { trustAnchor: ru.anchor.der }),
      'ERR_GATEWAY_CHAIN',
    )
  })

  it('refuses a thumbprint that is not the certificate’s (ERR_GATEWAY_FORMAT)', () => {
    const tampered = ru.list.map((entry, index) =>
      index === 1 ? { ...entry, thumbprint: '0'.repeat(64) } : entry,
    )
    mustFail(
      () => readGatewayTrustList(tampered, { trustAnchor: ru.anchor.der }),
      'ERR_GATEWAY_FORMAT',
    )
  })

  it('refuses a signature that is not a CMS message (ERR_GATEWAY_CMS)', () => {
    const tampered = ru.list.map((entry, index) =>
      index === 0 ? { ...entry, signature: 'MEUCIQ==' } : entry,
    )
    mustFail(
      () => readGatewayTrustList(tampered, { trustAnchor: ru.anchor.der }),
      'ERR_GATEWAY_CMS',
    )
  })
})

describe('Gateway revocation batch', () => {
  let ru: Deployment
  let dir: string
  const batch = {
    country: 'RU',
    expires: '2027-06-01T00:00:00Z',
    kid: 'qroU+hDDovs=',
    hashType: 'SIGNATURE' as const,
    entries: [{ hash: 'QjvQqEdjTOjepd1elADyhw==' }, { hash: 'm3hNqKJmV5Wd0sdmnXvUSA==' }],
  }

  before(async () => {
    ru = await deployment('RU')
    dir = mkdtempSync(join(tmpdir(), 'hc-gateway-batch-'))
    writeFileSync(join(dir, 'anchor.pem'), ru.anchor.pem)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  const sign = () =>
    signRevocationBatch(batch, { certificate: ru.upload.der, privateKey: ru.upload.privateKey })

  it('is a CMS whose content openssl cms -verify gives as the batch JSON', () => {
    writeFileSync(join(dir, 'batch.der'), Buffer.from(sign(), 'base64'))
    const result = opensslVerify(dir, ['-in', 'batch.der'])
    assert.equal(result.status, 0)
    assert.deepEqual(JSON.parse(result.stdout.toString('utf8')), batch)
  })

  it('reads back when signed by an UPLOAD certificate of its country', () => {
    const read = readRevocationBatch(sign(), {
      uploadCertificates: [{ der: ru.upload.der, country: 'RU' }],
    })
    assert.deepEqual(read, batch)
  })

  it('refuses a batch whose content was changed after signing (ERR_GATEWAY_SIGNATURE)', () => {
    const der = Buffer.from(sign(), 'base64')
    const at = der.indexOf(Buffer.from('QjvQqEdj'))
    assert.ok(at > 0)
    der[at] = 'R'.charCodeAt(0)
    mustFail(
      () =>
        readRevocationBatch(der, { uploadCertificates: [{ der: ru.upload.der, country: 'RU' }] }),
      'ERR_GATEWAY_SIGNATURE',
    )
  })

  it('refuses a batch signed by an UPLOAD certificate of another country (ERR_GATEWAY_SIGNER)', () => {
    mustFail(
      () =>
        readRevocationBatch(sign(), {
          uploadCertificates: [{ der: ru.upload.der, country: 'DE' }],
        }),
      'ERR_GATEWAY_SIGNER',
    )
  })

  it('refuses a signed batch whose hash is not 16 bytes (ERR_GATEWAY_FORMAT)', () => {
    const bad = signRevocationBatch(
      { ...batch, entries: [{ hash: 'QjvQ' }] },
      { certificate: ru.upload.der, privateKey: ru.upload.privateKey },
    )
    mustFail(
      () =>
        readRevocationBatch(bad, { uploadCertificates: [{ der: ru.upload.der, country: 'RU' }] }),
      'ERR_GATEWAY_FORMAT',
    )
  })

  it('verifyCms gives the signer certificate as the message carries it', () => {
    const { signerCertificate } = verifyCms(Buffer.from(sign(), 'base64'))
    assert.deepEqual(signerCertificate, ru.upload.der)
  })
})

describe('Gateway batch list paging', () => {
  const items = [3, 1, 2].map((n) => ({
    batchId: `00000000-0000-4000-8000-00000000000${n}`,
    country: 'RU',
    date: `2026-12-0${n}T00:00:00Z`,
    deleted: n === 2,
  }))

  it('lists what changed after If-Modified-Since, oldest first', () => {
    const page = pageBatchList(items, new Date('2026-12-01T00:00:00Z'))
    assert.deepEqual(
      page?.batches.map((b) => b.date),
      ['2026-12-02T00:00:00Z', '2026-12-03T00:00:00Z'],
    )
    assert.equal(page?.more, false)
  })

  it('says more when the page is cut', () => {
    const page = pageBatchList(items, new Date('2026-01-01T00:00:00Z'), 2)
    assert.equal(page?.batches.length, 2)
    assert.equal(page?.more, true)
  })

  it('gives nothing (204) when nothing changed', () => {
    assert.equal(pageBatchList(items, new Date('2026-12-03T00:00:00Z')), undefined)
  })
})
