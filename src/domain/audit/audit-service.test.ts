import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openDatabase, openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { AuditService } from './audit-service.js'

forEachDialect((dialect) => {
  describe(`AuditService (${dialect.name})`, () => {
    let store: Store
    let url: string
    const time = testClock('2026-11-23T09:00:00.000Z')
    let audit: AuditService
    let federalAdmin: Actor
    let spbAdmin: Actor
    let spbAuthority: Actor
    let mskAuthority: Actor

    const append = (action: string, issuerId: string | undefined) =>
      store.transaction((tx) =>
        tx.audit.append(
          {
            actorAccountId: undefined,
            issuerId,
            action,
            entityType: 'test',
            entityId: action,
            reason: undefined,
            data: { issuerId: issuerId ?? null },
          },
          time().toISOString(),
        ),
      )
    const actions = async (actor: Actor, from = 1, limit = 1000) =>
      (await audit.list(actor, { from, limit }))
        .map((entry) => entry.action)
        .filter((action) => action.startsWith('test.'))

    before(async () => {
      url = dialect.url()
      store = await openStore(url)
      await makeIssuers(store)
      audit = new AuditService(store)
      federalAdmin = await makeActor(store, ['administrator'], 'ru')
      spbAdmin = await makeActor(store, ['administrator'], 'ru-spb')
      spbAuthority = await makeActor(store, ['health_authority'], 'ru-spb')
      mskAuthority = await makeActor(store, ['health_authority'], 'ru-msk')
      await append('test.spb', 'ru-spb')
      await append('test.msk', 'ru-msk')
      await append('test.federal', 'ru')
      await append('test.system', undefined)
    })
    after(() => store.close())

    it('shows each region’s staff their own entries, and the root’s staff every entry, unowned ones included', async () => {
      assert.deepEqual(await actions(spbAuthority), ['test.spb'])
      assert.deepEqual(await actions(mskAuthority), ['test.msk'])
      assert.deepEqual(await actions(federalAdmin), [
        'test.spb',
        'test.msk',
        'test.federal',
        'test.system',
      ])
    })

    it('pages by sequence number', async () => {
      const all = await audit.list(federalAdmin, { from: 1, limit: 1000 })
      const third = all[2]
      assert.ok(third)
      const page = await audit.list(federalAdmin, { from: third.sequence, limit: 2 })
      assert.deepEqual(
        page.map((entry) => entry.sequence),
        all.slice(2, 4).map((entry) => entry.sequence),
      )
    })

    it('refuses the log to roles that do not read it and to accounts of no issuer', async () => {
      const clinician = await makeActor(store, ['clinician'], 'ru-spb')
      const { actor: citizen } = await makeCitizen(store, 'ru-spb', time)
      await rejectsWith(audit.list(clinician, { from: 1, limit: 10 }), 'ERR_FORBIDDEN')
      await rejectsWith(audit.list(citizen, { from: 1, limit: 10 }), 'ERR_FORBIDDEN')
      await rejectsWith(audit.verify(spbAuthority), 'ERR_FORBIDDEN')
    })

    it('verifies the whole chain for an administrator and counts the entries they may read', async () => {
      const spbCount = (await audit.list(spbAdmin, { from: 1, limit: 100_000 })).length
      const allCount = (await audit.list(federalAdmin, { from: 1, limit: 100_000 })).length
      assert.deepEqual(await audit.verify(spbAdmin), { intact: true, entries: spbCount })
      assert.deepEqual(await audit.verify(federalAdmin), { intact: true, entries: allCount })
    })

    if (dialect.name === 'sqlite') {
      it('names the first entry edited behind the append-only guard', async () => {
        const entries = await audit.list(federalAdmin, { from: 1, limit: 100_000 })
        const target = entries.find((entry) => entry.action === 'test.msk')
        assert.ok(target)
        const { db } = await openDatabase(url)
        try {
          const triggers = await sql<{
            name: string
          }>`select name from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'`.execute(
            db,
          )
          for (const { name } of triggers.rows) await sql`drop trigger ${sql.id(name)}`.execute(db)
          await sql`update audit_log set reason = 'edited' where sequence = ${target.sequence}`.execute(
            db,
          )
        } finally {
          await db.destroy()
        }
        const check = await audit.verify(spbAdmin)
        assert.equal(check.intact, false)
        assert.equal(check.intact === false && check.firstBadSequence, target.sequence)
      })
    }
  })
})
