import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { startServer } from '../../src/api/server.js'
import { loadConfig } from '../../src/config/config.js'
import { demoPassword } from '../../src/demo/demo-data.js'

describe('the demo start', () => {
  it('makes the keys and gives the demo people certificates and a request for the commission', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'healthcode-demo-')), 'store.sqlite')
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      DEMO: 'true',
      LOG_LEVEL: 'silent',
      // The test signs in as 14 demo accounts from one address.
      SIGN_IN_RATE_LIMIT: '100',
      KEY_ENCRYPTION_KEY: '5a'.repeat(32),
    })
    const server = await startServer(config, { handleSignals: false })
    try {
      assert.equal(
        server.madeKeys,
        11,
        'the CSCA, the EU-facing and domestic signers of ru, ru-spb, ru-mow and cn-sh, and the Gateway trust anchor and upload certificate',
      )
      const url = server.url.replace('localhost', '127.0.0.1')
      const token = async (login: string) => {
        const answer = await fetch(`${url}/api/v1/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password: demoPassword(login) }),
        })
        const cookie = answer.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ')
        return { cookie }
      }
      const clinician = await token('clinician@spb.demo')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const get = async (path: string, who: { cookie: string }): Promise<any> =>
        (await fetch(`${url}${path}`, { headers: { cookie: who.cookie } })).json()
      const people = (await get('/api/v1/people', clinician)).people as {
        id: string
        familyName: string
      }[]
      const kinds: Record<string, string[]> = {}
      for (const person of people) {
        const { certificates } = await get(`/api/v1/people/${person.id}/certificates`, clinician)
        kinds[person.familyName] = certificates.map((c: { kind: string }) => c.kind).sort()
      }
      assert.deepEqual(kinds, {
        Петров: ['vaccination', 'vaccination'],
        Смирнова: [],
        Müller: ['test'],
        王: ['antibody'],
      })
      const petrov = people.find((p) => p.familyName === 'Петров') as { id: string }
      const [certificate] = (await get(`/api/v1/people/${petrov.id}/certificates`, clinician))
        .certificates
      const verified = await fetch(`${url}/api/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ qr: certificate.qr }),
      })
      assert.equal(((await verified.json()) as { valid: boolean }).valid, true)
      const queue = await get('/api/v1/commission/requests', await token('commission@spb.demo'))
      assert.equal(queue.requests.length, 1)
      assert.equal(queue.requests[0].status, 'submitted')

      // A second region, Moscow, with its own staff of every role, people and a venue.
      const issuers = (await (await fetch(`${url}/api/v1/issuers`)).json()) as {
        issuers: { id: string; parentId?: string }[]
      }
      assert.equal(issuers.issuers.find((issuer) => issuer.id === 'ru-mow')?.parentId, 'ru')
      for (const login of [
        'admin@mow.demo',
        'clinician@mow.demo',
        'commission@mow.demo',
        'commission2@mow.demo',
        'authority@mow.demo',
        'venue@mow.demo',
        'company@mow.demo',
        'citizen@mow.demo',
      ]) {
        const me = await get('/api/v1/auth/session', await token(login))
        assert.equal(me.login, login, `${login} signs in with ${demoPassword(login)}`)
      }
      const moscowClinician = await token('clinician@mow.demo')
      const moscowPeople = (await get('/api/v1/people', moscowClinician)).people as {
        id: string
        familyName: string
      }[]
      const moscowKinds: Record<string, string[]> = {}
      for (const person of moscowPeople) {
        const { certificates } = await get(
          `/api/v1/people/${person.id}/certificates`,
          moscowClinician,
        )
        moscowKinds[person.familyName] = certificates.map((c: { kind: string }) => c.kind)
      }
      assert.deepEqual(moscowKinds, { Кузнецов: ['vaccination'], Иванова: ['test'] })
      const venues = await get('/api/v1/venues', await token('venue@mow.demo'))
      assert.deepEqual(
        venues.venues.map((venue: { name: string }) => venue.name),
        ['Bolshoi Theatre'],
      )
      const spbVenues = await get('/api/v1/venues', await token('venue@spb.demo'))
      assert.deepEqual(
        spbVenues.venues,
        [],
        "St. Petersburg's door staff do not see Moscow's venue",
      )
    } finally {
      await server.close()
    }
  })
})
