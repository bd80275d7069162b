import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  decodeBase45,
  decodeCoseSign1,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../src/codec/hc1/index.js'
import { revocationHashes, signRevocationList } from '../src/codec/revocation/index.js'
import {
  type IssuedCertificate,
  createCsca,
  createDocumentSigner,
} from '../src/codec/trust/index.js'
import { signTrustList } from '../src/codec/trust-list/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')

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

const validity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2028-01-01T00:00:00Z'),
}
const at = '2026-12-01T00:00:00Z'
const published = new Date('2026-11-20T00:00:00Z')

function signCode(signer: IssuedCertificate, uvci: string): string {
  return signHc1(
    {
      dcc: {
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
            ci: uvci,
          },
        ],
      },
      issuer: 'RU',
      issuedAt: new Date('2026-11-23T09:00:00Z'),
      expiresAt: new Date('2027-04-18T00:00:00Z'),
    },
    { privateKey: signer.privateKey, kid: signer.kid },
  )
}

/** The one line a bad list gives on stderr, checked to name the file and the code. */
function assertOneLineNaming(result: Run, file: string, code: string): void {
  assert.equal(result.status, 2, result.stdout + result.stderr)
  assert.equal(result.stdout, '')
  const lines = result.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, result.stderr)
  assert.ok(lines[0]?.includes(file), result.stderr)
  assert.ok(lines[0]?.includes(code), result.stderr)
}

