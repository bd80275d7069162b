import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'bin', 'healthcode.js')
const suites = join(root, 'test', 'vectors', 'dcc-business-rules')

function run(args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '' },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (status) => resolve({ status, stdout, stderr }))
    },
  )
}

/** A writable copy of the vectors, to break on purpose. */
function copyOfSuites(): string {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-rules-'))
  cpSync(suites, dir, { recursive: true })
  return dir
}

function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  edit(json)
  writeFileSync(path, JSON.stringify(json))
}

describe('healthcode rules test', () => {
  it('passes every published case of the vectors and ends with the count alone on its line', async () => {
    const { status, stdout, stderr } = await run(['rules', 'test', suites])
    assert.equal(stdout, '17 passed, 0 failed\n', stderr)
    assert.equal(status, 0)
  })

  it('prints a line per failing case, with rule, case, expected and actual or the refusal, and exits 1', async () => {
    const dir = copyOfSuites()
    // A wrong expectation: the logic gives true for a negative test.
    editJson(join(dir, 'DE', 'TR-DE-0004', 'tests', 'test004.json'), (test) => {
      test['expected'] = false
    })
    // A rule the API would refuse: its engine is not CertLogic. All 4 of its cases fail.
    editJson(join(dir, 'EU', 'VR-EU-0000', 'rule.json'), (rule) => {
      rule['Engine'] = 'JSONLOGIC'
    })
    // A case whose clock lies before the rule's validity does not count.
    editJson(join(dir, 'AT', 'RR-AT-0001', 'tests', 'test003.json'), (test) => {
      ;(test['external'] as Record<string, unknown>)['validationClock'] = '2020-01-01T00:00:00Z'
    })
    const { status, stdout, stderr } = await run(['rules', 'test', dir])
    const lines = stdout.trimEnd().split('\n')
    assert.equal(lines.at(-1), '11 passed, 5 failed', stdout)
    assert.equal(lines.length, 6, stdout)
    assert.ok(
      lines.includes('DE/TR-DE-0004 test004.json "a negative test": expected false, actual true'),
      stdout,
    )
    const refused = lines.filter((line) => line.startsWith('EU/VR-EU-0000 '))
    assert.equal(refused.length, 4, stdout)
    for (const line of refused) assert.match(line, /expected (true|false), rule refused: .*Engine/)
    assert.match(stderr, /1 not counted/)
    assert.equal(status, 1)
  })

  it('is a usage error without a directory, or with one that holds no rules', async () => {
    for (const args of [
      ['rules', 'test'],
      ['rules', 'test', join(root, 'no-such-directory')],
      ['rules', 'test', join(root, 'docs')],
      ['rules', 'check', suites],
    ]) {
      const { status, stderr } = await run(args)
      assert.equal(status, 2, `${args.join(' ')}: ${stderr}`)
      assert.match(stderr, /healthcode rules: /)
    }
  })
})
