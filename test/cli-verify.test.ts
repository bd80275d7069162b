import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')
const vectorDir = join(root, 'test', 'vectors', 'dgc-testdata')

interface Vector {
  PREFIX: string
  '2DCODE'?: string
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string }
}

function vector(path: string): Vector {
  return JSON.parse(readFileSync(join(vectorDir, path), 'utf8').replace(/^\uFEFF/, '')) as Vector
}

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (npm test builds it first) with `input` on stdin. */
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

function pemFile(base64Der: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-cli-'))
  const file = join(dir, 'signer.pem')
  const body = base64Der.match(/.{1,64}/g)?.join('\n') ?? ''
  writeFileSync(file, `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`)
  return file
}

const valid = vector('common/2DCode/raw/CO3.json')
const badSignature = vector('common/2DCode/raw/CO5.json')
const withImage = vector('common/2DCode/raw/CO28.json')

describe('healthcode verify', () => {
  it('exits 0 and says VALID for a code signed by a trusted signer', async () => {
    const trust = pemFile(valid.TESTCTX.CERTIFICATE)
    const result = await run([
      'verify',
      '--trust',
      trust,
      '--at',
      valid.TESTCTX.VALIDATIONCLOCK,
      valid.PREFIX,
    ])
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /^VALID/)
    assert.match(result.stdout, /Name:/)
  })

  it('prints JSON with the stage and the decoded certificate under --json', async () => {
    const trust = pemFile(valid.TESTCTX.CERTIFICATE)
    const result = await run(
      ['verify', '--json', '--trust', trust, '--at', valid.TESTCTX.VALIDATIONCLOCK, '-'],
      valid.PREFIX + '\n',
    )
    assert.equal(result.status, 0, result.stderr)
    const answer = JSON.parse(result.stdout) as {
      valid: boolean
      stage: string
      certificate: { dcc: { ver: string } }
    }
    assert.equal(answer.valid, true)
    assert.equal(answer.stage, 'ok')
    assert.equal(typeof answer.certificate.dcc.ver, 'string')
  })

  it('exits 1 and names the stage and code for a forged signature', async () => {
    const trust = pemFile(badSignature.TESTCTX.CERTIFICATE)
    const result = await run([
      'verify',
      '--trust',
      trust,
      '--at',
      badSignature.TESTCTX.VALIDATIONCLOCK,
      badSignature.PREFIX,
    ])
    assert.equal(result.status, 1)
    assert.match(result.stdout, /INVALID {2}stopped at stage "signature" \(ERR_COSE_SIGNATURE\)/)
  })

  it('exits 1 with ERR_KEY_NOT_IN_TRUST_LIST when nothing is trusted', async () => {
    const result = await run([
      'verify',
      '--json',
      '--at',
      valid.TESTCTX.VALIDATIONCLOCK,
      valid.PREFIX,
    ])
    assert.equal(result.status, 1)
    assert.equal(
      (JSON.parse(result.stdout) as { error: { code: string } }).error.code,
      'ERR_KEY_NOT_IN_TRUST_LIST',
    )
  })

  it('reads the code from a PNG photo with --image', async () => {
    const image = withImage['2DCODE']
    assert.ok(image)
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-cli-'))
    const file = join(dir, 'code.png')
    writeFileSync(file, Buffer.from(image, 'base64'))
    const trust = pemFile(withImage.TESTCTX.CERTIFICATE)
    const result = await run([
      'verify',
      '--trust',
      trust,
      '--at',
      withImage.TESTCTX.VALIDATIONCLOCK,
      '--image',
      file,
    ])
    assert.equal(result.status, 0, result.stdout + result.stderr)
  })

  it('exits 1 at stage image for a file that is not a picture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-cli-'))
    const file = join(dir, 'notes.txt')
    writeFileSync(file, 'not an image')
    const result = await run(['verify', '--json', '--image', file])
    assert.equal(result.status, 1)
    assert.equal((JSON.parse(result.stdout) as { stage: string }).stage, 'image')
  })

  for (const [name, args] of [
    ['an unknown option', ['verify', '--frobnicate', 'x']],
    ['an --at that is not a time', ['verify', '--at', 'yesterday', 'HC1:X']],
    ['a trust file that does not exist', ['verify', '--trust', '/nonexistent/signer.pem', 'HC1:X']],
    ['a trust file that is not a certificate', ['verify', '--trust', '/etc/hostname', 'HC1:X']],
    ['two codes at once', ['verify', 'HC1:A', 'HC1:B']],
    ['an unknown command', ['frobnicate']],
    ['--jsonl with a code as well', ['verify', '--jsonl', 'HC1:X']],
    ['--workers 0', ['verify', '--jsonl', '--workers', '0']],
  ] as const) {
    it(`exits 2 with a message for ${name}`, async () => {
      const result = await run([...args])
      assert.equal(result.status, 2, result.stdout)
      assert.ok(result.stderr.length > 0)
    })
  }
})

