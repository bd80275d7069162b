import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { signHc1 } from '../hc1/sign-hc1.js'
import { verifyHc1 } from '../hc1/verify-hc1.js'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
  isSignedBy,
} from './issue-certificates.js'
import { TrustList, kidOfCertificate, signerFromCertificate } from './trusted-signer.js'

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
const validity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2028-01-01T00:00:00Z'),
}
const at = new Date('2026-12-01T00:00:00Z')

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

describe('issuing CSCA and document signer certificates', () => {
  let csca: IssuedCertificate
  before(async () => {
    csca = await createCsca({
      country: 'RU',
      commonName: 'Healthcode CSCA St. Petersburg',
      ...validity,
    })
  })

  it('makes a self-signed CA certificate', () => {
    const certificate = new X509Certificate(csca.der)
    assert.equal(certificate.ca, true)
    assert.match(certificate.subject, /C=RU/)
    assert.equal(isSignedBy(csca.der, csca.der), true)
  })

  it('makes a document signer under the CSCA whose codes verify, with the kid of its DER', async () => {
    const dsc = await createDocumentSigner(
      csca,
      { country: 'RU', commonName: 'DSC recovery 1', organisation: 'Healthcode', ...validity },
      ['recovery'],
    )
    assert.equal(isSignedBy(dsc.der, csca.der), true)
    assert.deepEqual(dsc.kid, kidOfCertificate(dsc.der))
    assert.deepEqual(new X509Certificate(dsc.der).keyUsage, ['1.3.6.1.4.1.1847.2021.1.3'])
    const result = verifyHc1(signWith(dsc), {
      trust: new TrustList([signerFromCertificate(dsc.der)]),
      at,
    })
    assert.equal(result.valid, true, JSON.stringify(result))
  })

  it('restricts a signer to its types: a test-only signer’s recovery certificate fails at key_usage', async () => {
    const testOnly = await createDocumentSigner(
      csca,
      { country: 'RU', commonName: 'DSC test 1', ...validity },
      ['test'],
    )
    const result = verifyHc1(signWith(testOnly), {
      trust: new TrustList([signerFromCertificate(testOnly.der)]),
      at,
    })
    assert.equal(result.valid ? 'ok' : result.error.code, 'ERR_KEY_USAGE')
  })

  it('leaves out extended key usage for a signer of every type', async () => {
    const all = await createDocumentSigner(
      csca,
      { country: 'RU', commonName: 'DSC all', ...validity },
      'all',
    )
    assert.equal(new X509Certificate(all.der).keyUsage, undefined)
  })

  it('does not chain a signer to another CSCA', async () => {
    const other = await createCsca({ country: 'RU', commonName: 'Another CSCA', ...validity })
    const dsc = await createDocumentSigner(
      csca,
      { country: 'RU', commonName: 'DSC 2', ...validity },
      ['vaccination'],
    )
    assert.equal(isSignedBy(dsc.der, other.der), false)
  })
})
