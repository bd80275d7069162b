import assert from 'node:assert/strict'
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { deflateRawSync, deflateSync } from 'node:zlib'
import { seededRandom } from '../../../test/seeded-random.js'
import { shcErrorStages, shcStages, type ShcErrorCode, type ShcFailureStage } from './errors.js'
import { SHC_MAX_FILE_LENGTH } from './input.js'
import { SHC_MAX_JWS_LENGTH, encodeShcQr } from './numeric.js'
import { publicJwkOf, signShc } from './sign-shc.js'
import { ShcTrustStore, type ShcIssuer } from './trust-store.js'
import { verifyShc, verifyShcCards, type ShcVerification } from './verify-shc.js'

const vectors = new URL('../../../test/vectors/shc-testdata/', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, vectors), 'utf8')
const json = (path: string): unknown => JSON.parse(read(path).replace(/^\uFEFF/, ''))

const EXAMPLE_ISS = 'https://spec.smarthealth.cards/examples/issuer'
const EXAMPLE_KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s'
const exampleIssuer: ShcIssuer = {
  iss: EXAMPLE_ISS,
  jwks: json('examples/issuer/.well-known/jwks.json'),
  crls: [json(`examples/issuer/.well-known/crl/${EXAMPLE_KID}.json`)],
}
const issuers = new ShcTrustStore([exampleIssuer])
/** The examples are valid on any day of 2026. */
const IN_2026 = new Date('2026-06-01T00:00:00Z')

/** What a result should be: `ok`, or a stage and the code that stopped it. */
type Expected = 'ok' | readonly [ShcFailureStage, ShcErrorCode]

function outcome(result: ShcVerification): Expected {
  return result.valid ? 'ok' : [result.stage, result.error.code]
}

function failureOf(result: ShcVerification): Extract<ShcVerification, { valid: false }> {
  assert.equal(result.valid, false, 'expected the card to be refused')
  if (result.valid) throw new Error('unreachable')
  return result
}

/** A file's text as it would be scanned or uploaded: without the final newline of the file. */
function cardText(path: string): string {
  return read(path).replace(/\r?\n$/, '')
}

describe('verifyShc: the specification examples (examples/)', () => {
  const expectations: Record<string, Expected> = {
    'valid-covid-vaccines': 'ok',
    'valid-covid-vaccines-key2': 'ok',
    'valid-not-revoked-rid': 'ok',
    'valid-with-exp': 'ok',
    'invalid-expired': ['expired', 'ERR_SHC_EXPIRED'],
    'invalid-not-yet-valid': ['not_yet_valid', 'ERR_SHC_NOT_YET_VALID'],
    'invalid-signature': ['signature', 'ERR_SHC_SIGNATURE'],
    'invalid-unknown-kid': ['signature', 'ERR_SHC_KID_UNKNOWN'],
    'invalid-revoked': ['revoked', 'ERR_SHC_REVOKED'],
  }
  const files = readdirSync(new URL('examples/', vectors)).filter((name) =>
    /\.(jws\.txt|qr\.txt|smart-health-card)$/.test(name),
  )

  it('covers every example card, in all three forms', () => {
    assert.equal(files.length, Object.keys(expectations).length * 3)
    for (const name of files) {
      const card = name.replace(/\.(jws\.txt|qr\.txt|smart-health-card)$/, '')
      assert.ok(card in expectations, `${name} has an expectation`)
    }
  })

  for (const name of files.sort()) {
    const card = name.replace(/\.(jws\.txt|qr\.txt|smart-health-card)$/, '')
    const expected = expectations[card] as Expected
    for (const at of ['2026-01-01T00:00:00Z', '2026-12-31T23:59:59Z']) {
      it(`${name} at ${at.slice(0, 10)}: ${expected === 'ok' ? 'valid' : expected.join(' ')}`, () => {
        const result = verifyShc(cardText(`examples/${name}`), { issuers, at: new Date(at) })
        assert.deepEqual(outcome(result), expected, result.valid ? '' : result.error.message)
      })
    }
  }

  it('reports what the valid card holds', () => {
    const result = verifyShc(cardText('examples/valid-covid-vaccines.qr.txt'), {
      issuers,
      at: IN_2026,
    })
    assert.equal(result.valid, true)
    const { card } = result
    assert.equal(card?.kind, 'shc')
    assert.equal(card?.form, 'qr')
    assert.equal(card?.issuer, EXAMPLE_ISS)
    assert.equal(card?.kid, EXAMPLE_KID)
    assert.equal(card?.algorithm, 'ES256')
    assert.equal(card?.issuedAt, '2022-01-01T00:00:00.000Z')
    assert.equal(card?.expiresAt, undefined)
    assert.equal(card?.fhirVersion, '4.0.1')
    assert.deepEqual(card?.types, [
      'https://smarthealth.cards#health-card',
      'https://smarthealth.cards#immunization',
      'https://smarthealth.cards#covid19',
    ])
    assert.deepEqual(card?.summary?.patients, [
      { names: ['John B. Anyperson'], birthDate: '1951-01-20' },
    ])
    assert.equal(card?.summary?.immunizations.length, 3)
  })

  it('still reports what an expired card holds', () => {
    const failure = failureOf(
      verifyShc(cardText('examples/invalid-expired.jws.txt'), { issuers, at: IN_2026 }),
    )
    assert.equal(failure.card?.form, 'jws')
    assert.equal(failure.card?.expiresAt, '2021-02-01T00:00:00.000Z')
    assert.match(failure.error.message, /expired at 2021-02-01T00:00:00.000Z/)
    assert.equal(failure.card?.summary?.patients[0]?.names[0], 'John B. Anyperson')
  })

  it('names the rid and the list of a revoked card', () => {
    const failure = failureOf(
      verifyShc(cardText('examples/invalid-revoked.smart-health-card'), { issuers, at: IN_2026 }),
    )
    assert.equal(failure.card?.revocationId, 'SqxKcdN_Ouw')
    assert.match(failure.error.message, /rid SqxKcdN_Ouw.*version 1/)
  })

  it('lets the revoked card through when its issuer is trusted with an empty list', () => {
    const { keys } = exampleIssuer.jwks as { keys: unknown[] }
    const emptyList = { kid: EXAMPLE_KID, method: 'rid', ctr: 1, rids: [] }
    const unrevoked = new ShcTrustStore([{ iss: EXAMPLE_ISS, jwks: { keys }, crls: [emptyList] }])
    const result = verifyShc(cardText('examples/invalid-revoked.jws.txt'), {
      issuers: unrevoked,
      at: IN_2026,
    })
    assert.equal(result.valid, true)
  })

  it('refuses every example with ERR_SHC_ISSUER_UNKNOWN when no issuer is trusted', () => {
    const result = verifyShc(cardText('examples/valid-covid-vaccines.jws.txt'), {
      issuers: new ShcTrustStore(),
      at: IN_2026,
    })
    assert.deepEqual(outcome(result), ['signature', 'ERR_SHC_ISSUER_UNKNOWN'])
  })
})

