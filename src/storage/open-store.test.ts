import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../test/support/dialects.js'
import { StorageError } from './errors.js'
import { openDatabase, openStore, parseStoreUrl } from './open-store.js'

describe('parseStoreUrl', () => {
  it('reads postgres:// and postgresql:// URLs as PostgreSQL', () => {
    for (const url of ['postgres://u@h:5432/db', 'postgresql://u@h/db', 'POSTGRES://h/db']) {
      assert.deepEqual(parseStoreUrl(url), { dialect: 'postgres', url })
    }
  })

  it('reads sqlite:, file: and bare paths as SQLite files', () => {
    assert.deepEqual(parseStoreUrl('sqlite:data/x.sqlite'), {
      dialect: 'sqlite',
      path: 'data/x.sqlite',
    })
    assert.deepEqual(parseStoreUrl('sqlite:///var/x.sqlite'), {
      dialect: 'sqlite',
      path: '/var/x.sqlite',
    })
    assert.deepEqual(parseStoreUrl('file:data/x.sqlite'), {
      dialect: 'sqlite',
      path: 'data/x.sqlite',
    })
    assert.deepEqual(parseStoreUrl('file:///var/x.sqlite'), {
      dialect: 'sqlite',
      path: '/var/x.sqlite',
    })
    assert.deepEqual(parseStoreUrl('/var/x.sqlite'), { dialect: 'sqlite', path: '/var/x.sqlite' })
    assert.deepEqual(parseStoreUrl('x.sqlite'), { dialect: 'sqlite', path: 'x.sqlite' })
  })

  it('rejects another scheme and an empty text with ERR_STORAGE_URL', () => {
    for (const url of ['mysql://u@h/db', '', 'sqlite:']) {
      assert.throws(
        () => parseStoreUrl(url),
        (error: unknown) => error instanceof StorageError && error.code === 'ERR_STORAGE_URL',
        url,
      )
    }
  })
})

forEachDialect((dialect) => {
  describe(`openStore (${dialect.name})`, () => {
    it('migrates a new database, and opening it again migrates nothing twice', async () => {
      const url = dialect.url()
      const first = await openStore(url)
      assert.equal(first.dialect, dialect.name)
      await first.transaction((tx) =>
        tx.issuers.upsert({
          id: 'ru',
          name: 'Russia',
          level: 'federal',
          country: 'RU',
          parentId: undefined,
        }),
      )
      await first.close()

      const second = await openStore(url)
      try {
        assert.deepEqual(
          (await second.transaction((tx) => tx.issuers.list())).map((issuer) => issuer.id),
          ['ru'],
        )
      } finally {
        await second.close()
      }
      const { db } = await openDatabase(url)
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
        assert.deepEqual(applied.rows.map((row) => row.name).sort(), [
          '20261123102500-initial',
          '20261123110500-register-records',
          '20261123130000-certificates',
          '20261123140000-health-codes',
          '20261123150000-interoperability',
          '20261123160000-counter-index',
          '20261206100000-issuer-owners',
        ])
      } finally {
        await db.destroy()
      }
    })

    it('answers ping, and close can be called twice', async () => {
      const store = await openStore(dialect.url())
      await store.ping()
      await store.close()
      await store.close()
    })

    if (dialect.name === 'sqlite') {
      it('creates the missing directory of the file and sets WAL, FULL sync, foreign keys and a busy timeout', async () => {
        const file = join(dirname(dialect.url()), 'nested', 'deeper', 'store.sqlite')
        const store = await openStore(`sqlite:${file}`)
        await store.close()
        assert.ok(existsSync(file))
        const { db } = await openDatabase(file)
        try {
          const pragma = async (name: string): Promise<unknown> => {
            const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(db)
            return Object.values(rows[0] ?? {})[0]
          }
          assert.equal(await pragma('journal_mode'), 'wal')
          assert.equal(await pragma('synchronous'), 2)
          assert.equal(await pragma('foreign_keys'), 1)
          assert.equal(await pragma('busy_timeout'), 5000)
        } finally {
          await db.destroy()
        }
      })
    }
  })
})
