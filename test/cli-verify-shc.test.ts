import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')
const vectors = join(root, 'test', 'vectors', 'shc-testdata')
const examples = join(vectors, 'examples')

const EXAMPLE_ISS = 'https://spec.smarthealth.cards/examples/issuer'
const EXAMPLE_KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s'
/** The examples are valid on any day of 2026. */
const AT = '2026-06-01T00:00:00Z'

const readText = (path: string): string => readFileSync(path, 'utf8').trim()
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'))

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (`npm run build` first) with `input` on stdin. */
function run(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(input)
  })
}

const dir = mkdtempSync(join(tmpdir(), 'healthcode-cli-shc-'))

/** Writes a `--shc-issuer` file and gives its path. */
function issuerFile(name: string, content: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(content))
  return file
}

const jwks = readJson(join(examples, 'issuer', '.well-known', 'jwks.json'))
const crl = readJson(join(examples, 'issuer', '.well-known', 'crl', `${EXAMPLE_KID}.json`))
const exampleIssuer = issuerFile('example-issuer.json', { iss: EXAMPLE_ISS, jwks, crls: [crl] })
const trustExample = ['--shc-issuer', exampleIssuer, '--at', AT]

describe('healthcode verify: SMART Health Cards', () => {
  it('exits 0 and prints VALID with the holder and doses for a shc:/ QR text', async () => {
    const qr = readText(join(examples, 'valid-covid-vaccines.qr.txt'))
    const result = await run(['verify', ...trustExample, qr])
    assert.equal(result.status, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^VALID {2}SMART Health Card \(immunization, covid19\)/)
    assert.match(result.stdout, /Name: +John B\. Anyperson/)
    assert.match(result.stdout, /Born: +1951-01-20/)
    assert.match(result.stdout, /Issuer: +https:\/\/spec\.smarthealth\.cards\/examples\/issuer/)
    assert.match(result.stdout, /2021-01-01, http:\/\/hl7\.org\/fhir\/sid\/cvx 207, lot 0000001/)
  })

  it('verifies a compact JWS given on stdin', async () => {
    const jws = readText(join(examples, 'valid-with-exp.jws.txt'))
    const result = await run(['verify', ...trustExample, '-'], jws + '\n')
    assert.equal(result.status, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /Expires: +2031-12-30T00:00:00.000Z/)
  })

  it('prints one card as JSON with kind "shc" under --json', async () => {
    const qr = readText(join(examples, 'valid-covid-vaccines-key2.qr.txt'))
    const result = await run(['verify', '--json', ...trustExample, qr])
    assert.equal(result.status, 0, result.stderr)
    const answer = JSON.parse(result.stdout) as {
      valid: boolean
      stage: string
      kind: string
      card: { form: string; kid: string; summary: { patients: { names: string[] }[] } }
    }
    assert.equal(answer.valid, true)
    assert.equal(answer.stage, 'ok')
    assert.equal(answer.kind, 'shc')
    assert.equal(answer.card.form, 'qr')
    assert.equal(answer.card.kid, 'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw')
    assert.deepEqual(answer.card.summary.patients[0]?.names, ['John B. Anyperson'])
  })

  for (const [name, stage, code] of [
    ['invalid-expired', 'expired', 'ERR_SHC_EXPIRED'],
    ['invalid-not-yet-valid', 'not_yet_valid', 'ERR_SHC_NOT_YET_VALID'],
    ['invalid-signature', 'signature', 'ERR_SHC_SIGNATURE'],
    ['invalid-unknown-kid', 'signature', 'ERR_SHC_KID_UNKNOWN'],
    ['invalid-revoked', 'revoked', 'ERR_SHC_REVOKED'],
  ] as const) {
    it(`exits 1 and names stage ${stage} (${code}) for --file ${name}.smart-health-card`, async () => {
      const file = join(examples, `${name}.smart-health-card`)
      const result = await run(['verify', ...trustExample, '--file', file])
      assert.equal(result.status, 1, result.stdout + result.stderr)
      assert.ok(
        result.stdout.startsWith(`INVALID  stopped at stage "${stage}" (${code})`),
        result.stdout,
      )
    })
  }

  it('answers a file under --json with every card, valid only if all are', async () => {
    const file = join(
      vectors,
      'validator-testdata',
      'test-example-00-e-file-multi-jws-issues.smart-health-card',
    )
    const result = await run(['verify', '--json', ...trustExample, '--file', file])
    assert.equal(result.status, 1, result.stderr)
    const answer = JSON.parse(result.stdout) as {
      valid: boolean
      kind: string
      cards: { valid: boolean; stage: string; error?: { code: string } }[]
    }
    assert.equal(answer.valid, false)
    assert.equal(answer.kind, 'shc')
    assert.deepEqual(
      answer.cards.map((card) => [card.stage, card.error?.code]),
      [
        ['decode', 'ERR_SHC_ALGORITHM'],
        ['ok', undefined],
      ],
    )
  })

  it('exits 0 for a file whose cards are all valid, printing each', async () => {
    const file = join(
      vectors,
      'validator-testdata',
      'test-example-00-e-file-multi-jws.smart-health-card',
    )
    const result = await run(['verify', ...trustExample, '--file', file])
    assert.equal(result.status, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^Card 1 of 2\nVALID/)
    assert.match(result.stdout, /\nCard 2 of 2\nVALID/)
  })

  it('refuses a chunk of a split card at stage prefix, saying chunking is deprecated', async () => {
    const chunk = readText(
      join(
        vectors,
        'validator-testdata',
        'test-example-02-f-qr-code-numeric-value-0-qr_chunk_too_big.txt',
      ),
    )
    const result = await run(['verify', ...trustExample, chunk])
    assert.equal(result.status, 1)
    assert.match(result.stdout, /stage "prefix" \(ERR_SHC_CHUNKED\)/)
    assert.match(result.stdout, /deprecated/)
  })

  it('exits 1 with ERR_SHC_ISSUER_UNKNOWN when no issuer is trusted', async () => {
    const qr = readText(join(examples, 'valid-covid-vaccines.qr.txt'))
    const result = await run(['verify', '--json', '--at', AT, qr])
    assert.equal(result.status, 1)
    const answer = JSON.parse(result.stdout) as { stage: string; error: { code: string } }
    assert.deepEqual([answer.stage, answer.error.code], ['signature', 'ERR_SHC_ISSUER_UNKNOWN'])
  })

  it('still verifies HC1 codes the same way beside an --shc-issuer', async () => {
    const result = await run(['verify', '--json', ...trustExample, 'HC1:NCFOXN'])
    assert.equal(result.status, 1)
    const answer = JSON.parse(result.stdout) as { kind: string; error: { code: string } }
    assert.equal(answer.kind, 'dcc')
    assert.match(answer.error.code, /^ERR_HC1_|^ERR_COSE_/)
  })

  for (const [name, content, message] of [
    [
      'a key whose kid is not its thumbprint',
      {
        iss: 'https://issuer.example',
        jwks: readJson(join(vectors, 'validator-testdata', 'wrong_kid_key.json')),
      },
      /ERR_SHC_TRUST_KID/,
    ],
    [
      'a P-384 key',
      {
        iss: 'https://issuer.example',
        jwks: readJson(join(vectors, 'validator-testdata', 'wrong_curve_key.json')),
      },
      /ERR_SHC_TRUST_KEY/,
    ],
    [
      'a key with crlVersion but no list',
      { iss: EXAMPLE_ISS, jwks },
      /crl\/3Kfdg.*ERR_SHC_TRUST_CRL/,
    ],
    ['an http issuer', { iss: 'http://issuer.example', jwks }, /ERR_SHC_TRUST_ISSUER/],
    ['a bare key set', jwks, /bare key set/],
  ] as const) {
    it(`exits 2 naming the file for an --shc-issuer with ${name}`, async () => {
      const file = issuerFile(`bad-${name.replace(/\W+/g, '-')}.json`, content)
      const result = await run(['verify', '--shc-issuer', file, 'shc:/56'])
      assert.equal(result.status, 2, result.stdout)
      assert.ok(result.stderr.includes(file), result.stderr)
      assert.match(result.stderr, message)
    })
  }

  for (const [name, args] of [
    [
      'an --shc-issuer file that does not exist',
      ['verify', '--shc-issuer', '/nonexistent/issuer.json', 'shc:/56'],
    ],
    [
      'an --shc-issuer file that is not JSON',
      ['verify', '--shc-issuer', '/etc/hostname', 'shc:/56'],
    ],
    ['a --file that does not exist', ['verify', '--file', '/nonexistent/card.smart-health-card']],
    [
      '--file with a code as well',
      ['verify', '--file', join(examples, 'valid-covid-vaccines.smart-health-card'), 'shc:/56'],
    ],
    [
      '--jsonl with --file',
      ['verify', '--jsonl', '--file', join(examples, 'valid-covid-vaccines.smart-health-card')],
    ],
  ] as const) {
    it(`exits 2 with a message for ${name}`, async () => {
      const result = await run([...args])
      assert.equal(result.status, 2, result.stdout)
      assert.ok(result.stderr.length > 0)
    })
  }

  it('documents --shc-issuer and its file format in the usage', async () => {
    const result = await run(['verify', '--help'])
    assert.equal(result.status, 0)
    assert.match(result.stdout, /--shc-issuer FILE/)
    assert.match(result.stdout, /"iss".*"jwks".*"crls"/)
    assert.match(result.stdout, /--file FILE/)
  })
})