describe('verifyShc: the validator test data (validator-testdata/)', () => {
  /*
   * Every card of the validator's test data, with the outcome at a 2026 clock when the example
   * issuer is trusted. The validator checks more than a verifier must: cards it warns about for
   * FHIR profile details (bad-fhir-metadata), their file name (wrong-extension), whitespace
   * around a file's JSON (e-file-trailing_chars) or their size (1195-byte) are genuine and valid
   * here. Whitespace around a bare JWS or QR text is refused: a scanner gives the text exactly.
   */
  const cards: Record<string, readonly Expected[]> = {
    'test-example-00-d-jws-bad-fhir-metadata.txt': ['ok'],
    'test-example-00-d-jws-der-signature-r-neg.txt': [['signature', 'ERR_SHC_SIGNATURE']],
    'test-example-00-d-jws-der-signature-rs-neg.txt': [['signature', 'ERR_SHC_SIGNATURE']],
    'test-example-00-d-jws-der-signature-s-neg.txt': [['signature', 'ERR_SHC_SIGNATURE']],
    'test-example-00-d-jws-der-signature.txt': [['signature', 'ERR_SHC_SIGNATURE']],
    'test-example-00-d-jws-invalid-signature.txt': [['signature', 'ERR_SHC_SIGNATURE']],
    'test-example-00-d-jws-issuer-kid-mismatch.txt': [['signature', 'ERR_SHC_KID_UNKNOWN']],
    'test-example-00-d-jws-issuer-not-valid-with-smart-key.txt': [
      ['signature', 'ERR_SHC_ISSUER_UNKNOWN'],
    ],
    // 1,258 characters, and an "iat" where "nbf" belongs.
    'test-example-00-d-jws-jws_too_long.txt': [['decode', 'ERR_SHC_CLAIM']],
    'test-example-00-d-jws-no_deflate.txt': [['decode', 'ERR_SHC_ZIP']],
    'test-example-00-d-jws-no_jws_header_alg.txt': [['decode', 'ERR_SHC_ALGORITHM']],
    'test-example-00-d-jws-no_jws_header_kid.txt': [['decode', 'ERR_SHC_KID_MISSING']],
    'test-example-00-d-jws-no_jws_header_zip.txt': [['decode', 'ERR_SHC_ZIP']],
    'test-example-00-d-jws-trailing_chars.txt': [['prefix', 'ERR_SHC_PREFIX']],
    'test-example-00-d-jws-utf8_bom_prefix.txt': [['decode', 'ERR_SHC_PAYLOAD']],
    'test-example-00-d-jws-wrong_jws_header_kid.txt': [['signature', 'ERR_SHC_KID_UNKNOWN']],
    'test-example-00-e-file-bad_jwks.smart-health-card': [['signature', 'ERR_SHC_ISSUER_UNKNOWN']],
    'test-example-00-e-file-invalid_deflate.smart-health-card': [['decode', 'ERR_SHC_INFLATE']],
    'test-example-00-e-file-invalid_issuer_url.smart-health-card': [
      ['signature', 'ERR_SHC_ISSUER_UNKNOWN'],
    ],
    'test-example-00-e-file-invalid_issuer_url_http.smart-health-card': [
      ['signature', 'ERR_SHC_ISSUER_UNKNOWN'],
    ],
    'test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card': [
      ['signature', 'ERR_SHC_ISSUER_UNKNOWN'],
    ],
    'test-example-00-e-file-jws_too_long.smart-health-card': [['decode', 'ERR_SHC_CLAIM']],
    'test-example-00-e-file-multi-jws-issues.smart-health-card': [
      ['decode', 'ERR_SHC_ALGORITHM'],
      'ok',
    ],
    'test-example-00-e-file-multi-jws.smart-health-card': ['ok', 'ok'],
    'test-example-00-e-file-no_deflate.smart-health-card': [['decode', 'ERR_SHC_ZIP']],
    'test-example-00-e-file-trailing_chars.smart-health-card': ['ok'],
    'test-example-00-e-file.wrong-extension': ['ok'],
    'test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt': [
      ['prefix', 'ERR_SHC_CHUNKED'],
    ],
    'test-example-00-f-qr-code-numeric-value-0-number-too-big.txt': [['prefix', 'ERR_SHC_NUMERIC']],
    'test-example-00-f-qr-code-numeric-value-0-odd-count.txt': [['prefix', 'ERR_SHC_NUMERIC']],
    'test-example-00-f-qr-code-numeric-value-0-trailing_chars.txt': [['prefix', 'ERR_SHC_PREFIX']],
    'test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt': [
      ['prefix', 'ERR_SHC_CHUNKED'],
    ],
    'test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt': [['prefix', 'ERR_SHC_PREFIX']],
    ...Object.fromEntries(
      Array.from({ length: 17 }, (_, chunk) => [
        `test-example-00-f-qr-code-numeric-value-${chunk}-qr_chunk_too_small.txt`,
        [['prefix', 'ERR_SHC_CHUNKED']] as const,
      ]),
    ),
    'test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt': [
      ['prefix', 'ERR_SHC_CHUNKED'],
    ],
    'test-example-02-f-qr-code-numeric-value-1-qr_chunk_too_big.txt': [
      ['prefix', 'ERR_SHC_CHUNKED'],
    ],
    'test-example-1195-byte-qrnumeric.txt': ['ok'],
  }

  it('lists every card file of the validator data', () => {
    const files = readdirSync(new URL('validator-testdata/', vectors)).filter((name) =>
      /^test-example-\d+-[def]-|^test-example-1195/.test(name),
    )
    assert.deepEqual(files.sort(), Object.keys(cards).sort())
  })

  for (const [name, expected] of Object.entries(cards)) {
    const described = expected.map((one) => (one === 'ok' ? 'valid' : one.join(' '))).join(', ')
    it(`${name}: ${described}`, () => {
      const results = verifyShcCards(cardText(`validator-testdata/${name}`), {
        issuers,
        at: IN_2026,
      })
      assert.deepEqual(
        results.map(outcome),
        expected,
        results.map((result) => (result.valid ? 'ok' : result.error.message)).join('\n'),
      )
    })
  }

  // FHIR `$health-cards-issue` responses: Parameters whose verifiableCredential values are JWSs.
  for (const name of [
    'test-example-00-fhirhealthcard.json',
    'test-example-00-fhirhealthcard-multi-jws.json',
    'test-example-00-fhirhealthcard-with-resource-link.json',
  ]) {
    it(`verifies each card of the $health-cards-issue response ${name}`, () => {
      const { parameter } = json(`validator-testdata/${name}`) as {
        parameter: { name: string; valueString?: string }[]
      }
      const jwss = parameter
        .filter((part) => part.name === 'verifiableCredential')
        .map((part) => part.valueString ?? '')
      assert.ok(jwss.length > 0)
      for (const jws of jwss) {
        assert.equal(outcome(verifyShc(jws, { issuers, at: IN_2026 })), 'ok')
      }
    })
  }

  describe('badcrl/: cards of issuers with broken revocation lists', () => {
    const KID = 'hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA'
    const cases = [
      'duplicate-rid',
      'invalid-method',
      'non-base64url-rid',
      'too-long-rid',
      'version-mismatch',
    ]
    for (const name of cases) {
      const card = cardText(`validator-testdata/badcrl/${name}/jws-crl-${name}.txt`)

      it(`${name}: refused with ERR_SHC_ISSUER_UNKNOWN when only the example issuer is trusted`, () => {
        assert.deepEqual(outcome(verifyShc(card, { issuers, at: IN_2026 })), [
          'signature',
          'ERR_SHC_ISSUER_UNKNOWN',
        ])
      })

      it(`${name}: ${name === 'duplicate-rid' ? 'valid once its issuer is trusted' : 'its issuer cannot be trusted'}`, () => {
        const issuer: ShcIssuer = {
          iss: `https://raw.githubusercontent.com/smart-on-fhir/health-cards-dev-tools/main/testdata/badcrl/${name}`,
          jwks: json(`validator-testdata/badcrl/${name}/.well-known/jwks.json`),
          crls: [json(`validator-testdata/badcrl/${name}/.well-known/crl/${KID}.json`)],
        }
        if (name !== 'duplicate-rid') {
          assert.throws(() => new ShcTrustStore([issuer]), { code: 'ERR_SHC_TRUST_CRL' })
          return
        }
        const own = new ShcTrustStore([issuer])
        assert.equal(outcome(verifyShc(card, { issuers: own, at: IN_2026 })), 'ok')
      })
    }
  })
})

