import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { demoPassword } from '../../src/demo/demo-data.js'

// The built server (npm test builds first) writes check-ins from its writer thread: this drives
// that path, with group commits, re-sends and a SIGKILL, over HTTP.
const cli = fileURLToPath(new URL('../../bin/healthcode.js', import.meta.url))

async function start(database: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--demo', '--port', '0', '--host', '127.0.0.1', '--database', database],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const match = /serving on (http:\/\/\S+)/.exec(output)
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'))
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, url }
}

async function token(url: string, login: string): Promise<string> {
  const signIn = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: demoPassword(login) }),
  })
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string
  const { csrfToken } = (await signIn.json()) as { csrfToken: string }
  const created = await fetch(`${url}/api/v1/api-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'check-in test' }),
  })
  return ((await created.json()) as { secret: string }).secret
}

async function call(url: string, bearer: string, method: string, path: string, body?: unknown) {
  const answer = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: answer.status, json: (await answer.json()) as any }
}

describe('check-ins through the writer thread of the built server', () => {
  it('records each scan once, answers re-sends as duplicates, and keeps them across a SIGKILL', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'healthcode-checkins-')), 'store.sqlite')
    let server = await start(database)
    try {
      const clinician = await token(server.url, 'clinician@spb.demo')
      const operator = await token(server.url, 'venue@spb.demo')
      const { json: people } = await call(server.url, clinician, 'GET', '/api/v1/people')
      const petrov = people.people.find((p: { familyName: string }) => p.familyName === 'Петров')
      const { json: code } = await call(
        server.url,
        clinician,
        'GET',
        `/api/v1/people/${petrov.id}/health-code/token`,
      )
      const { json: venue } = await call(server.url, operator, 'POST', '/api/v1/venues', {
        name: 'Hermitage Museum',
        category: 'museum',
        address: 'Palace Square 2',
        district: 'RU-SPB-ADM',
      })
      const ids = Array.from({ length: 60 }, () => randomUUID())
      const scan = (clientId: string) =>
        call(server.url, operator, 'POST', `/api/v1/venues/${venue.id}/scan`, {
          qr: code.qr,
          clientId,
        })
      const first = await Promise.all(ids.map(scan))
      assert.ok(first.every((a) => a.status === 200 && a.json.recorded && !a.json.duplicate))
      const again = await Promise.all(ids.slice(0, 20).map(scan))
      assert.ok(again.every((a) => a.json.duplicate === true))

      server.child.kill('SIGKILL')
      await new Promise((resolve) => server.child.once('exit', resolve))
      server = await start(database)
      const authority = await token(server.url, 'authority@spb.demo')
      const { json: dashboard } = await call(
        server.url,
        authority,
        'GET',
        '/api/v1/dashboards/authority',
      )
      const today = dashboard.days.at(-1)
      assert.equal(today.checkins, 60, JSON.stringify(today))
      assert.equal(today.scans, 60)
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGTERM')
    }
  })
})
