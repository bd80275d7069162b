import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../../test/support/dialects.js'
import { migrateUpTo } from '../../../test/support/migrations.js'
import {
  GENESIS_HASH,
  auditEntryHash,
  canonicalJson,
  checkAuditChainStream,
} from '../../domain/audit/audit-chain.js'
import { KyselyAuditLog } from '../audit-log.repository.js'
import { migrateToLatest, openDatabase } from '../open-store.js'

forEachDialect((dialect) => {
  describe(`the issuer-owners migration (${dialect.name})`, () => {
    it('gives existing rules, policies and venues to the root issuer and keeps the audit chain intact', async () => {
      const { db, dialect: storage } = await openDatabase(dialect.url())
      try {
        await migrateUpTo(db, storage, '20261123160000-counter-index')
        await sql`insert into issuers (id, name, level, country, parent_id)
          values ('ru', 'Russian Federation', 'federal', 'RU', null),
                 ('ru-spb', 'St. Petersburg', 'region', 'RU', 'ru')`.execute(db)
        await sql`insert into risk_rulesets (version, rules, note, created_by, created_at)
          values (2, '[]', null, null, '2026-11-01T00:00:00.000Z')`.execute(db)
        await sql`insert into entry_policies (category, policy, updated_by, updated_at)
          values ('theatre', '{"acceptGreenCode":true,"acceptCertificates":[],"testMaxAgeHours":72}', null, '2026-11-01T00:00:00.000Z')`.execute(
          db,
        )
        await sql`insert into venues (id, name, category, address, district, company_id, operator_account_id, poster_secret, created_at)
          values ('v1', 'Hall', 'theatre', 'Square 1', 'RU-SPB', null, 'a1', 's', '2026-11-01T00:00:00.000Z')`.execute(
          db,
        )
        // Two entries as the log wrote them before entries named an issuer.
        let previousHash = GENESIS_HASH
        for (const [index, action] of ['one', 'two'].entries()) {
          const entry = {
            sequence: index + 1,
            at: '2026-11-01T00:00:00.000Z',
            actorAccountId: undefined,
            action,
            entityType: 'test',
            entityId: action,
            reason: undefined,
            data: { action },
            previousHash,
          }
          const hash = auditEntryHash(entry)
          await sql`insert into audit_log (sequence, at, actor_account_id, action, entity_type, entity_id, reason, data, previous_hash, hash)
            values (${entry.sequence}, ${entry.at}, null, ${action}, 'test', ${action}, null, ${canonicalJson(entry.data)}, ${previousHash}, ${hash})`.execute(
            db,
          )
          previousHash = hash
        }

        await migrateToLatest(db, storage)

        const owners = async (table: string) =>
          (
            await sql<{
              issuer_id: string | null
            }>`select issuer_id from ${sql.table(table)}`.execute(db)
          ).rows.map((row) => row.issuer_id)
        assert.deepEqual(await owners('risk_rulesets'), ['ru'])
        assert.deepEqual(await owners('venues'), ['ru'])
        assert.deepEqual(await owners('entry_policies'), ['ru'])
        assert.deepEqual(await owners('audit_log'), [null, null])
        const context = { db, dialect: storage, clock: () => new Date('2026-11-02T00:00:00Z') }
        const log = new KyselyAuditLog(context)
        await log.append(
          {
            actorAccountId: undefined,
            issuerId: 'ru-spb',
            action: 'three',
            entityType: 'test',
            entityId: 'three',
            reason: undefined,
            data: {},
          },
          '2026-11-02T00:00:00.000Z',
        )
        const check = await checkAuditChainStream(log.all())
        assert.deepEqual(check, { intact: true, entries: 3 })
        assert.deepEqual(
          (await log.list({ issuerIds: ['ru-spb'] })).map((entry) => entry.action),
          ['three'],
        )
        assert.deepEqual(
          (await log.list({ issuerIds: ['ru'], unowned: true })).map((entry) => entry.action),
          ['one', 'two'],
        )
      } finally {
        await db.destroy()
      }
    })
  })
})
