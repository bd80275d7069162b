import assert from 'node:assert/strict'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { main } from '../../src/cli/main.js'
import { forEachDialect } from '../support/dialects.js'

/**
 * Several server processes on one PostgreSQL store, as real processes of the built CLI (`npm run
 * build` first): what one changes, the others see; a limit hit through one holds in the others; a
 * job runs once. With TEST_REDIS_URL the same runs again with the limits and notices in Redis.
 */
const cli = fileURLToPath(new URL('../../bin/healthcode.js', import.meta.url))

/** A rule in the EU format: a vaccination counts for 90 days. */
const ninetyDays = {
  Identifier: 'VR-RU-0001',
  Type: 'Acceptance',
  Country: 'RU',
  Version: '2.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '0.7.5',
  ValidFrom: '2026-01-01T00:00:00Z',
  ValidTo: '2030-01-01T00:00:00Z',
  CertificateType: 'Vaccination',
  Description: [{ lang: 'en', desc: 'A vaccination is valid for 90 days.' }],
  AffectedFields: ['v.0.dt'],
  Logic: {
    'not-after': [
      { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
      { plusTime: [{ var: 'payload.v.0.dt' }, 90, 'day'] },
    ],
  },
}

interface ServerProcess {
  readonly child: ChildProcess
  readonly url: string
  /** Every line the process wrote to standard output so far. */
  readonly lines: string[]
  readonly exited: Promise<number | null>
}

const started: ChildProcess[] = []
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL')
})