/** A fresh issuer at `https://issuer.example` with one P-256 key, and a trust store for it. */
function freshIssuer(crls?: unknown[], crlVersion?: number) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = { ...publicJwkOf(privateKey), ...(crlVersion === undefined ? {} : { crlVersion }) }
  const iss = 'https://issuer.example'
  const store = new ShcTrustStore([{ iss, jwks: { keys: [jwk] }, crls }])
  return { privateKey, kid: jwk.kid, iss, store }
}

const NBF = 1_700_000_000

/** The claims of a card of `iss`: the example bundle, issued at NBF. */
function claimsOf(iss: string, vc: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss,
    nbf: NBF,
    vc: {
      type: ['https://smarthealth.cards#health-card', 'https://smarthealth.cards#immunization'],
      credentialSubject: {
        fhirVersion: '4.0.1',
        fhirBundle: json('examples/covid-vaccines-bundle.json'),
      },
      ...vc,
    },
  }
}

/** A compact JWS with any header, payload bytes and signature key, for malformed cards. */
function rawJws(header: unknown, payload: Uint8Array, key: KeyObject): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url')
  const input = `${head}.${Buffer.from(payload).toString('base64url')}`
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

describe('verifyShc: the payloads of the validator, signed by a test issuer', () => {
  /*
   * The validator's unsigned JWS payloads (`*-b-jws-payload-expanded-*`), signed here with a key
   * of a test issuer trusted under the payloads' own iss, to check the schema and time stages.
   */
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const store = new ShcTrustStore([{ iss: EXAMPLE_ISS, jwks: { keys: [publicJwkOf(privateKey)] } }])
  const payloads: Record<string, Expected> = {
    // An exp given in milliseconds lies in the year 57000: not a reason to refuse the card.
    'test-example-00-b-jws-payload-expanded-exp_milliseconds.json': 'ok',
    'test-example-00-b-jws-payload-expanded-expired.json': ['expired', 'ERR_SHC_EXPIRED'],
    // FHIR profile details are not checked.
    'test-example-00-b-jws-payload-expanded-missing-coding.json': 'ok',
    'test-example-00-b-jws-payload-expanded-missing-covid-vc-type.json': 'ok',
    'test-example-00-b-jws-payload-expanded-missing-imm-vc-type.json': 'ok',
    'test-example-00-b-jws-payload-expanded-missing-shc-vc-type.json': [
      'schema',
      'ERR_SHC_VC_TYPE',
    ],
    // An nbf in milliseconds lies in the year 53000.
    'test-example-00-b-jws-payload-expanded-nbf_milliseconds.json': [
      'not_yet_valid',
      'ERR_SHC_NOT_YET_VALID',
    ],
    'test-example-00-b-jws-payload-expanded-nbf_not_yet_valid.json': [
      'not_yet_valid',
      'ERR_SHC_NOT_YET_VALID',
    ],
    'test-example-00-b-jws-payload-expanded-optional-vc-type.json': 'ok',
    'test-example-00-b-jws-payload-expanded-pre-expired.json': ['decode', 'ERR_SHC_CLAIM'],
    'test-example-00-b-jws-payload-expanded-trailing_chars.json': 'ok',
    'test-example-00-b-jws-payload-expanded-unknown-vc-types.json': 'ok',
    'test-example-covid-lab-jwspayload-missing-lab-vc-type.json': 'ok',
  }

  it('lists every payload file of the validator data', () => {
    const files = readdirSync(new URL('validator-testdata/', vectors)).filter((name) =>
      /-b-jws-payload|jwspayload/.test(name),
    )
    assert.deepEqual(files.sort(), Object.keys(payloads).sort())
  })

  for (const [name, expected] of Object.entries(payloads)) {
    it(`${name}: ${expected === 'ok' ? 'valid' : expected.join(' ')}`, () => {
      const jws = signShc(json(`validator-testdata/${name}`), privateKey)
      const result = verifyShc(jws, { issuers: store, at: IN_2026 })
      assert.deepEqual(outcome(result), expected, result.valid ? '' : result.error.message)
    })
  }
})