describe('healthcode verify --jsonl', () => {
  const files = readdirSync(join(vectorDir, 'common', '2DCode', 'raw')).sort()
  const requests = files.map((file) => {
    const v = vector(join('common', '2DCode', 'raw', file))
    return { id: file, qr: v.PREFIX, trust: [v.TESTCTX.CERTIFICATE], at: v.TESTCTX.VALIDATIONCLOCK }
  })

  async function answers(lines: string[], workers: string): Promise<Record<string, unknown>[]> {
    const result = await run(['verify', '--jsonl', '--workers', workers], lines.join('\n') + '\n')
    assert.equal(result.status, 0, result.stderr)
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  it('answers every line in input order, the same on one thread and on several', async () => {
    // Enough lines for several batches per worker.
    const lines: string[] = []
    for (let i = 0; i < 1200; i++) {
      const request = requests[i % requests.length] as (typeof requests)[number]
      lines.push(JSON.stringify({ ...request, id: `${i}:${request.id}` }))
    }
    const single = await answers(lines, '1')
    const parallel = await answers(lines, '2')
    assert.equal(single.length, 1200)
    assert.deepEqual(
      single.map((answer) => answer['id']),
      lines.map((line) => (JSON.parse(line) as { id: string }).id),
    )
    assert.deepEqual(parallel, single)
    const co3 = single.find((answer) => String(answer['id']).endsWith(':CO3.json'))
    assert.equal(co3?.['valid'], true)
    assert.equal(co3?.['kind'], 'dcc')
  })

  it('answers with id, valid, stage and error code only under --compact, on one thread and on several', async () => {
    const good = JSON.stringify(requests.find((request) => request.id === 'CO3.json'))
    const bad = JSON.stringify(requests.find((request) => request.id === 'CO5.json'))
    const lines = ['this is not json', good, bad]
    for (const workers of ['1', '2']) {
      const result = await run(
        ['verify', '--jsonl', '--compact', '--workers', workers],
        lines.join('\n') + '\n',
      )
      assert.equal(result.status, 0, result.stderr)
      assert.deepEqual(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
        [
          { id: null, valid: false, stage: 'input', error: { code: 'ERR_INPUT_JSON' } },
          { id: 'CO3.json', valid: true, stage: 'ok' },
          {
            id: 'CO5.json',
            valid: false,
            stage: 'signature',
            error: { code: 'ERR_COSE_SIGNATURE' },
          },
        ],
      )
    }
  })

  it('reads a line that opens with a byte order mark, on one thread and on several', async () => {
    const good = JSON.stringify(requests.find((request) => request.id === 'CO3.json'))
    const bom = '\ufeff'
    // A file saved with a mark, and a second one joined to it.
    const input = `${bom}${good}\n${good}\n${bom}${good}\n`
    for (const workers of ['1', '2']) {
      const result = await run(['verify', '--jsonl', '--compact', '--workers', workers], input)
      assert.equal(result.status, 0, result.stderr)
      assert.deepEqual(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { valid: boolean }).valid),
        [true, true, true],
      )
    }
  })

  it('refuses --compact without --jsonl as a usage error', async () => {
    const result = await run(['verify', '--compact', valid.PREFIX])
    assert.equal(result.status, 2)
    assert.match(result.stderr, /--compact/)
  })

  it('gives a bad line an error line and goes on with the next', async () => {
    const good = JSON.stringify(requests.find((request) => request.id === 'CO3.json'))
    const lines = [
      'this is not json',
      JSON.stringify({ id: 'no-code' }),
      JSON.stringify({ id: 'bad-at', qr: 'HC1:X', at: 'tomorrow' }),
      JSON.stringify({
        id: 'bad-trust',
        qr: JSON.parse(good).qr,
        trust: ['bm90IGEgY2VydGlmaWNhdGU='],
        at: JSON.parse(good).at,
      }),
      JSON.stringify({ id: 'bad-image', image: Buffer.from('GIF89a').toString('base64') }),
      good,
    ]
    const result = await answers(lines, '2')
    assert.deepEqual(
      result.map((answer) => [
        answer['id'],
        answer['stage'],
        (answer['error'] as { code?: string } | undefined)?.code,
      ]),
      [
        [null, 'input', 'ERR_INPUT_JSON'],
        ['no-code', 'input', 'ERR_INPUT_FIELD'],
        ['bad-at', 'input', 'ERR_INPUT_FIELD'],
        ['bad-trust', 'signature', 'ERR_TRUST_CERTIFICATE'],
        ['bad-image', 'image', 'ERR_IMAGE_FORMAT'],
        ['CO3.json', 'ok', undefined],
      ],
    )
  })

  it('answers a line before the input ends (it streams)', async () => {
    const child = spawn(process.execPath, [cli, 'verify', '--jsonl', '--workers', '1'], {
      cwd: root,
    })
    const first = new Promise<string>((resolve) => {
      let text = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
        if (text.includes('\n')) resolve(text)
      })
    })
    child.stdin.write(JSON.stringify({ id: 'first', qr: 'HC1:' }) + '\n')
    const answer = JSON.parse((await first).split('\n')[0] as string) as {
      id: string
      valid: boolean
    }
    assert.equal(answer.id, 'first')
    assert.equal(answer.valid, false)
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    child.stdin.end()
    assert.equal(await closed, 0)
  })

  it('stops quietly, with the status of a broken pipe, when its reader goes away', async () => {
    const good = JSON.stringify(requests.find((request) => request.id === 'CO3.json'))
    const child = spawn(process.execPath, [cli, 'verify', '--jsonl', '--workers', '2'], {
      cwd: root,
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    // The first answer arrives, and the reader closes its end (as `| head -1` does).
    const answered = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    child.stdin.write(good + '\n')
    await answered
    child.stdout.destroy()
    // More lines to answer after that.
    child.stdin.on('error', () => undefined)
    for (let i = 0; i < 2000 && child.exitCode === null; i++) {
      if (!child.stdin.write(good + '\n')) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    child.stdin.end()
    assert.equal(await closed, 141)
    assert.equal(stderr, '')
  })

  it('skips a line longer than 32 MiB with ERR_INPUT_LINE_TOO_LONG', async () => {
    const huge = JSON.stringify({ id: 'huge', qr: 'HC1:' + 'A'.repeat(33 * 1024 * 1024) })
    const good = JSON.stringify(requests.find((request) => request.id === 'CO3.json'))
    const result = await answers([huge, good], '1')
    assert.equal(result.length, 2)
    assert.equal((result[0]?.['error'] as { code: string }).code, 'ERR_INPUT_LINE_TOO_LONG')
    assert.equal(result[1]?.['valid'], true)
  })
})
