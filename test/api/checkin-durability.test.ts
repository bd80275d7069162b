import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { demoApiToken, startServerProcess } from '../support/server-process.js'

// The built server (npm test builds first) writes check-ins from its writer thread: this drives
// that path, with group commits, re-sends and a SIGKILL, over HTTP.

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
    let server = await startServerProcess({ database })
    try {
      const clinician = await demoApiToken(server.url, 'clinician@spb.demo')
      const operator = await demoApiToken(server.url, 'venue@spb.demo')
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

      server.process.kill('SIGKILL')
      await server.exited
      server = await startServerProcess({ database })
      const authority = await demoApiToken(server.url, 'authority@spb.demo')
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
      await server.stop()
    }
  })
})
