import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { publicJwkOf } from './sign-shc.js'
import { ShcTrustError, ShcTrustStore, jwkThumbprint, type ShcIssuer } from './trust-store.js'

const vectors = new URL('../../../test/vectors/shc-testdata/', import.meta.url)
const json = (path: string): unknown => JSON.parse(readFileSync(new URL(path, vectors), 'utf8'))

const EXAMPLE_ISS = 'https://spec.smarthealth.cards/examples/issuer'
const EXAMPLE_KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s'
const EXAMPLE_KID_2 = 'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw'
const exampleIssuer: ShcIssuer = {
  iss: EXAMPLE_ISS,
  jwks: json('examples/issuer/.well-known/jwks.json'),
  crls: [json(`examples/issuer/.well-known/crl/${EXAMPLE_KID}.json`)],
}

/** A fresh P-256 signing key as its issuer would publish it. */
function freshJwk(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { ...publicJwkOf(privateKey), ...extra }
}

function refusal(issuer: ShcIssuer, code: string, message?: RegExp): void {
  assert.throws(
    () => new ShcTrustStore([issuer]),
    (error: unknown) => {
      assert.ok(error instanceof ShcTrustError, String(error))
      assert.equal(error.code, code, error.message)
      if (message) assert.match(error.message, message)
      return true
    },
  )
}

