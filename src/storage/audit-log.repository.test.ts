import assert from 'node:assert/strict'
import { setImmediate } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { forEachDialect } from '../../test/support/dialects.js'
import {
  GENESIS_HASH,
  checkAuditChain,
  checkAuditChainStream,
} from '../domain/audit/audit-chain.js'
import type { AuditEntry, NewAuditEntry } from '../domain/audit/audit-entry.js'
import { systemClock } from '../domain/clock.js'
import type { Store } from '../domain/ports.js'
import { KyselyAuditLog } from './audit-log.repository.js'
import type { StorageDialect } from './dialects/storage-dialect.js'
import { StorageError } from './errors.js'
import { openDatabase, openStore } from './open-store.js'
import { withConstraintErrors } from './repository-context.js'
import type { Database } from './schema.js'

function newEntry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    actorAccountId: 'account-1',
    action: 'person.update',
    entityType: 'person',
    entityId: 'person-1',
    reason: 'typo in the name',
    data: { familyName: 'Петров', nested: { b: 2, a: [1, 'two'] } },
    ...overrides,
  }
}

async function appendMany(store: Store, count: number): Promise<AuditEntry[]> {
  return store.transaction(async (tx) => {
    const appended = []
    for (let i = 0; i < count; i++) {
      appended.push(
        await tx.audit.append(newEntry({ entityId: `person-${i}` }), '2026-11-23T09:00:00.000Z'),
      )
    }
    return appended
  })
}

