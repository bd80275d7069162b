import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  Hc1Error,
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  hc1ErrorStages,
  hc1Stages,
  inflateZlib,
  stripHc1Prefix,
  verifyHc1,
  type Hc1ErrorCode,
  type Hc1FailureStage,
  type Hc1Verification,
} from '../src/codec/hc1/index.js'
import { kidOfCertificate } from '../src/codec/trust/index.js'
import { assertSameBytes } from './assert-bytes.js'
import {
  loadDgcVectors,
  loadUnreliableFlags,
  trustListFor,
  type DgcVector,
  type ExpectedFlag,
} from './dgc-test-vectors.js'

/*
 * The EU DCC test vectors, one test per vector, checked the way hcert-kotlin checks them: each step
 * whose EXPECTED* flag the vector sets, then the whole pipeline, whose verdict is computed as
 * /work/shared/tools/dcc-conformance scores it.
 */

const unreliable = loadUnreliableFlags()

/** The flags the pipeline verdict follows, in pipeline order, and the stage each one names. */
const flagStages: readonly [ExpectedFlag, Hc1FailureStage][] = [
  // EXPECTEDPICTUREDECODE is about the QR image; these tests start from the text.
  ['EXPECTEDUNPREFIX', 'prefix'],
  ['EXPECTEDB45DECODE', 'base45'],
  ['EXPECTEDCOMPRESSION', 'decompress'],
  ['EXPECTEDDECODE', 'decode'],
  ['EXPECTEDVERIFY', 'signature'],
  ['EXPECTEDSCHEMAVALIDATION', 'schema'],
  ['EXPECTEDEXPIRATIONCHECK', 'expired'],
  ['EXPECTEDKEYUSAGE', 'key_usage'],
]

/** Stages that answer for one flag: the expiration check covers both ends of the validity. */
const stageAliases: Partial<Record<Hc1FailureStage, readonly Hc1FailureStage[]>> = {
  expired: ['expired', 'not_yet_valid'],
}
const stagesFor = (stage: Hc1FailureStage): readonly Hc1FailureStage[] =>
  stageAliases[stage] ?? [stage]

/** The error codes the common vectors must fail with (BasicDgcTestsList.md). */
const expectedCodes: Readonly<Record<string, Hc1ErrorCode>> = {
  'common/H1': 'ERR_HC1_PREFIX',
  'common/H2': 'ERR_HC1_PREFIX',
  'common/H3': 'ERR_HC1_PREFIX',
  'common/B1': 'ERR_HC1_BASE45',
  // "Compression broken": its bytes start 0x3587, which is no zlib header at all.
  'common/Z1': 'ERR_HC1_NOT_COMPRESSED',
  'common/Z2': 'ERR_HC1_NOT_COMPRESSED',
  'common/CBO1': 'ERR_CWT_STRUCTURE',
  'common/CBO2': 'ERR_COSE_CBOR',
  'common/CO5': 'ERR_COSE_SIGNATURE',
  'common/CO6': 'ERR_KEY_USAGE',
  'common/CO7': 'ERR_KEY_USAGE',
  'common/CO8': 'ERR_KEY_USAGE',
  'common/CO9': 'ERR_KEY_USAGE',
  'common/CO10': 'ERR_KEY_USAGE',
  'common/CO11': 'ERR_KEY_USAGE',
  'common/CO16': 'ERR_CWT_NOT_YET_VALID',
  'common/CO17': 'ERR_CWT_EXPIRED',
  'common/CO22': 'ERR_KEY_NOT_IN_TRUST_LIST',
  'common/CO23': 'ERR_KEY_NOT_IN_TRUST_LIST',
  'common/DGC1': 'ERR_DCC_SCHEMA',
  'common/DGC2': 'ERR_DCC_ENTRIES',
}

/** The common vectors that must verify, with the algorithm they are signed with. */
const expectedValid: Readonly<Record<string, 'ES256' | 'PS256'>> = {
  'common/CO1': 'PS256',
  'common/CO2': 'PS256',
  'common/CO3': 'ES256',
  'common/CO28': 'ES256',
}

interface Expectation {
  readonly verdict: 'valid' | 'invalid'
  /** The stage of the first asserted flag that is false, or 'ok'. */
  readonly stage: Hc1FailureStage | 'ok'
  /** Stages whose flag the vector does not set, or sets but upstream says is unreliable. */
  readonly unasserted: ReadonlySet<Hc1FailureStage>
}

/** A flag's value where the vector asserts it; undefined where it is absent or unreliable. */
function assertedFlag(vector: DgcVector, flag: ExpectedFlag): boolean | undefined {
  const unreliableHere =
    unreliable.get(`${vector.country}/`)?.has(flag) === true ||
    unreliable.get(`${vector.country}/${vector.name}`)?.has(flag) === true
  return unreliableHere ? undefined : vector.expected[flag]
}

