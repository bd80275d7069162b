import assert from 'node:assert/strict'
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { build } from '../../src/api/app.js'
import { ReadReplica } from '../../src/storage/read-replica.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, readReplicaUrl, testApp } from './test-app.js'

/**
 * The read replica (`DATABASE_READ_URL`), on the real streaming replica of TEST_DATABASE_READ_URL
 * (`.ci/run` makes one with scripts/pg-replica.sh): dashboards and public lists read from it, a
 * caller who just wrote reads from the primary, and a replica that stops is skipped.
 */
const replicaConfigured = process.env['TEST_DATABASE_READ_URL'] !== undefined

/** A TCP relay in front of the replica, so that a test can stop "the replica" it reads from. */
async function relayTo(target: URL): Promise<{ url: (of: string) => string; stop(): void }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => sockets.delete(socket))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: (of) => {
      const url = new URL(of)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.toString()
    },
    stop: () => {
      server.close()
      for (const socket of sockets) socket.destroy()
    },
  }
}

async function metric(t: TestApp, name: string): Promise<number | undefined> {
  const text = (await t.request(undefined, 'GET', '/metrics')).body
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

forEachDialect((dialect) => {
  if (dialect.name !== 'postgres') return
  describe(
    `a read replica (${dialect.name})`,
    { skip: !replicaConfigured && 'TEST_DATABASE_READ_URL is not set' },
    () => {
      let t: TestApp
      before(async () => {
        t = await testApp(dialect.url(), { readReplica: true })
      })
      after(() => t.close())

      it('serves the dashboard and the public lists from the replica', async () => {
        assert.equal(await metric(t, 'healthcode_read_replica_up'), 1)
        for (const [user, path] of [
          [t.users.health_authority, '/api/v1/dashboards/authority'],
          [undefined, '/api/v1/trust-list'],
          [undefined, '/api/v1/revocation-list'],
          [undefined, '/api/v1/exposure-sites'],
        ] as const) {
          const answer = await t.request(user, 'GET', path)
          assert.equal(answer.statusCode, 200, `${path}: ${answer.body}`)
          assert.equal(answer.headers['x-healthcode-read-from'], 'replica', path)
        }
      })

      it('sends a caller who just wrote to the primary, and others still to the replica', async () => {
        const wrote = await t.request(t.users.health_authority, 'POST', '/api/v1/risk-areas', {
          areaCode: 'SPB-ADM',
          name: 'Admiralteysky',
          level: 'medium',
          from: '2026-11-20',
        })
        assert.equal(wrote.statusCode, 201, wrote.body)
        const own = await t.request(t.users.health_authority, 'GET', '/api/v1/dashboards/authority')
        assert.equal(own.statusCode, 200, own.body)
        assert.equal(own.headers['x-healthcode-read-from'], 'primary')
        const other = await t.request(
          t.federal.health_authority,
          'GET',
          '/api/v1/dashboards/authority',
        )
        assert.equal(other.headers['x-healthcode-read-from'], 'replica')
      })
    },
  )

  describe(
    `a read replica that stops (${dialect.name})`,
    { skip: !replicaConfigured && 'TEST_DATABASE_READ_URL is not set' },
    () => {
      it('is skipped for the primary, with a warning metric, and reads keep answering', async () => {
        const t = await testApp(dialect.url())
        const replicaUrl = readReplicaUrl(dialect.url()) as string
        const relay = await relayTo(new URL(replicaUrl))
        const replica = await ReadReplica.open(t.store, dialect.url(), relay.url(replicaUrl), {
          clock: () => new Date(),
          maxLagBytes: t.config.readReplicaMaxLagBytes,
          checkMs: 100,
        })
        const app = await build({
          config: t.config,
          store: t.store,
          clock: t.clock,
          logger: false,
          readReplica: replica,
        })
        const get = (path: string) =>
          app.inject({
            method: 'GET',
            url: path,
            headers: { authorization: `Bearer ${t.users.health_authority.token}` },
          })
        const up = async () => /healthcode_read_replica_up 1/.test((await get('/metrics')).body)
        try {
          assert.ok(replica.state().up, replica.state().problem)
          // A check of the replica can miss its time limit on a loaded machine and mark it down
          // until the next check, 100 ms later: what matters here is that reads go to it while
          // it is up, so a read is tried until one does (or 10 s pass).
          let readFrom: unknown
          for (const until = Date.now() + 10_000; Date.now() < until;) {
            readFrom = (await get('/api/v1/trust-list')).headers['x-healthcode-read-from']
            if (readFrom === 'replica') break
            await new Promise((r) => setTimeout(r, 50))
          }
          assert.equal(readFrom, 'replica', replica.state().problem)

          relay.stop()
          const end = Date.now() + 10_000
          while ((await up()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
          const metrics = (await get('/metrics')).body
          assert.match(metrics, /healthcode_read_replica_up 0/)
          assert.match(metrics, /healthcode_read_replica_lag_bytes -1/)

          const dashboard = await get('/api/v1/dashboards/authority')
          assert.equal(dashboard.statusCode, 200, dashboard.body)
          assert.equal(dashboard.headers['x-healthcode-read-from'], 'primary')
          const skipped = /healthcode_read_replica_skipped_reads (\d+)/.exec(
            (await get('/metrics')).body,
          )
          assert.ok(Number(skipped?.[1]) > 0, 'no read was counted as skipped')
        } finally {
          relay.stop()
          await app.close()
          await replica.close()
          await t.close()
        }
      })
    },
  )
})