describe('healthcode verify with trust and revocation lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-trust-list-'))
  const file = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  const files: Record<string, string> = {}
  const codes: Record<'valid' | 'revoked' | 'unknownSigner', string> = {
    valid: '',
    revoked: '',
    unknownSigner: '',
  }

  before(async () => {
    const publisher = await createCsca({ country: 'RU', commonName: 'List publisher', ...validity })
    const impostor = await createCsca({ country: 'RU', commonName: 'Impostor', ...validity })
    const csca = await createCsca({ country: 'RU', commonName: 'CSCA', ...validity })
    const dsc = await createDocumentSigner(
      csca,
      { country: 'RU', commonName: 'DSC', ...validity },
      ['recovery'],
    )
    const outsider = await createDocumentSigner(
      await createCsca({ country: 'RU', commonName: 'Unlisted CSCA', ...validity }),
      { country: 'RU', commonName: 'DSC outside the list', ...validity },
      'all',
    )
    codes.valid = signCode(dsc, 'URN:UVCI:01:RU:VALID#1')
    codes.revoked = signCode(dsc, 'URN:UVCI:01:RU:REVOKED#2')
    codes.unknownSigner = signCode(outsider, 'URN:UVCI:01:RU:OUTSIDER#3')

    const list = signTrustList(
      [
        { der: csca.der, country: 'RU', certificateType: 'CSCA', timestamp: published },
        { der: dsc.der, country: 'RU', certificateType: 'DSC', timestamp: published },
      ],
      publisher.privateKey,
    )
    files['list'] = file('trust-list.json', JSON.stringify(list, null, 2))
    files['tampered'] = file(
      'tampered-trust-list.json',
      JSON.stringify(list.map((entry, i) => (i === 1 ? { ...entry, country: 'DE' } : entry))),
    )
    files['notJson'] = file('not-json.json', '[{"kid": ')
    files['publisher'] = file('publisher.pem', publisher.pem)
    files['impostor'] = file('impostor.pem', impostor.pem)
    files['outsider'] = file('outsider.der', outsider.der)

    const signature = decodeCoseSign1(
      inflateZlib(decodeBase45(stripHc1Prefix(codes.revoked))),
    ).signature
    const hashes = revocationHashes({
      uvci: 'URN:UVCI:01:RU:REVOKED#2',
      country: 'RU',
      signature,
      algorithm: 'ES256',
    })
    const revocations = signRevocationList(
      { issuer: 'RU', timestamp: published, entries: [{ hashType: 'UCI', hash: hashes.UCI }] },
      publisher.privateKey,
    )
    files['revocations'] = file('revocations.json', JSON.stringify(revocations))
    files['unsignedRevocations'] = file(
      'unsigned-revocations.json',
      JSON.stringify([{ hashType: 'SIGNATURE', hash: hashes.SIGNATURE }]),
    )
    files['badRevocations'] = file(
      'bad-revocations.json',
      JSON.stringify({ entries: [{ hashType: 'UVCI', hash: hashes.UCI }] }),
    )
  })

  const listed = (): string[] => [
    '--trust-list',
    files['list'] as string,
    '--trust-list-signer',
    files['publisher'] as string,
  ]

  it('exits 0 and says VALID for a code by a DSC of a signed --trust-list', async () => {
    const result = await run(['verify', ...listed(), '--at', at, codes.valid])
    assert.equal(result.status, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^VALID/)
    assert.match(result.stdout, /Signer: +CN=DSC/)
  })

  it('reads a list without --trust-list-signer as the bare Gateway form', async () => {
    const result = await run([
      'verify',
      '--trust-list',
      files['list'] as string,
      '--at',
      at,
      codes.valid,
    ])
    assert.equal(result.status, 0, result.stdout + result.stderr)
  })

  it('leaves a code of a signer outside the list INVALID (exit 1, ERR_KEY_NOT_IN_TRUST_LIST)', async () => {
    const result = await run(['verify', ...listed(), '--json', '--at', at, codes.unknownSigner])
    assert.equal(result.status, 1, result.stderr)
    const answer = JSON.parse(result.stdout) as { stage: string; error: { code: string } }
    assert.equal(answer.stage, 'signature')
    assert.equal(answer.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
  })

  it('combines --trust-list with --trust', async () => {
    const args = ['verify', ...listed(), '--trust', files['outsider'] as string, '--at', at]
    assert.equal((await run([...args, codes.unknownSigner])).status, 0)
    assert.equal((await run([...args, codes.valid])).status, 0)
  })

  it('exits 2 with one line naming the file and ERR_TRUST_LIST_SIGNATURE for a tampered list', async () => {
    const tampered = files['tampered'] as string
    const result = await run([
      'verify',
      '--trust-list',
      tampered,
      '--trust-list-signer',
      files['publisher'] as string,
      '--at',
      at,
      codes.valid,
    ])
    assertOneLineNaming(result, tampered, 'ERR_TRUST_LIST_SIGNATURE')
    assert.match(result.stderr, /entry 1/)
  })

  it('exits 2 for a list signed by someone other than --trust-list-signer', async () => {
    const result = await run([
      'verify',
      '--trust-list',
      files['list'] as string,
      '--trust-list-signer',
      files['impostor'] as string,
      codes.valid,
    ])
    assertOneLineNaming(result, files['list'] as string, 'ERR_TRUST_LIST_SIGNATURE')
  })

  it('exits 2 with one line naming a --trust-list-signer that is not a certificate', async () => {
    const notACertificate = files['notJson'] as string
    const result = await run([
      'verify',
      '--trust-list',
      files['list'] as string,
      '--trust-list-signer',
      notACertificate,
      codes.valid,
    ])
    assertOneLineNaming(result, `trust list signer ${notACertificate}`, 'DER X.509 certificate')
  })

  it('exits 2 with one line for a list that is not JSON, or not there', async () => {
    const notJson = files['notJson'] as string
    const result = await run(['verify', '--trust-list', notJson, codes.valid])
    assert.equal(result.status, 2)
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr)
    assert.match(result.stderr, new RegExp(`trust list ${notJson}: expected JSON`))
    const missing = join(dir, 'missing.json')
    const gone = await run(['verify', '--revocation-list', missing, codes.valid])
    assert.equal(gone.status, 2)
    assert.equal(gone.stderr.trimEnd().split('\n').length, 1, gone.stderr)
    assert.ok(gone.stderr.includes(missing))
  })

  it('exits 2 for a revocation list of the wrong form, or unsigned when a signer is given', async () => {
    assertOneLineNaming(
      await run(['verify', '--revocation-list', files['badRevocations'] as string, codes.valid]),
      files['badRevocations'] as string,
      'ERR_REVOCATION_LIST_FORMAT',
    )
    assertOneLineNaming(
      await run([
        'verify',
        ...listed(),
        '--revocation-list',
        files['unsignedRevocations'] as string,
        codes.valid,
      ]),
      files['unsignedRevocations'] as string,
      'ERR_REVOCATION_LIST_SIGNATURE',
    )
  })

  it('stops a code on the --revocation-list at stage revoked (exit 1), and passes the others', async () => {
    const args = ['verify', ...listed(), '--revocation-list', files['revocations'] as string]
    const revoked = await run([...args, '--at', at, codes.revoked])
    assert.equal(revoked.status, 1, revoked.stderr)
    assert.match(revoked.stdout, /^INVALID {2}stopped at stage "revoked" \(ERR_REVOKED\)/)
    const valid = await run([...args, '--at', at, codes.valid])
    assert.equal(valid.status, 0, valid.stdout + valid.stderr)
  })

  it('reads an unsigned revocation list when no signer is given', async () => {
    const result = await run([
      'verify',
      '--json',
      '--trust-list',
      files['list'] as string,
      '--revocation-list',
      files['unsignedRevocations'] as string,
      '--at',
      at,
      codes.revoked,
    ])
    assert.equal(result.status, 1, result.stderr)
    assert.equal((JSON.parse(result.stdout) as { stage: string }).stage, 'revoked')
  })

  for (const workers of ['1', '3']) {
    it(`applies the lists to every --jsonl line on ${workers} thread(s)`, async () => {
      const lines = Array.from({ length: 30 }, (_, i) => {
        const which = (['valid', 'revoked', 'unknownSigner'] as const)[i % 3] as keyof typeof codes
        return JSON.stringify({ id: `${i}:${which}`, qr: codes[which], at })
      })
      const result = await run(
        [
          'verify',
          '--jsonl',
          '--workers',
          workers,
          ...listed(),
          '--revocation-list',
          files['revocations'] as string,
        ],
        lines.join('\n') + '\n',
      )
      assert.equal(result.status, 0, result.stderr)
      const answers = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; stage: string; error?: { code: string } })
      assert.equal(answers.length, 30)
      for (const answer of answers) {
        const expected = {
          valid: ['ok', undefined],
          revoked: ['revoked', 'ERR_REVOKED'],
          unknownSigner: ['signature', 'ERR_KEY_NOT_IN_TRUST_LIST'],
        }[answer.id.split(':')[1] as keyof typeof codes]
        assert.deepEqual([answer.stage, answer.error?.code], expected, answer.id)
      }
    })
  }

  it('adds a --jsonl line’s own trust to the lists', async () => {
    const outsiderDer = files['outsider'] as string
    const line = JSON.stringify({
      id: 'own-trust',
      qr: codes.unknownSigner,
      trust: [readFileSync(outsiderDer).toString('base64')],
      at,
    })
    const result = await run(['verify', '--jsonl', '--workers', '2', ...listed()], line + '\n')
    assert.equal(result.status, 0, result.stderr)
    assert.equal((JSON.parse(result.stdout) as { stage: string }).stage, 'ok')
  })

  it('exits 2 under --jsonl for a tampered list, before reading any line', async () => {
    const tampered = files['tampered'] as string
    const result = await run(
      [
        'verify',
        '--jsonl',
        '--trust-list',
        tampered,
        '--trust-list-signer',
        files['publisher'] as string,
      ],
      JSON.stringify({ id: 1, qr: codes.valid }) + '\n',
    )
    assertOneLineNaming(result, tampered, 'ERR_TRUST_LIST_SIGNATURE')
  })

  it('exits 2 for --trust-list-signer without a list', async () => {
    const result = await run([
      'verify',
      '--trust-list-signer',
      files['publisher'] as string,
      codes.valid,
    ])
    assert.equal(result.status, 2)
  })

  it('documents the options in --help', async () => {
    const result = await run(['verify', '--help'])
    assert.equal(result.status, 0)
    for (const option of [
      '--trust-list FILE',
      '--trust-list-signer CERT',
      '--revocation-list FILE',
    ]) {
      assert.ok(result.stdout.includes(option), option)
    }
  })
})
