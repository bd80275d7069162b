import assert from 'node:assert/strict'
import { type JsonWebKey, constants, generateKeyPairSync, sign } from 'node:crypto'
import { describe, it } from 'node:test'
import { signerFromCertificate } from '../../codec/trust/index.js'
import { createCsca, createDocumentSigner } from '../../codec/trust/issue-certificates.js'
import { defaultRuleSets } from '../validity-rules/index.js'
import { defaultEntryPolicies } from './entry-decision.js'
import { buildOfflineBundle, publicJwkOf } from './offline-bundle.js'
import type { Venue } from './venue.js'

const at = new Date('2026-11-23T09:00:00Z')
const venue: Venue = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Museum',
  category: 'museum',
  address: '1 Square',
  district: 'RU-SPE',
  companyId: undefined,
  operatorAccountId: 'operator',
  posterSecret: 'secret',
  createdAt: at.toISOString(),
}

describe('buildOfflineBundle', () => {
  it('lists each document signer as its kid, JWK, validity and key usage, and skips a key HCERT does not allow', async () => {
    const subject = {
      country: 'RU',
      commonName: 'Test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    }
    const csca = await createCsca(subject)
    const vaccinationsOnly = await createDocumentSigner(csca, subject, ['vaccination'])
    const bundle = buildOfflineBundle({
      venue,
      policy: defaultEntryPolicies.museum,
      rules: { ruleSetId: 'ru-default', ruleSet: defaultRuleSets['ru-default'] },
      sources: {
        signers: [
          signerFromCertificate(vaccinationsOnly.der),
          { ...signerFromCertificate(vaccinationsOnly.der), keyType: 'other' },
        ],
        revocations: [{ hashType: 'UCI', hash: 'QjvQqEdjTOjepd1elADyhw==' }],
      },
      at,
    })
    assert.equal(bundle.signers.length, 1)
    const [signer] = bundle.signers
    assert.equal(signer?.kid, Buffer.from(vaccinationsOnly.kid).toString('base64'))
    assert.equal(signer?.keyType, 'ec-p256')
    assert.deepEqual(Object.keys(signer?.publicKey ?? {}).sort(), ['crv', 'kty', 'x', 'y'])
    assert.equal(signer?.notAfter, '2027-01-01T00:00:00.000Z')
    assert.deepEqual(signer?.extendedKeyUsage, ['1.3.6.1.4.1.1847.2021.1.2'])
    assert.deepEqual(
      [bundle.format, bundle.venueId, bundle.category, bundle.generatedAt],
      [1, venue.id, 'museum', at.toISOString()],
    )
    assert.deepEqual(bundle.revocations, [{ hashType: 'UCI', hash: 'QjvQqEdjTOjepd1elADyhw==' }])
    assert.equal(bundle.rules?.countryCode, 'RU', 'the rule set’s own Acceptance country')
    assert.equal(bundle.rules?.ruleSet?.id, 'ru-default')
  })

  it('says that certificates cannot be judged when the rule set is unknown, and gives no rules when none are judged', () => {
    const sources = { signers: [], revocations: [] }
    const policy = { ...defaultEntryPolicies.museum, ruleSet: 'no-such-set', region: 'SPB' }
    const unknown = buildOfflineBundle({
      venue,
      policy,
      rules: { ruleSetId: 'no-such-set', ruleSet: undefined },
      sources,
      at,
    })
    assert.deepEqual(
      [unknown.rules?.ruleSetId, unknown.rules?.ruleSet, unknown.rules?.region],
      ['no-such-set', null, 'SPB'],
    )
    const none = buildOfflineBundle({ venue, policy, rules: undefined, sources, at })
    assert.equal(none.rules, null)
  })
})

describe('publicJwkOf', () => {
  it('gives an RSA key restricted to PSS as the plain RSA key WebCrypto verifies PS256 with', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    const jwk = publicJwkOf(publicKey)
    assert.equal(jwk?.kty, 'RSA')
    const data = new TextEncoder().encode('Sig_structure')
    const signature = sign('sha256', data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    })
    const key = await crypto.subtle.importKey(
      'jwk',
      jwk as JsonWebKey,
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    assert.equal(
      await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, key, signature, data),
      true,
    )
  })

  it('gives no JWK for a key HCERT does not allow', () => {
    const { publicKey } = generateKeyPairSync('ed25519')
    assert.equal(publicJwkOf(publicKey), undefined)
  })
})