/** The verdict the conformance scorer expects of a vector. */
function expectationOf(vector: DgcVector): Expectation {
  const unasserted = new Set<Hc1FailureStage>()
  let firstFalse: Hc1FailureStage | undefined
  for (const [flag, stage] of flagStages) {
    const value = assertedFlag(vector, flag)
    if (value === undefined) for (const alias of stagesFor(stage)) unasserted.add(alias)
    else if (value === false && firstFalse === undefined) firstFalse = stage
  }
  return firstFalse
    ? { verdict: 'invalid', stage: firstFalse, unasserted }
    : { verdict: 'valid', stage: 'ok', unasserted }
}

type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }

function attempt<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() }
  } catch (error) {
    return { ok: false, error }
  }
}

const describeError = (error: unknown): string =>
  error instanceof Hc1Error ? `${error.code}: ${error.message}` : String(error)

/**
 * Checks one step against its flag. Returns whether the next steps can run.
 *
 * A step the vector does not assert may fail (the pipeline check judges that) but not where the
 * vector expects a later step to succeed.
 */
function checkStep<T>(
  vector: DgcVector,
  flag: ExpectedFlag,
  stage: Hc1FailureStage,
  outcome: Outcome<T>,
  laterFlags: readonly ExpectedFlag[],
): outcome is { ok: true; value: T } {
  const expected = assertedFlag(vector, flag)
  if (expected === true) {
    assert.ok(
      outcome.ok,
      `${flag} is true, but the step failed: ${outcome.ok ? '' : describeError(outcome.error)}`,
    )
  } else if (expected === false) {
    assert.ok(!outcome.ok, `${flag} is false, but the step succeeded`)
    assert.ok(
      outcome.error instanceof Hc1Error,
      `${flag}: threw ${String(outcome.error)}, not an Hc1Error`,
    )
    assert.equal(outcome.error.stage, stage, `${flag} is false: ${describeError(outcome.error)}`)
  } else if (!outcome.ok) {
    const expectsLater = laterFlags.filter((later) => assertedFlag(vector, later) === true)
    assert.deepEqual(
      expectsLater,
      [],
      `the ${stage} step failed (${describeError(outcome.error)}) before later steps the vector expects to succeed`,
    )
  }
  return outcome.ok
}

/** The steps up to decoding, one by one, as far as they go. */
function checkSteps(vector: DgcVector, text: string): void {
  const base45 = attempt(() => stripHc1Prefix(text))
  if (
    !checkStep(vector, 'EXPECTEDUNPREFIX', 'prefix', base45, [
      'EXPECTEDB45DECODE',
      'EXPECTEDCOMPRESSION',
      'EXPECTEDDECODE',
    ])
  ) {
    return
  }
  const compressed = attempt(() => decodeBase45(base45.value))
  if (
    !checkStep(vector, 'EXPECTEDB45DECODE', 'base45', compressed, [
      'EXPECTEDCOMPRESSION',
      'EXPECTEDDECODE',
    ])
  ) {
    return
  }
  const cose = attempt(() => inflateZlib(compressed.value))
  if (!checkStep(vector, 'EXPECTEDCOMPRESSION', 'decompress', cose, ['EXPECTEDDECODE'])) return
  if (vector.cose && assertedFlag(vector, 'EXPECTEDCOMPRESSION') === true) {
    assertSameBytes(cose.value, vector.cose, 'the inflated bytes are the COSE the vector gives')
  }
  const decoded = attempt(() => decodeHc1Claims(decodeCoseSign1(cose.value).payload))
  checkStep(vector, 'EXPECTEDDECODE', 'decode', decoded, [])
}

/** What every result must look like, whatever the verdict. */
function assertWellFormed(result: Hc1Verification): void {
  if (result.valid) {
    assert.equal(result.stage, 'ok')
    return
  }
  assert.ok(
    (hc1Stages as readonly string[]).includes(result.stage),
    `unknown stage ${result.stage}`,
  )
  assert.ok(Object.hasOwn(hc1ErrorStages, result.error.code), `unknown code ${result.error.code}`)
  assert.equal(
    hc1ErrorStages[result.error.code],
    result.stage,
    `${result.error.code} belongs to another stage`,
  )
  assert.ok(result.error.message.length > 0)
}

/** The DCC type a vector's JSON describes, when it has exactly one entry type. */
function typeOfJson(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object') return undefined
  const types = (['v', 't', 'r'] as const).filter((key) => key in json)
  const names = { v: 'vaccination', t: 'test', r: 'recovery' } as const
  return types.length === 1 && types[0] ? names[types[0]] : undefined
}