forEachDialect((dialect) => {
  describe(`the audit log (${dialect.name})`, () => {
    let store: Store
    before(async () => {
      store = await openStore(dialect.url())
    })
    after(() => store.close())

    it('appends entries chained from the genesis hash and reads back exactly what it returned', async () => {
      const first = await store.transaction((tx) =>
        tx.audit.append(
          newEntry({ actorAccountId: undefined, reason: undefined }),
          '2026-11-23T12:00:00+03:00',
        ),
      )
      const second = await store.transaction((tx) =>
        tx.audit.append(newEntry({ data: undefined }), '2026-11-23T09:00:01Z'),
      )
      assert.equal(first.sequence, 1)
      assert.equal(first.previousHash, GENESIS_HASH)
      assert.equal(first.at, '2026-11-23T09:00:00.000Z')
      assert.equal(first.actorAccountId, undefined)
      assert.equal(first.reason, undefined)
      assert.equal(second.sequence, 2)
      assert.equal(second.previousHash, first.hash)
      assert.equal(second.data, null, 'undefined data is stored as null')
      const stored = await store.transaction((tx) => tx.audit.list())
      assert.deepEqual(stored, [first, second])
      assert.deepEqual(checkAuditChain(stored), { intact: true, entries: 2 })
    })

    it('stores what JSON keeps of the data, so that the entry still verifies when read back', async () => {
      const appended = await store.transaction((tx) =>
        tx.audit.append(
          newEntry({
            data: { when: new Date('2026-01-01T00:00:00Z'), gone: undefined, kept: null },
          }),
          '2026-11-23T09:00:00.000Z',
        ),
      )
      assert.deepEqual(appended.data, { when: '2026-01-01T00:00:00.000Z', kept: null })
      const [stored] = await store.transaction((tx) =>
        tx.audit.list({ fromSequence: appended.sequence }),
      )
      assert.deepEqual(stored, appended)
    })

    it('gives 200 appends from 20 concurrent transactions the sequences 1..200 of one intact chain', async () => {
      const concurrent = await openStore(dialect.url())
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, writer) =>
            concurrent.transaction(async (tx) => {
              for (let i = 0; i < 10; i++) {
                await tx.audit.append(
                  newEntry({ entityId: `writer-${writer}-${i}` }),
                  new Date().toISOString(),
                )
                // Yield between appends so that the transactions really interleave where they can.
                await setImmediate()
              }
            }),
          ),
        )
        const entries = await concurrent.transaction((tx) => tx.audit.list())
        assert.deepEqual(
          entries.map((entry) => entry.sequence),
          Array.from({ length: 200 }, (_, i) => i + 1),
        )
        assert.deepEqual(checkAuditChain(entries), { intact: true, entries: 200 })
        assert.equal(new Set(entries.map((entry) => entry.entityId)).size, 200)
      } finally {
        await concurrent.close()
      }
    })

    it('lists from a sequence, at most a limit', async () => {
      const all = await store.transaction((tx) => tx.audit.list())
      const page = await store.transaction((tx) => tx.audit.list({ fromSequence: 2, limit: 2 }))
      assert.deepEqual(page, all.slice(1, 3))
      assert.deepEqual(
        await store.transaction((tx) => tx.audit.list({ fromSequence: all.length + 1 })),
        [],
      )
    })

    it('streams every entry in order, a page at a time', async () => {
      const url = dialect.url()
      const fresh = await openStore(url)
      const written = await appendMany(fresh, 23)
      await fresh.close()
      const { db, dialect: storageDialect } = await openDatabase(url)
      try {
        for (const pageSize of [1, 7, 23, 1000]) {
          const streamed = await storageDialect.transaction(db, async (trx) => {
            const log = new KyselyAuditLog(
              { db: trx, dialect: storageDialect, clock: systemClock },
              pageSize,
            )
            const entries = []
            for await (const entry of log.all()) entries.push(entry)
            return entries
          })
          assert.deepEqual(streamed, written, `page size ${pageSize}`)
        }
      } finally {
        await db.destroy()
      }
    })

    describe('tampering', () => {
      let url: string
      let db: Kysely<Database>
      let storageDialect: StorageDialect
      before(async () => {
        url = dialect.url()
        const fresh = await openStore(url)
        await appendMany(fresh, 5)
        await fresh.close()
        ;({ db, dialect: storageDialect } = await openDatabase(url))
      })
      after(() => db.destroy())

      it('refuses UPDATE and DELETE of audit entries in the database', async () => {
        const attempts = [
          sql`update audit_log set reason = 'edited' where sequence = 3`,
          sql`delete from audit_log where sequence = 5`,
          ...(dialect.name === 'postgres' ? [sql`truncate audit_log`] : []),
        ]
        for (const attempt of attempts) {
          await assert.rejects(attempt.execute(db), /audit_log is append-only/)
          await assert.rejects(
            withConstraintErrors(
              { db, dialect: storageDialect, clock: systemClock },
              attempt.execute(db),
            ),
            (error: unknown) =>
              error instanceof StorageError && error.code === 'ERR_STORAGE_APPEND_ONLY',
          )
        }
        const store = await openStore(url)
        try {
          assert.deepEqual(await store.transaction((tx) => checkAuditChainStream(tx.audit.all())), {
            intact: true,
            entries: 5,
          })
        } finally {
          await store.close()
        }
      })

      it('reports the altered entry when someone drops the trigger and edits the data behind it', async () => {
        // An attacker with access to the database removes the guard first.
        if (dialect.name === 'postgres') {
          await sql`drop trigger audit_log_append_only on audit_log`.execute(db)
        } else {
          const triggers = await sql<{
            name: string
          }>`select name from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'`.execute(
            db,
          )
          assert.equal(triggers.rows.length, 2)
          for (const { name } of triggers.rows) await sql`drop trigger ${sql.id(name)}`.execute(db)
        }
        await sql`update audit_log set data = ${JSON.stringify({ familyName: 'Иванов' })} where sequence = 3`.execute(
          db,
        )

        const store = await openStore(url)
        try {
          const entries = await store.transaction((tx) => tx.audit.list())
          const check = checkAuditChain(entries)
          assert.equal(check.intact, false)
          assert.equal(check.intact === false && check.firstBadSequence, 3)
          const streamed = await store.transaction((tx) => checkAuditChainStream(tx.audit.all()))
          assert.deepEqual(streamed, check)
        } finally {
          await store.close()
        }
      })
    })
  })
})