describe('verifyShc: each check', () => {
  const issuer = freshIssuer()
  const at = new Date((NBF + 60) * 1000)
  const verify = (text: string, store = issuer.store): ShcVerification =>
    verifyShc(text, { issuers: store, at })
  const card = signShc(claimsOf(issuer.iss), issuer.privateKey)

  it('accepts a well-formed card in each form', () => {
    assert.equal(outcome(verify(card)), 'ok')
    assert.equal(outcome(verify(encodeShcQr(card))), 'ok')
    assert.equal(outcome(verify(JSON.stringify({ verifiableCredential: [card] }))), 'ok')
  })

  it('refuses a text of no SMART Health Card form with ERR_SHC_PREFIX', () => {
    const failure = failureOf(verify('HC1:6BFOXN%TS3DH0YOJ58S'))
    assert.equal(failure.error.code, 'ERR_SHC_PREFIX')
    assert.equal(failure.card, undefined)
  })

  describe('prefix and form', () => {
    it('refuses a chunk of a split card, and says chunking is deprecated', () => {
      const failure = failureOf(verify('shc:/1/2/' + encodeShcQr(card).slice(5)))
      assert.equal(failure.error.code, 'ERR_SHC_CHUNKED')
      assert.match(failure.error.message, /deprecated/)
    })

    it('refuses a JWS longer than a numeric QR code holds with ERR_SHC_TOO_LONG', () => {
      const long = signShc(
        { ...claimsOf(issuer.iss), padding: randomText(SHC_MAX_JWS_LENGTH) },
        issuer.privateKey,
      )
      assert.ok(long.length > SHC_MAX_JWS_LENGTH)
      assert.deepEqual(outcome(verify(long)), ['prefix', 'ERR_SHC_TOO_LONG'])
      const file = JSON.stringify({ verifiableCredential: [long] })
      assert.deepEqual(outcome(verify(file)), ['prefix', 'ERR_SHC_TOO_LONG'])
    })

    it('refuses a file over 1 MiB with ERR_SHC_TOO_LONG', () => {
      const file =
        JSON.stringify({ verifiableCredential: [card] }) + ' '.repeat(SHC_MAX_FILE_LENGTH)
      assert.deepEqual(verifyShcCards(file, { issuers: issuer.store, at }).map(outcome), [
        ['prefix', 'ERR_SHC_TOO_LONG'],
      ])
    })

    for (const [what, file, message] of [
      ['not JSON', '{"verifiableCredential": [', /to be JSON/],
      ['without verifiableCredential', '{"cards": []}', /"verifiableCredential" array/],
      ['with no card', '{"verifiableCredential": []}', /at least one card/],
      ['with a card that is not a string', '{"verifiableCredential": [42]}', /entry 0 is a number/],
    ] as const) {
      it(`refuses a file ${what} with ERR_SHC_FILE`, () => {
        const [result] = verifyShcCards(file, { issuers: issuer.store, at })
        const failure = failureOf(result as ShcVerification)
        assert.equal(failure.error.code, 'ERR_SHC_FILE')
        assert.match(failure.error.message, message)
      })
    }

    it('gives one result per card of a file with verifyShcCards, and refuses it in verifyShc', () => {
      const file = JSON.stringify({ verifiableCredential: [card, 'eyJ.broken', card] })
      assert.deepEqual(verifyShcCards(file, { issuers: issuer.store, at }).map(outcome), [
        'ok',
        ['decode', 'ERR_SHC_JWS'],
        'ok',
      ])
      const failure = failureOf(verify(file))
      assert.equal(failure.error.code, 'ERR_SHC_FILE')
      assert.match(failure.error.message, /holds 3.*verifyShcCards/)
    })

    it('gives one result for a QR text or a JWS with verifyShcCards', () => {
      assert.deepEqual(verifyShcCards(card, { issuers: issuer.store, at }).map(outcome), ['ok'])
      assert.equal(
        verifyShcCards(encodeShcQr(card), { issuers: issuer.store, at })[0]?.card?.form,
        'qr',
      )
    })
  })

  describe('decode', () => {
    for (const [what, text] of [
      ['two parts', 'eyJhbGciOiJFUzI1NiJ9.eyJ9'],
      ['four parts', `${card}.AAAA`],
      ['an empty payload', card.replace(/\.[^.]+\./, '..')],
      ['a segment of impossible length', card.replace(/\.[^.]+$/, '.A')],
    ] as const) {
      it(`refuses a JWS of ${what} with ERR_SHC_JWS`, () => {
        assert.deepEqual(outcome(verify(text)), ['decode', 'ERR_SHC_JWS'])
      })
    }

    it('refuses a header that is not a JSON object with ERR_SHC_JWS', () => {
      const head = Buffer.from('["ES256"]').toString('base64url')
      assert.deepEqual(outcome(verify(card.replace(/^[^.]+/, head))), ['decode', 'ERR_SHC_JWS'])
    })

    it('refuses critical header extensions with ERR_SHC_JWS', () => {
      const jws = signShc(claimsOf(issuer.iss), issuer.privateKey, { crit: ['exp'], exp: 1 })
      assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_JWS'])
    })

    for (const alg of ['ES384', 'none', 'HS256', undefined]) {
      it(`refuses the algorithm ${String(alg)} with ERR_SHC_ALGORITHM`, () => {
        const jws = signShc(claimsOf(issuer.iss), issuer.privateKey, { alg })
        const failure = failureOf(verify(jws))
        assert.equal(failure.stage, 'decode')
        assert.equal(failure.error.code, 'ERR_SHC_ALGORITHM')
        assert.equal(failure.card?.kid, issuer.kid)
      })
    }

    for (const zip of ['GZIP', undefined]) {
      it(`refuses zip ${String(zip)} with ERR_SHC_ZIP`, () => {
        const jws = signShc(claimsOf(issuer.iss), issuer.privateKey, { zip })
        assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_ZIP'])
      })
    }

    for (const kid of [undefined, '', 42]) {
      it(`refuses the kid ${JSON.stringify(kid)} with ERR_SHC_KID_MISSING`, () => {
        const jws = signShc(claimsOf(issuer.iss), issuer.privateKey, { kid })
        assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_KID_MISSING'])
      })
    }

    it('refuses a payload that inflates past 64 KiB with ERR_SHC_PAYLOAD_TOO_LARGE', () => {
      // 1 MiB of spaces deflates to about a kilobyte: a small card, a large bomb.
      const bomb = deflateRawSync(Buffer.from(`{"iss":"${issuer.iss}"${' '.repeat(1024 * 1024)}}`))
      const header = { alg: 'ES256', zip: 'DEF', kid: issuer.kid }
      const jws = rawJws(header, bomb, issuer.privateKey)
      assert.ok(jws.length <= SHC_MAX_JWS_LENGTH)
      assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_PAYLOAD_TOO_LARGE'])
    })

    it('refuses a zlib-wrapped payload with ERR_SHC_INFLATE, and says raw DEFLATE is expected', () => {
      const wrapped = deflateSync(Buffer.from(JSON.stringify(claimsOf(issuer.iss))))
      const jws = rawJws({ alg: 'ES256', zip: 'DEF', kid: issuer.kid }, wrapped, issuer.privateKey)
      const failure = failureOf(verify(jws))
      assert.equal(failure.error.code, 'ERR_SHC_INFLATE')
      assert.match(failure.error.message, /zlib header/)
    })

    it('refuses bytes after the DEFLATE stream with ERR_SHC_INFLATE', () => {
      const stream = deflateRawSync(Buffer.from(JSON.stringify(claimsOf(issuer.iss))))
      const payload = Buffer.concat([stream, Buffer.from('extra')])
      const jws = rawJws({ alg: 'ES256', zip: 'DEF', kid: issuer.kid }, payload, issuer.privateKey)
      const failure = failureOf(verify(jws))
      assert.equal(failure.error.code, 'ERR_SHC_INFLATE')
      assert.match(failure.error.message, /5 bytes follow/)
    })

    for (const [what, text] of [
      ['a JSON array', '[1,2]'],
      ['not JSON', '{"iss":'],
      ['a byte order mark', '\uFEFF{}'],
    ] as const) {
      it(`refuses a payload that is ${what} with ERR_SHC_PAYLOAD`, () => {
        const payload = deflateRawSync(Buffer.from(text))
        const jws = rawJws(
          { alg: 'ES256', zip: 'DEF', kid: issuer.kid },
          payload,
          issuer.privateKey,
        )
        assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_PAYLOAD'])
      })
    }

    for (const [what, change] of [
      ['no iss', { iss: undefined }],
      ['no nbf', { nbf: undefined }],
      ['an nbf that is a string', { nbf: '2021-01-01' }],
      ['an exp that is a string', { exp: 'never' }],
      ['an exp before the nbf', { exp: NBF - 1 }],
    ] as const) {
      it(`refuses a card with ${what} with ERR_SHC_CLAIM`, () => {
        const jws = signShc({ ...claimsOf(issuer.iss), ...change }, issuer.privateKey)
        assert.deepEqual(outcome(verify(jws)), ['decode', 'ERR_SHC_CLAIM'])
      })
    }
  })

  describe('signature', () => {
    it('refuses an issuer that is not trusted, hinting at a trailing slash', () => {
      const jws = signShc(claimsOf(`${issuer.iss}/`), issuer.privateKey)
      const failure = failureOf(verify(jws))
      assert.equal(failure.error.code, 'ERR_SHC_ISSUER_UNKNOWN')
      assert.match(failure.error.message, /SHALL NOT end with "\/"/)
    })

    it('refuses a kid the issuer does not have, naming the kids it has', () => {
      const jws = signShc(claimsOf(issuer.iss), issuer.privateKey, { kid: 'not-a-known-kid' })
      const failure = failureOf(verify(jws))
      assert.equal(failure.error.code, 'ERR_SHC_KID_UNKNOWN')
      assert.ok(failure.error.message.includes(issuer.kid))
    })

    it('refuses a card signed by another key under the trusted kid', () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jws = signShc(claimsOf(issuer.iss), privateKey, { kid: issuer.kid })
      assert.deepEqual(outcome(verify(jws)), ['signature', 'ERR_SHC_SIGNATURE'])
    })

    it('refuses a card signed by a P-384 key under the trusted kid (wrong curve)', () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      const header = { alg: 'ES256', zip: 'DEF', kid: issuer.kid }
      const payload = deflateRawSync(Buffer.from(JSON.stringify(claimsOf(issuer.iss))))
      const failure = failureOf(verify(rawJws(header, payload, privateKey)))
      assert.equal(failure.error.code, 'ERR_SHC_SIGNATURE')
      assert.match(failure.error.message, /64-byte.*found 96 bytes/)
    })

    it('refuses a DER-encoded signature, and says so', () => {
      const [head, payload] = card.split('.') as [string, string]
      const der = sign('sha256', Buffer.from(`${head}.${payload}`), issuer.privateKey)
      const failure = failureOf(verify(`${head}.${payload}.${der.toString('base64url')}`))
      assert.equal(failure.error.code, 'ERR_SHC_SIGNATURE')
      assert.match(failure.error.message, /DER/)
    })

    it('checks the signature over the header as received, not as re-encoded', () => {
      const [head, payload, signature] = card.split('.') as [string, string, string]
      const spaced = JSON.stringify(JSON.parse(Buffer.from(head, 'base64url').toString()), null, 1)
      const rewritten = `${Buffer.from(spaced).toString('base64url')}.${payload}.${signature}`
      assert.deepEqual(outcome(verify(rewritten)), ['signature', 'ERR_SHC_SIGNATURE'])
    })

    it('refuses a card whose payload changed after signing', () => {
      const other = signShc({ ...claimsOf(issuer.iss), nbf: NBF - 1 }, issuer.privateKey)
      const [head, , signature] = card.split('.') as [string, string, string]
      const [, payload] = other.split('.') as [string, string]
      assert.deepEqual(outcome(verify(`${head}.${payload}.${signature}`)), [
        'signature',
        'ERR_SHC_SIGNATURE',
      ])
    })
  })

  describe('schema', () => {
    for (const [what, vc, code] of [
      ['no vc', { vc: undefined }, 'ERR_SHC_VC'],
      [
        'no credentialSubject',
        { vc: { type: ['https://smarthealth.cards#health-card'] } },
        'ERR_SHC_VC',
      ],
      [
        'a type without health-card',
        { vc: { type: ['https://smarthealth.cards#covid19'] } },
        'ERR_SHC_VC_TYPE',
      ],
      [
        'a type that is not an array',
        { vc: { type: 'https://smarthealth.cards#health-card' } },
        'ERR_SHC_VC_TYPE',
      ],
      ['a rid of 25 characters', { rid: 'A'.repeat(25) }, 'ERR_SHC_VC'],
      ['a rid outside base64url', { rid: 'a+b' }, 'ERR_SHC_VC'],
      [
        'a fhirVersion that is a number',
        { credentialSubject: { fhirVersion: 4, fhirBundle: {} } },
        'ERR_SHC_VC',
      ],
      ['no fhirBundle', { credentialSubject: { fhirVersion: '4.0.1' } }, 'ERR_SHC_FHIR_BUNDLE'],
      [
        'a bundle of type document',
        {
          credentialSubject: {
            fhirBundle: {
              resourceType: 'Bundle',
              type: 'document',
              entry: [{ resource: { resourceType: 'Patient' } }],
            },
          },
        },
        'ERR_SHC_FHIR_BUNDLE',
      ],
      [
        'a bundle with no entries',
        {
          credentialSubject: {
            fhirBundle: { resourceType: 'Bundle', type: 'collection', entry: [] },
          },
        },
        'ERR_SHC_FHIR_BUNDLE',
      ],
      [
        'an entry without a resource',
        {
          credentialSubject: {
            fhirBundle: {
              resourceType: 'Bundle',
              type: 'collection',
              entry: [{ fullUrl: 'resource:0' }],
            },
          },
        },
        'ERR_SHC_FHIR_BUNDLE',
      ],
    ] as const) {
      it(`refuses a card with ${what} with ${code}`, () => {
        const claims =
          'vc' in vc
            ? { ...claimsOf(issuer.iss), vc: vc.vc }
            : claimsOf(issuer.iss, vc as Record<string, unknown>)
        const result = verify(signShc(claims, issuer.privateKey))
        assert.deepEqual(outcome(result), ['schema', code])
      })
    }
  })

  describe('validity times', () => {
    const expiring = signShc({ ...claimsOf(issuer.iss), exp: NBF + 3600 }, issuer.privateKey)
    const at = (seconds: number): ShcVerification =>
      verifyShc(expiring, { issuers: issuer.store, at: new Date(seconds * 1000) })

    it('is valid from nbf to exp, both included', () => {
      assert.equal(outcome(at(NBF)), 'ok')
      assert.equal(outcome(at(NBF + 3600)), 'ok')
    })

    it('is not yet valid a second before nbf', () => {
      assert.deepEqual(outcome(at(NBF - 1)), ['not_yet_valid', 'ERR_SHC_NOT_YET_VALID'])
    })

    it('has expired a second after exp', () => {
      assert.deepEqual(outcome(at(NBF + 3601)), ['expired', 'ERR_SHC_EXPIRED'])
    })
  })

  describe('revocation', () => {
    const listed = (rids: string[]) => {
      const fresh = freshIssuer(undefined, undefined)
      const kid = fresh.kid
      const store = new ShcTrustStore([
        {
          iss: 'https://listing.example',
          jwks: { keys: [{ ...publicJwkOf(fresh.privateKey), crlVersion: 2 }] },
          crls: [{ kid, method: 'rid', ctr: 2, rids }],
        },
      ])
      return { ...fresh, iss: 'https://listing.example', store }
    }
    const cardWithRid = (key: KeyObject, rid: string | undefined) =>
      signShc(claimsOf('https://listing.example', rid === undefined ? {} : { rid }), key)

    it('revokes a card whose rid is listed', () => {
      const { privateKey, store } = listed(['abc'])
      assert.deepEqual(outcome(verify(cardWithRid(privateKey, 'abc'), store)), [
        'revoked',
        'ERR_SHC_REVOKED',
      ])
    })

    it('revokes a card issued at or before a listed rid.timestamp, not one issued after', () => {
      const { privateKey, store } = listed([`before.${NBF}`, `after.${NBF - 1}`])
      assert.deepEqual(outcome(verify(cardWithRid(privateKey, 'before'), store)), [
        'revoked',
        'ERR_SHC_REVOKED',
      ])
      assert.equal(outcome(verify(cardWithRid(privateKey, 'after'), store)), 'ok')
    })

    it('keeps a card whose rid is not listed, and one with no rid', () => {
      const { privateKey, store } = listed(['abc'])
      assert.equal(outcome(verify(cardWithRid(privateKey, 'abd'), store)), 'ok')
      assert.equal(outcome(verify(cardWithRid(privateKey, undefined), store)), 'ok')
    })

    it('asks the revocation option too, with what the card holds', () => {
      const seen: (string | undefined)[] = []
      const result = verifyShc(card, {
        issuers: issuer.store,
        at,
        revocation: {
          isRevoked: (decoded) => {
            seen.push(decoded.issuer)
            return true
          },
        },
      })
      assert.deepEqual(outcome(result), ['revoked', 'ERR_SHC_REVOKED'])
      assert.deepEqual(seen, [issuer.iss])
    })
  })
})