function startServe(
  databaseUrl: string,
  env: Record<string, string>,
  extra: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      cli,
      'serve',
      '--demo',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--database',
      databaseUrl,
      ...extra,
    ],
    {
      cwd: mkdtempSync(join(tmpdir(), 'healthcode-processes-')),
      env: { ...process.env, LOG_LEVEL: 'warn', KEY_ENCRYPTION_KEY: '5e'.repeat(32), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  started.push(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const lines: string[] = []
  let errors = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk))
  return new Promise((resolve, reject) => {
    let pending = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        const match = /serving on (http:\/\/\S+)/.exec(line)
        if (match?.[1]) {
          resolve({ child, url: match[1].replace('localhost', '127.0.0.1'), lines, exited })
        }
      }
    })
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}: ${lines.join('\n')}\n${errors}`)),
    )
  })
}

async function stop(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM')
  return server.exited
}

async function signIn(
  url: string,
  login: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const answer = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  })
  assert.equal(answer.status, 200, await answer.clone().text())
  const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] as string
  const { csrfToken } = (await answer.json()) as { csrfToken: string }
  return { cookie, csrf: csrfToken }
}

async function ruleSetVersion(url: string, issuerId: string, id: string): Promise<number> {
  const answer = await fetch(`${url}/api/v1/validity-rules?issuerId=${issuerId}`)
  assert.equal(answer.status, 200)
  const { ruleSets } = (await answer.json()) as { ruleSets: { id: string; version: number }[] }
  return ruleSets.find((set) => set.id === id)?.version ?? 0
}

/** Polls `check` until it holds or `deadlineMs` passes; answers whether it held. */
async function eventually(deadlineMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + deadlineMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const variants: { name: string; env: Record<string, string> }[] = [
  { name: 'shared through PostgreSQL', env: {} },
]
const redisUrl = process.env['TEST_REDIS_URL']
if (redisUrl) variants.push({ name: 'shared through Redis', env: { REDIS_URL: redisUrl } })

forEachDialect((dialect) => {
  if (dialect.name === 'sqlite') {
    describe('serve --workers (sqlite)', () => {
      it('refuses more than one worker on a SQLite store with exit status 2', async () => {
        let errors = ''
        const status = await main(
          [
            'serve',
            '--workers',
            '2',
            '--database',
            join(mkdtempSync(join(tmpdir(), 'healthcode-workers-')), 'store.sqlite'),
          ],
          {
            stdin: (async function* () {})(),
            stdinIsTty: false,
            stdout: { write: () => true },
            stderr: { write: (text: string) => (errors += text) },
          },
        )
        assert.equal(status, 2)
        assert.match(errors, /a SQLite store is served by one process/)
      })
    })
    return
  }

  for (const variant of variants) {
    describe(`two server processes on one store, ${variant.name} (${dialect.name})`, () => {
      let databaseUrl: string
      let first: ServerProcess
      let second: ServerProcess
      before(async () => {
        databaseUrl = dialect.url()
        const env = {
          ...variant.env,
          SIGN_IN_RATE_LIMIT: '3',
          JOB_REASSESS_SECONDS: '1',
          LOG_LEVEL: 'info',
        }
        // One after the other: the first loads the demo data, the second finds it there.
        first = await startServe(databaseUrl, env)
        second = await startServe(databaseUrl, env)
      })
      after(async () => {
        await Promise.all([stop(first), stop(second)])
      })

      it('puts a validity rule imported through one process in force in the other within a second', async () => {
        // The second process has read (and cached) the rule sets before the change.
        const before = await ruleSetVersion(second.url, 'ru-spb', 'ru-default')
        const authority = await signIn(first.url, 'authority@spb.demo', 'demo-authority-2026')
        const imported = await fetch(`${first.url}/api/v1/validity-rules/ru-default`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: authority.cookie,
            'x-csrf-token': authority.csrf,
          },
          body: JSON.stringify({ rules: [ninetyDays], note: 'two processes' }),
        })
        assert.equal(imported.status, 201, await imported.clone().text())
        const version = ((await imported.json()) as { version: number }).version
        assert.ok(version > before)
        const seen = await eventually(1_000, async () => {
          return (await ruleSetVersion(second.url, 'ru-spb', 'ru-default')) === version
        })
        assert.ok(seen, `the second process still answers version ${before} after a second`)
      })

      it('holds a sign-in rate limit hit through one process in the other', async () => {
        const attempt = (url: string) =>
          fetch(`${url}/api/v1/auth/sign-in`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ login: 'nobody@spb.demo', password: 'wrong password!' }),
          })
        // The limit counts per address and minute: three this minute (the authority's sign-in
        // above may have taken one), so by the fourth attempt through the first the limit is hit.
        const statuses: number[] = []
        for (let i = 0; i < 4; i++) statuses.push((await attempt(first.url)).status)
        assert.equal(statuses.at(-1), 429, `statuses through the first: ${statuses.join(', ')}`)
        const other = await attempt(second.url)
        assert.equal(other.status, 429)
        assert.equal(
          ((await other.json()) as { error: { code: string } }).error.code,
          'ERR_RATE_LIMITED',
        )
      })

      it('runs a periodic job once per period across both processes', async () => {
        const runs = () => {
          const bySlot = new Map<string, number[]>()
          for (const server of [first, second]) {
            for (const line of server.lines) {
              if (!line.startsWith('{')) continue
              const entry = JSON.parse(line) as { job?: string; slot?: string; pid?: number }
              if (entry.job !== 'colour reassessment' || entry.slot === undefined) continue
              bySlot.set(entry.slot, [...(bySlot.get(entry.slot) ?? []), entry.pid ?? 0])
            }
          }
          return bySlot
        }
        const enough = await eventually(20_000, async () => runs().size >= 4)
        assert.ok(enough, `only ${runs().size} periods ran in 20 seconds`)
        for (const [slot, pids] of runs()) {
          assert.equal(pids.length, 1, `the period ${slot} ran in ${pids.length} processes`)
        }
      })
    })
  }

  describe(`serve --workers 2 (${dialect.name})`, () => {
    it('serves from two worker processes and stops them all on SIGTERM to the primary', async () => {
      const server = await startServe(dialect.url(), {}, ['--workers', '2'])
      assert.ok(server.lines.some((line) => line.includes('workers: 2 processes')))
      const workers = execFileSync('ps', ['--ppid', String(server.child.pid), '-o', 'pid='], {
        encoding: 'utf8',
      })
        .split('\n')
        .map((line) => Number(line.trim()))
        .filter((pid) => pid > 0)
      assert.equal(workers.length, 2, `worker processes: ${workers.join(', ')}`)
      const health = await fetch(`${server.url}/healthz`)
      assert.equal(health.status, 200)
      assert.equal(await stop(server), 0)
      for (const pid of workers) {
        assert.throws(() => process.kill(pid, 0), 'a worker outlived its primary')
      }
    })
  })
})