describe('healthcode verify --jsonl: SMART Health Cards', () => {
  const dcc = JSON.parse(
    readFileSync(
      join(root, 'test', 'vectors', 'dgc-testdata', 'common', '2DCode', 'raw', 'CO3.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  ) as { PREFIX: string; TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string } }
  const examplesOf = [
    ['valid-covid-vaccines.qr.txt', 'ok'],
    ['valid-not-revoked-rid.jws.txt', 'ok'],
    ['invalid-revoked.qr.txt', 'revoked'],
    ['invalid-expired.jws.txt', 'expired'],
    ['invalid-signature.qr.txt', 'signature'],
  ] as const
  const lines = [
    JSON.stringify({
      id: 'dcc',
      qr: dcc.PREFIX,
      trust: [dcc.TESTCTX.CERTIFICATE],
      at: dcc.TESTCTX.VALIDATIONCLOCK,
    }),
    ...examplesOf.map(([name]) =>
      JSON.stringify({ id: name, qr: readText(join(examples, name)), at: AT }),
    ),
    JSON.stringify({ id: 'chunk', qr: 'shc:/1/2/5676', at: AT }),
  ]

  async function answers(workers: string, input: string[]): Promise<Record<string, unknown>[]> {
    const result = await run(
      ['verify', '--jsonl', '--workers', workers, '--shc-issuer', exampleIssuer],
      input.join('\n') + '\n',
    )
    assert.equal(result.status, 0, result.stderr)
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  it('answers SHC lines with kind "shc" and HC1 lines with kind "dcc", in input order', async () => {
    const result = await answers('1', lines)
    assert.deepEqual(
      result.map((answer) => [answer['id'], answer['kind'], answer['stage']]),
      [
        ['dcc', 'dcc', 'ok'],
        ...examplesOf.map(([name, stage]) => [name, 'shc', stage]),
        ['chunk', 'shc', 'prefix'],
      ],
    )
    const card = result[1]?.['card'] as { issuer: string } | undefined
    assert.equal(card?.issuer, EXAMPLE_ISS)
  })

  it('gives the workers the SHC issuers too: the same answers on several threads', async () => {
    // Enough lines for several batches per worker.
    const many: string[] = []
    for (let i = 0; i < 700; i++) {
      const line = JSON.parse(lines[i % lines.length] as string) as { id: string }
      many.push(JSON.stringify({ ...line, id: `${i}:${line.id}` }))
    }
    const single = await answers('1', many)
    const parallel = await answers('3', many)
    assert.equal(parallel.length, 700)
    assert.deepEqual(parallel, single)
    const valid = parallel.filter((answer) => answer['kind'] === 'shc' && answer['valid'] === true)
    assert.equal(valid.length, (700 / lines.length) * 2)
  })
})
