import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { type AddressInfo, type Server, type Socket, createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { demoApiToken, startServerProcess } from '../support/server-process.js'
import { personBody, testApp } from './test-app.js'

forEachDialect((dialect) => {
  describe(`resilience (${dialect.name})`, () => {
    it('rate-limits sign-in attempts with 429 ERR_RATE_LIMITED', async () => {
      const t = await testApp(dialect.url(), { env: { SIGN_IN_RATE_LIMIT: '3' } })
      try {
        const statuses: number[] = []
        for (let i = 0; i < 5; i++) {
          const answer = await t.request(undefined, 'POST', '/api/v1/auth/sign-in', {
            login: 'clinician@test',
            password: 'wrong password!',
          })
          statuses.push(answer.statusCode)
          if (answer.statusCode === 429) assert.equal(answer.json().error.code, 'ERR_RATE_LIMITED')
        }
        assert.deepEqual(statuses, [401, 401, 401, 429, 429])
      } finally {
        await t.close()
      }
    })

    it('loses no acknowledged write when the server is killed with SIGKILL and restarted', async () => {
      const databaseUrl =
        dialect.name === 'sqlite'
          ? join(mkdtempSync(join(tmpdir(), 'healthcode-kill-')), 'store.sqlite')
          : dialect.url()
      let server = await startServerProcess({ database: databaseUrl })
      // Whatever fails below, no server process outlives the test.
      const started = [server]
      after(() => {
        for (const { process: child } of started) if (child.exitCode === null) child.kill('SIGKILL')
      })
      const token = await demoApiToken(server.url, 'clinician@spb.demo')
      const acknowledged: string[] = []
      // Writes keep flowing while the process is killed; only those answered 201 were acknowledged.
      const writer = (async () => {
        for (let i = 0; i < 500; i++) {
          try {
            const response = await fetch(`${server.url}/api/v1/people`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify(
                personBody({
                  document: {
                    type: 'passport',
                    number: `KILL${String(i).padStart(5, '0')}`,
                    country: 'RU',
                  },
                }),
              ),
            })
            if (response.status === 201)
              acknowledged.push(((await response.json()) as { id: string }).id)
          } catch {
            return
          }
        }
      })()
      // Bounded: the wait ends when the writer stops too (say, every write failed).
      let writing = true
      void writer.finally(() => (writing = false))
      while (acknowledged.length < 20 && writing) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      assert.ok(acknowledged.length >= 20, `only ${acknowledged.length} writes were acknowledged`)
      server.process.kill('SIGKILL')
      await writer
      await server.exited
      server = await startServerProcess({ database: databaseUrl })
      started.push(server)
      try {
        for (const id of acknowledged) {
          const response = await fetch(`${server.url}/api/v1/people/${id}`, {
            headers: { authorization: `Bearer ${token}` },
          })
          assert.equal(response.status, 200, `acknowledged person ${id} survives`)
        }
        const admin = await demoApiToken(server.url, 'admin@spb.demo')
        const verify = await fetch(`${server.url}/api/v1/audit/verify`, {
          headers: { authorization: `Bearer ${admin}` },
        })
        assert.equal(((await verify.json()) as { intact: boolean }).intact, true)
      } finally {
        await server.stop()
      }
    })

    if (dialect.name === 'postgres') {
      it('answers 503 while the database is unreachable and recovers by itself when it returns', async () => {
        const proxy = await startProxy(new URL(dialect.url()))
        const proxied = new URL(dialect.url())
        proxied.host = `127.0.0.1:${proxy.port}`
        const t = await testApp(proxied.toString())
        try {
          assert.equal((await t.request(undefined, 'GET', '/readyz')).statusCode, 200)
          proxy.cut()
          const ready = await t.request(undefined, 'GET', '/readyz')
          assert.equal(ready.statusCode, 503)
          const read = await t.request(t.users.clinician, 'GET', '/api/v1/people')
          assert.equal(read.statusCode, 503)
          assert.equal(read.json().error.code, 'ERR_STORAGE_UNAVAILABLE')
          assert.equal((await t.request(undefined, 'GET', '/healthz')).statusCode, 200)
          proxy.restore()
          let recovered = 0
          for (let i = 0; i < 50 && recovered !== 200; i++) {
            recovered = (await t.request(t.users.clinician, 'GET', '/api/v1/people')).statusCode
            if (recovered !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
          }
          assert.equal(recovered, 200)
          assert.equal((await t.request(undefined, 'GET', '/readyz')).statusCode, 200)
        } finally {
          proxy.restore()
          await t.close()
          await proxy.close()
        }
      })

      // The durations are not asserted: the test's own timeout bounds them generously. With the
      // default limits each answer comes within about 5 s; without them, after minutes.
      it(
        'answers 503 while the database is silent (connected, no answers) and recovers by itself when it answers again',
        { timeout: 60_000 },
        async () => {
          const proxy = await startProxy(new URL(dialect.url()))
          const proxied = new URL(dialect.url())
          proxied.host = `127.0.0.1:${proxy.port}`
          const t = await testApp(proxied.toString())
          try {
            assert.equal((await t.request(undefined, 'GET', '/readyz')).statusCode, 200)
            assert.equal(
              (await t.request(t.users.clinician, 'GET', '/api/v1/people')).statusCode,
              200,
            )
            proxy.silence()
            const ready = await t.request(undefined, 'GET', '/readyz')
            assert.equal(ready.statusCode, 503)
            assert.equal(ready.json().error.code, 'ERR_STORAGE_UNAVAILABLE')
            // Several requests at once, more than the pool has connections for.
            const reads = await Promise.all(
              Array.from({ length: 12 }, () =>
                t.request(t.users.clinician, 'GET', '/api/v1/people'),
              ),
            )
            for (const read of reads) {
              assert.equal(read.statusCode, 503)
              assert.equal(read.json().error.code, 'ERR_STORAGE_UNAVAILABLE')
            }
            const write = await t.request(t.users.clinician, 'POST', '/api/v1/people', personBody())
            assert.equal(write.statusCode, 503)
            assert.equal(write.json().error.code, 'ERR_STORAGE_UNAVAILABLE')
            assert.equal((await t.request(undefined, 'GET', '/healthz')).statusCode, 200)
            proxy.restore()
            let recovered = 0
            for (let i = 0; i < 100 && recovered !== 200; i++) {
              recovered = (await t.request(t.users.clinician, 'GET', '/api/v1/people')).statusCode
              if (recovered !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
            }
            assert.equal(recovered, 200)
            assert.equal((await t.request(undefined, 'GET', '/readyz')).statusCode, 200)
          } finally {
            proxy.restore()
            await t.close()
            await proxy.close()
          }
        },
      )
    }
  })
})

/**
 * A TCP proxy to the database whose link the test can cut (connections reset), silence
 * (connections stay open, nothing goes through either way) and restore.
 */
async function startProxy(target: URL): Promise<{
  port: number
  cut(): void
  silence(): void
  restore(): void
  close(): Promise<void>
}> {
  let state: 'up' | 'cut' | 'silent' = 'up'
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    if (state === 'cut') {
      client.destroy()
      return
    }
    const upstream = connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    // Bytes arriving while silent are dropped, as a broken network would: the client hears
    // nothing and must give up by itself.
    client.on('data', (chunk) => {
      if (state === 'up') upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (state === 'up') client.write(chunk)
    })
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      state = 'cut'
      for (const socket of sockets) socket.destroy()
    },
    silence: () => {
      state = 'silent'
    },
    restore: () => {
      state = 'up'
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
