import assert from 'node:assert/strict'
import { chmodSync, existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../test/support/dialects.js'
import { isStorageUnavailable } from '../api/errors.js'
import type { PostgresTimeouts } from './dialects/postgres-timeouts.js'
import { StorageError } from './errors.js'
import { openDatabase, openStore, parseStoreUrl } from './open-store.js'
import { migrationProvider } from './migrations/migration-provider.js'
import { partitionName, periodStart } from './dialects/postgres-partitions.js'

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
      const { db, dialect: storageDialect } = await openDatabase(url)
      try {
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
        // Every migration of the list, each once, and the files' names in order.
        const names = applied.rows.map((row) => row.name).sort()
        assert.deepEqual(
          names,
          Object.keys(await migrationProvider(storageDialect).getMigrations()).sort(),
        )
        assert.equal(new Set(names).size, names.length)
        assert.ok(names.length >= 10)
        assert.equal(names[0], '20261123102500-initial')
      } finally {
        await db.destroy()
      }
    })

    it('refuses to open a store that has applied a migration this version does not know', async () => {
      const url = dialect.url()
      await (await openStore(url)).close()
      const { db } = await openDatabase(url)
      try {
        await sql`insert into kysely_migration (name, timestamp) values ('29991231000000-from-the-future', '2999-12-31T00:00:00.000Z')`.execute(
          db,
        )
      } finally {
        await db.destroy()
      }
      await assert.rejects(
        openStore(url),
        (error: unknown) => error instanceof StorageError && error.code === 'ERR_STORAGE_MIGRATION',
      )
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

      it('makes its folder 0700 and the database, -wal and -shm files 0600, and tightens looser files', async () => {
        const folder = join(dirname(dialect.url()), 'private')
        const file = join(folder, 'store.sqlite')
        const store = await openStore(file)
        try {
          await store.transaction((tx) =>
            tx.issuers.upsert({
              id: 'ru',
              name: 'Russian Federation',
              level: 'federal',
              country: 'RU',
              parentId: undefined,
            }),
          )
          const mode = (path: string) => statSync(path).mode & 0o777
          assert.equal(mode(folder), 0o700)
          for (const path of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(path), 0o600)
        } finally {
          await store.close()
        }
        chmodSync(file, 0o644)
        await (await openStore(file)).close()
        assert.equal(statSync(file).mode & 0o777, 0o600)
      })
    }

    if (dialect.name === 'postgres') {
      it('makes the partitions of the coming days that a migrated store lacks, when it opens', async () => {
        const url = dialect.url()
        await (await openStore(url)).close()
        const coming = partitionName(
          'checkins',
          periodStart(new Date(Date.now() + 3 * 86_400_000), 'day'),
        )
        const exists = async (): Promise<boolean> => {
          const { db } = await openDatabase(url)
          try {
            const { rows } = await sql<{
              found: string | null
            }>`select to_regclass(${coming})::text as found`.execute(db)
            return rows[0]?.found === coming
          } finally {
            await db.destroy()
          }
        }
        assert.equal(await exists(), true)
        const { db } = await openDatabase(url)
        try {
          await sql`drop table ${sql.id(coming)}`.execute(db)
        } finally {
          await db.destroy()
        }
        assert.equal(await exists(), false)
        await (await openStore(url)).close()
        assert.equal(await exists(), true)
      })

      it('sets the statement and idle-in-transaction limits on every connection, and 0 leaves them off', async () => {
        const setting = async (timeouts: PostgresTimeouts, name: string) => {
          const { db } = await openDatabase(dialect.url(), { timeouts })
          try {
            const { rows } = await sql<{
              value: string
            }>`select current_setting(${name}) as value`.execute(db)
            return rows[0]?.value
          } finally {
            await db.destroy()
          }
        }
        const limits = { statementMs: 1500, connectMs: 2000, idleInTransactionMs: 2500 }
        assert.equal(await setting(limits, 'statement_timeout'), '1500ms')
        assert.equal(await setting(limits, 'idle_in_transaction_session_timeout'), '2500ms')
        const none = { statementMs: 0, connectMs: 0, idleInTransactionMs: 0 }
        assert.equal(await setting(none, 'statement_timeout'), '0')
      })

      it('cancels a statement that runs past the limit, as a storage-unavailable error', async () => {
        const { db } = await openDatabase(dialect.url(), {
          timeouts: { statementMs: 200, connectMs: 2000, idleInTransactionMs: 0 },
        })
        try {
          await assert.rejects(sql`select pg_sleep(2)`.execute(db), (error: unknown) => {
            assert.equal((error as { code?: string }).code, '57014')
            assert.ok(isStorageUnavailable(error))
            return true
          })
          // The connection stays usable.
          await sql`select 1`.execute(db)
        } finally {
          await db.destroy()
        }
      })
    }
  })
})