/**
 * Checks the pipeline's verdict against the scorer's expectation, with the scorer's tolerances, and
 * returns the note of the tolerance applied, if any.
 */
function checkVerdict(
  vector: DgcVector,
  expectation: Expectation,
  result: Hc1Verification,
): string | undefined {
  const common = vector.country === 'common'
  const got = result.valid
    ? 'valid'
    : `invalid at ${result.stage} (${result.error.code}: ${result.error.message})`
  const wanted = expectation.verdict === 'valid' ? 'valid' : `invalid at ${expectation.stage}`
  const mismatch = `expected ${wanted}, got ${got}`

  if (expectation.verdict === 'valid') {
    if (result.valid) return undefined
    // The vector does not vouch for this stage (absent or unreliable flag): the scorer is lenient.
    if (expectation.unasserted.has(result.stage))
      return `lenient: fails at ${result.stage}, which the vector does not assert`
    // Countries' schema expectations mix JSON schema, formats and value sets; outside common/ a
    // disagreement on the schema stage alone is counted apart by the scorer.
    if (!common && result.stage === 'schema') return 'schema-only disagreement outside common/'
    assert.fail(mismatch)
  }

  const expectedStage = expectation.stage as Hc1FailureStage
  if (!result.valid && stagesFor(expectedStage).includes(result.stage)) return undefined
  // CBO2 holds random bytes where the COSE_Sign1 should be and asserts only VERIFY=false: bytes that
  // are not a COSE_Sign1 fail decoding before any signature can be checked.
  if (vector.id === 'common/CBO2' && !result.valid && result.stage === 'decode') {
    return 'CBO2 fails at decode, before a signature can be checked'
  }
  if (!common && expectedStage === 'schema' && result.valid)
    return 'schema-only disagreement outside common/'
  // Where the vector's schema flag is unreliable (NL: dgc-testdata issue 107) the verifier may stop
  // at the schema stage before reaching the later stage the vector asserts: the verdict agrees, and
  // the disagreement is about the schema alone.
  if (
    !common &&
    !result.valid &&
    result.stage === 'schema' &&
    expectation.unasserted.has('schema')
  ) {
    return 'schema-only disagreement outside common/: stops at the schema before the asserted stage'
  }
  assert.fail(mismatch)
}

function titleOf(vector: DgcVector): string {
  const expectation = expectationOf(vector)
  const code = expectedCodes[vector.id]
  const verdict = expectation.verdict === 'valid' ? 'valid' : `invalid at ${expectation.stage}`
  return `${vector.id} is ${verdict}${code ? ` (${code})` : ''}`
}

const vectors = loadDgcVectors().filter((vector) => vector.text !== undefined)

describe('EU DCC test vectors (dgc-testdata)', () => {
  it('finds the vectors and the list of unreliable flags', () => {
    assert.ok(vectors.length > 300, `found only ${vectors.length} vectors`)
    assert.ok(vectors.filter((vector) => vector.country === 'common').length >= 38)
    assert.ok(unreliable.get('NL/')?.has('EXPECTEDSCHEMAVALIDATION'))
    assert.ok(unreliable.get('IS/3')?.has('EXPECTEDKEYUSAGE'))
    for (const id of [...Object.keys(expectedCodes), ...Object.keys(expectedValid)]) {
      assert.ok(
        vectors.some((vector) => vector.id === id),
        `missing ${id}`,
      )
    }
  })

  for (const vector of vectors) {
    it(titleOf(vector), (t) => {
      const text = vector.text ?? ''
      assert.ok(vector.clock, 'the vector has a VALIDATIONCLOCK')
      checkSteps(vector, text)

      const result = verifyHc1(text, { trust: trustListFor(vector), at: vector.clock })
      assertWellFormed(result)
      const tolerance = checkVerdict(vector, expectationOf(vector), result)
      if (tolerance) t.diagnostic(tolerance)

      const code = expectedCodes[vector.id]
      if (code) {
        assert.equal(result.valid, false)
        if (!result.valid) assert.equal(result.error.code, code, result.error.message)
      }
      const algorithm = expectedValid[vector.id]
      if (algorithm) {
        assert.ok(result.valid, result.valid ? '' : `${result.error.code}: ${result.error.message}`)
        assert.equal(result.certificate.algorithm, algorithm)
      }

      if (result.valid) {
        assert.ok(vector.certificate)
        assert.equal(
          result.certificate.kid,
          Buffer.from(kidOfCertificate(vector.certificate)).toString('base64'),
        )
        assert.ok(result.certificate.signer)
        assert.ok(result.certificate.schemaVersion)
        const type = typeOfJson(vector.json)
        if (type) assert.equal(result.certificate.type, type)
      }
    })
  }
})