describe('ShcTrustStore', () => {
  it('imports the example issuer: both keys, and the revocation list of the first', () => {
    const store = new ShcTrustStore([exampleIssuer])
    assert.equal(store.size, 1)
    assert.deepEqual(store.kidsOf(EXAMPLE_ISS), [EXAMPLE_KID, EXAMPLE_KID_2])
    assert.equal(store.findKey(EXAMPLE_ISS, EXAMPLE_KID)?.crlVersion, 1)
    assert.equal(store.findKey(EXAMPLE_ISS, EXAMPLE_KID_2)?.publicKey.asymmetricKeyType, 'ec')
    assert.equal(store.findRevocationList(EXAMPLE_ISS, EXAMPLE_KID)?.ctr, 1)
    assert.equal(store.findRevocationList(EXAMPLE_ISS, EXAMPLE_KID_2), undefined)
  })

  it('imports each key once: every lookup gives the same KeyObject', () => {
    const store = new ShcTrustStore([exampleIssuer])
    assert.equal(store.findKey(EXAMPLE_ISS, EXAMPLE_KID), store.findKey(EXAMPLE_ISS, EXAMPLE_KID))
  })

  it('finds nothing for an unknown issuer or kid', () => {
    const store = new ShcTrustStore([exampleIssuer])
    assert.equal(store.hasIssuer(`${EXAMPLE_ISS}/`), false)
    assert.equal(store.findKey(`${EXAMPLE_ISS}/`, EXAMPLE_KID), undefined)
    assert.equal(store.findKey(EXAMPLE_ISS, 'AAAA'), undefined)
    assert.deepEqual(store.kidsOf('https://nobody.example'), [])
  })

  for (const file of [
    'validator-testdata/valid_key.json',
    'validator-testdata/valid_keys.json',
    'validator-testdata/valid_key_with_x5c.json',
  ]) {
    it(`imports the key set ${file}`, () => {
      const store = new ShcTrustStore([{ iss: 'https://issuer.example', jwks: json(file) }])
      assert.ok(store.kidsOf('https://issuer.example').length > 0)
    })
  }

  for (const [file, code, message] of [
    ['validator-testdata/wrong_alg_key.json', 'ERR_SHC_TRUST_KEY', /"alg" is "ES256K"/],
    ['validator-testdata/wrong_curve_key.json', 'ERR_SHC_TRUST_KEY', /"crv" is "P-384"/],
    ['validator-testdata/wrong_kty_key.json', 'ERR_SHC_TRUST_KEY', /"kty" is "RSA"/],
    ['validator-testdata/wrong_use_key.json', 'ERR_SHC_TRUST_KEY', /"use" is "enc"/],
    ['validator-testdata/wrong_kid_key.json', 'ERR_SHC_TRUST_KID', /thumbprint/],
    ['validator-testdata/private_key.json', 'ERR_SHC_TRUST_KEY', /private key/],
    ['validator-testdata/cert_mismatch.public.json', 'ERR_SHC_TRUST_KEY', /"x5c" certificate/],
  ] as const) {
    it(`refuses ${file} with ${code}`, () => {
      refusal({ iss: 'https://issuer.example', jwks: json(file) }, code, message)
    })
  }

  it('refuses a key set that is not JSON Web Key Set (validator-testdata/badjwks)', () => {
    const text = readFileSync(new URL('validator-testdata/badjwks/.well-known/jwks.json', vectors))
    refusal({ iss: 'https://issuer.example', jwks: text.toString() }, 'ERR_SHC_TRUST_JWKS')
    refusal({ iss: 'https://issuer.example', jwks: { keys: [] } }, 'ERR_SHC_TRUST_JWKS')
  })

  for (const [jwk, problem] of [
    [{ x: 'AAAA' }, /"x" is not the base64url of 32 bytes/],
    [{ y: 42 }, /"y" is not the base64url of 32 bytes/],
    [{ crlVersion: 0 }, /crlVersion/],
    [{ x5c: 'not an array' }, /"x5c"/],
    [{ x5c: ['bm90IGEgY2VydGlmaWNhdGU='] }, /does not parse/],
  ] as const) {
    it(`refuses a key whose ${Object.keys(jwk).join()} is malformed`, () => {
      refusal(
        { iss: 'https://issuer.example', jwks: { keys: [freshJwk(jwk)] } },
        'ERR_SHC_TRUST_KEY',
        problem,
      )
    })
  }

  it('refuses a point that is not on the curve', () => {
    const jwk = freshJwk()
    const y = Buffer.from(jwk['y'] as string, 'base64url')
    y[31] = (y[31] as number) ^ 1
    const moved = { ...jwk, y: y.toString('base64url') }
    const coordinates = { kty: 'EC', crv: 'P-256', x: jwk['x'] as string, y: moved.y }
    refusal(
      {
        iss: 'https://issuer.example',
        jwks: { keys: [{ ...moved, kid: jwkThumbprint(coordinates) }] },
      },
      'ERR_SHC_TRUST_KEY',
      /P-256 curve/,
    )
  })

  for (const iss of ['http://issuer.example', 'https://issuer.example/', 'issuer.example', '']) {
    it(`refuses the issuer URL ${JSON.stringify(iss)}`, () => {
      refusal({ iss, jwks: { keys: [freshJwk()] } }, 'ERR_SHC_TRUST_ISSUER', /https URL/)
    })
  }

  it('refuses an issuer twice, and keeps the first', () => {
    const store = new ShcTrustStore([exampleIssuer])
    assert.throws(() => store.add(exampleIssuer), { code: 'ERR_SHC_TRUST_ISSUER' })
    assert.equal(store.size, 1)
  })

  it('adds nothing of an issuer whose revocation list is refused', () => {
    const store = new ShcTrustStore()
    assert.throws(() => store.add({ ...exampleIssuer, crls: [] }), { code: 'ERR_SHC_TRUST_CRL' })
    assert.equal(store.hasIssuer(EXAMPLE_ISS), false)
  })

  it('requires the revocation list of a key that announces one (crlVersion)', () => {
    refusal({ ...exampleIssuer, crls: undefined }, 'ERR_SHC_TRUST_CRL', /crl\/3Kfdg.*\.json/)
  })

  it('accepts a key listed twice, once per certificate', () => {
    const jwk = freshJwk()
    const store = new ShcTrustStore([{ iss: 'https://issuer.example', jwks: { keys: [jwk, jwk] } }])
    assert.equal(store.kidsOf('https://issuer.example').length, 1)
  })

  describe('revocation lists (validator-testdata/badcrl)', () => {
    const badCrlIssuer = (name: string): ShcIssuer => ({
      iss: `https://raw.githubusercontent.com/smart-on-fhir/health-cards-dev-tools/main/testdata/badcrl/${name}`,
      jwks: json(`validator-testdata/badcrl/${name}/.well-known/jwks.json`),
      crls: [
        json(
          `validator-testdata/badcrl/${name}/.well-known/crl/hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA.json`,
        ),
      ],
    })

    for (const [name, problem] of [
      ['invalid-method', /"method" to be "rid"/],
      ['non-base64url-rid', /rids\[1\].*"base64=="/],
      ['too-long-rid', /rids\[1\].*this-rid-is-longer/],
      ['version-mismatch', /"ctr" to equal the key's crlVersion 1, but found 2/],
    ] as const) {
      it(`refuses ${name} with ERR_SHC_TRUST_CRL`, () => {
        refusal(badCrlIssuer(name), 'ERR_SHC_TRUST_CRL', problem)
      })
    }

    it('accepts duplicate-rid, where the widest entry for a rid wins', () => {
      const issuer = badCrlIssuer('duplicate-rid')
      const list = new ShcTrustStore([issuer]).findRevocationList(
        issuer.iss,
        'hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA',
      )
      // "XkNHp2Iyk0Y" is listed bare too: every card with it is revoked, whenever issued.
      assert.equal(list?.isRevoked('XkNHp2Iyk0Y', 2_000_000_000), true)
      assert.equal(list?.isRevoked('vwAjHdarZuc', 1638311286), true)
      assert.equal(list?.isRevoked('vwAjHdarZuc', 1638311287), false)
    })

    it('refuses a list for a key the issuer does not have, and a second list for a key', () => {
      const jwk = freshJwk()
      const iss = 'https://issuer.example'
      refusal(
        { iss, jwks: { keys: [jwk] }, crls: [{ kid: 'other', method: 'rid', ctr: 1, rids: [] }] },
        'ERR_SHC_TRUST_CRL',
        /"kid" to name a key/,
      )
      const list = { kid: jwk['kid'], method: 'rid', ctr: 1, rids: [] }
      refusal(
        { iss, jwks: { keys: [jwk] }, crls: [list, list] },
        'ERR_SHC_TRUST_CRL',
        /second list/,
      )
    })
  })

  describe('isRevoked', () => {
    const jwk = freshJwk({ crlVersion: 3 })
    const iss = 'https://issuer.example'
    const store = new ShcTrustStore([
      {
        iss,
        jwks: { keys: [jwk] },
        crls: [{ kid: jwk['kid'], method: 'rid', ctr: 3, rids: ['always', 'until.1636977600'] }],
      },
    ])
    const list = store.findRevocationList(iss, jwk['kid'] as string)

    it('revokes every card with a bare rid', () => {
      assert.equal(list?.isRevoked('always', 0), true)
      assert.equal(list?.isRevoked('always', 4_102_444_800), true)
    })

    it('revokes cards with a timestamped rid issued before the timestamp, and at it', () => {
      assert.equal(list?.isRevoked('until', 1636977599), true)
      assert.equal(list?.isRevoked('until', 1636977600), true)
    })

    it('keeps cards with a timestamped rid issued after the timestamp', () => {
      assert.equal(list?.isRevoked('until', 1636977600.5), false)
      assert.equal(list?.isRevoked('until', 1636977601), false)
    })

    it('keeps cards whose rid is not listed', () => {
      assert.equal(list?.isRevoked('other', 0), false)
    })
  })
})

describe('jwkThumbprint', () => {
  it('gives the kid of each example key (RFC 7638)', () => {
    const { keys } = json('examples/issuer/.well-known/jwks.json') as {
      keys: { kid: string; kty: string; crv: string; x: string; y: string }[]
    }
    for (const key of keys) assert.equal(jwkThumbprint(key), key.kid)
  })
})