describe('verifyShc: damaged input', () => {
  /*
   * Whatever the input, verifyShc returns (never throws) a result naming a known stage and a code
   * of that stage, and only the untouched card is valid. Seeded: set SHC_FUZZ_SEED to replay.
   */
  const seed = Number(process.env['SHC_FUZZ_SEED'] ?? 0x5c_0de)
  const random = seededRandom(seed)
  const issuer = freshIssuer()
  const jws = signShc(claimsOf(issuer.iss), issuer.privateKey)
  const qr = encodeShcQr(jws)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.{}/: '

  it(`never throws and never accepts a changed card (seed ${seed})`, () => {
    for (let i = 0; i < 400; i++) {
      const original = random.pick([jws, qr, JSON.stringify({ verifiableCredential: [jws] })])
      const chars = [...original]
      const edits = 1 + random.int(3)
      for (let e = 0; e < edits; e++) {
        const at = random.int(chars.length)
        const kind = random.int(3)
        if (kind === 0) chars[at] = random.pick([...alphabet])
        else if (kind === 1) chars.splice(at, 1)
        else chars.splice(at, 0, random.pick([...alphabet]))
      }
      const text = chars.join('')
      const result = verifyShc(text, { issuers: issuer.store, at: new Date((NBF + 1) * 1000) })
      if (result.valid) {
        // A change outside the signed bytes (JSON whitespace of a file, say) may leave it valid.
        assert.ok(text.includes(jws) || text === encodeShcQr(jws), `accepted ${text}`)
      } else {
        assert.equal(result.stage, shcErrorStages[result.error.code])
      }
    }
  })
})

describe('shcErrorStages', () => {
  it('ties every code to a stage of the pipeline', () => {
    for (const [code, stage] of Object.entries(shcErrorStages)) {
      assert.ok((shcStages as readonly string[]).includes(stage), `${code} → ${stage}`)
    }
  })
})

function randomText(length: number): string {
  const random = seededRandom(length)
  let text = ''
  while (text.length < length) text += random.int(36).toString(36)
  return text
}
