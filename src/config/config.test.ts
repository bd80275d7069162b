import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('defaults to port 8080 and a SQLite file under ./data', () => {
    const config = loadConfig({})
    assert.equal(config.port, 8080)
    assert.equal(config.databaseUrl, resolve('data', 'healthcode.sqlite'))
    assert.equal(config.publicUrl, 'http://localhost:8080')
    assert.equal(config.oidc, undefined)
  })

  it('reads OFFLINE_SCAN_MAX_AGE as hours, minutes or a number of minutes; 12 hours by default', () => {
    assert.deepEqual(
      [
        {},
        { OFFLINE_SCAN_MAX_AGE: '2h' },
        { OFFLINE_SCAN_MAX_AGE: '90m' },
        { OFFLINE_SCAN_MAX_AGE: '45' },
      ].map((env) => loadConfig(env).offlineScanMaxAgeMinutes),
      [720, 120, 90, 45],
    )
  })

  it('reads ISSUER_COUNTRY as a two-letter country code, RU by default, and refuses anything else', () => {
    assert.equal(loadConfig({}).issuerCountry, 'RU')
    assert.equal(loadConfig({ ISSUER_COUNTRY: 'CN' }).issuerCountry, 'CN')
    for (const bad of ['cn', 'CHN', 'C1']) {
      assert.throws(() => loadConfig({ ISSUER_COUNTRY: bad }), /ISSUER_COUNTRY/)
    }
  })

  it('takes a PostgreSQL URL as it is', () => {
    assert.equal(
      loadConfig({ DATABASE_URL: 'postgres://u@db:5432/hc' }).databaseUrl,
      'postgres://u@db:5432/hc',
    )
  })

  for (const [name, env] of [
    ['a port that is not a number', { PORT: 'eighty' }],
    ['a port out of range', { PORT: '70000' }],
    ['an unknown log level', { LOG_LEVEL: 'loud' }],
    ['OIDC_ISSUER without a client', { OIDC_ISSUER: 'https://id.example' }],
    ['a PUBLIC_URL that is not http', { PUBLIC_URL: 'ftp://x' }],
    ['DEMO that is not a boolean', { DEMO: 'maybe' }],
    ['an OFFLINE_SCAN_MAX_AGE without a number', { OFFLINE_SCAN_MAX_AGE: 'half a day' }],
    ['an OFFLINE_SCAN_MAX_AGE in days', { OFFLINE_SCAN_MAX_AGE: '1d' }],
    ['an OFFLINE_SCAN_MAX_AGE over a week', { OFFLINE_SCAN_MAX_AGE: '169h' }],
    ['an OFFLINE_SCAN_MAX_AGE of nothing', { OFFLINE_SCAN_MAX_AGE: '0m' }],
    ['a negative statement timeout', { DATABASE_STATEMENT_TIMEOUT_MS: '-1' }],
    ['a connect timeout that is not a number', { DATABASE_CONNECT_TIMEOUT_MS: '3s' }],
    ['a sign-in account limit of 0', { SIGN_IN_ACCOUNT_LIMIT: '0' }],
    ['a quota that is not a number', { QUOTA_CHECKINS_PER_MINUTE: 'lots' }],
    ['a TRUST_PROXY that is no address', { TRUST_PROXY: 'proxy.example' }],
    ['a DATABASE_READ_URL that is no PostgreSQL URL', { DATABASE_READ_URL: 'replica.sqlite' }],
    ['a REDIS_URL that is no Redis URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['a job period of 0 seconds', { JOB_REASSESS_SECONDS: '0' }],
  ] as const) {
    it(`refuses ${name} with ERR_CONFIG naming the variable`, () => {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.code === 'ERR_CONFIG' &&
          error.message.startsWith(Object.keys(env)[0] as string),
      )
    })
  }

  it('reads the replica, Redis and job settings, with their defaults', () => {
    const defaults = loadConfig({})
    assert.equal(defaults.databaseReadUrl, undefined)
    assert.equal(defaults.redisUrl, undefined)
    assert.deepEqual(defaults.jobs, {
      retentionSeconds: 3600,
      reassessSeconds: 60,
      limitCleanupSeconds: 600,
    })
    const set = loadConfig({
      DATABASE_READ_URL: 'postgres://u@replica:5432/hc',
      REDIS_URL: 'redis://127.0.0.1:6379',
      READ_PRIMARY_AFTER_WRITE_SECONDS: '5',
    })
    assert.equal(set.databaseReadUrl, 'postgres://u@replica:5432/hc')
    assert.equal(set.redisUrl, 'redis://127.0.0.1:6379')
    assert.equal(set.readPrimaryAfterWriteSeconds, 5)
  })

  it('reads the abuse limits, with their defaults', () => {
    const defaults = loadConfig({}).limits
    assert.deepEqual(
      [defaults.signInAccountFailures, defaults.claimFailures, defaults.openRequests],
      [5, 5, 3],
    )
    assert.equal(defaults.evidenceBytesPerDay, 50 * 1024 * 1024)
    assert.equal(defaults.checkinsPerMinute, 10)
    assert.equal(loadConfig({ QUOTA_OPEN_REQUESTS: '7' }).limits.openRequests, 7)
  })

  it('reads TRUST_PROXY as false, true, a hop count or a list of addresses', () => {
    assert.equal(loadConfig({}).trustProxy, false)
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy, [
      '10.0.0.1',
      '10.1.0.0/16',
    ])
  })
})
