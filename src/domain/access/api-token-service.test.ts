import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { sql } from 'kysely'
import { openDatabase, openStore } from '../../storage/open-store.js'
import type { Store } from '../ports.js'
import { actorOf } from './actor.js'
import { ApiTokenService } from './api-token-service.js'

forEachDialect((dialect) => {
  describe(`ApiTokenService.actorForSecret (${dialect.name})`, () => {
    let store: Store
    let otherConnection: Store
    let url: string
    let now = Date.parse('2026-11-23T09:00:00.000Z')
    const clock = () => new Date(now)
    before(async () => {
      url = dialect.url()
      store = await openStore(url)
      // Another connection to the same database, as the SQLite check-in writer thread is.
      otherConnection = await openStore(url)
    })
    after(async () => {
      await otherConnection.close()
      await store.close()
    })

    /** The store, with another connection committing a write right after each token lookup. */
    function storeWithWriterCommittingDuringLookups(): Store {
      let commits = 0
      const racing: Store = {
        dialect: store.dialect,
        ping: () => store.ping(),
        close: () => store.close(),
        appendCheckins: (items) => store.appendCheckins(items),
        touchApiTokens: (touches) => store.touchApiTokens(touches),
        preparePartitions: (now) => store.preparePartitions(now),
        runAlone: (name, work) => store.runAlone(name, work),
        limitCounters: store.limitCounters,
        transaction: (work) =>
          store.transaction((tx) => {
            const apiTokens = Object.create(tx.apiTokens) as typeof tx.apiTokens
            apiTokens.findByTokenHash = async (hash) => {
              const token = await tx.apiTokens.findByTokenHash(hash)
              commits++
              await otherConnection.transaction((other) =>
                other.issuers.upsert({
                  id: `writer-${commits}`,
                  name: 'A commit made while the lookup reads',
                  level: 'region',
                  country: 'RU',
                  parentId: undefined,
                }),
              )
              return token
            }
            return work({ ...tx, apiTokens })
          }),
        // The token lookup reads through `read`: the same racing writer there.
        read: (work) => racing.transaction(work),
      }
      return racing
    }

    it('answers, and records the last use, while another connection commits during the lookup', async () => {
      const apiTokens = new ApiTokenService(store, clock)
      const account = await store.transaction((tx) =>
        tx.accounts.create({
          login: 'scanner@test',
          displayName: 'Door scanner',
          passwordHash: 'hash',
          roles: ['venue_operator'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
      const { token, secret } = await apiTokens.create(actorOf(account, 'token'), 'door scanner')
      // A fresh service: nothing cached, so the lookup reads the token and writes its last use.
      const racing = new ApiTokenService(storeWithWriterCommittingDuringLookups(), clock)
      const actor = await racing.actorForSecret(secret)
      assert.equal(actor?.accountId, account.id)
      const stored = await store.transaction((tx) => tx.apiTokens.find(token.id))
      assert.equal(stored?.lastUsedAt, '2026-11-23T09:00:00.000Z')
    })

    it('writes the last use at most once a minute per token', async () => {
      const apiTokens = new ApiTokenService(store, clock)
      const account = await store.transaction((tx) =>
        tx.accounts.create({
          login: 'partner@test',
          displayName: 'Partner app',
          passwordHash: 'hash',
          roles: ['venue_operator'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
      const { token, secret } = await apiTokens.create(actorOf(account, 'token'), 'app')
      const lastUse = async () =>
        (await store.transaction((tx) => tx.apiTokens.find(token.id)))?.lastUsedAt
      // Each call through a fresh service reads the token again (no cached actor).
      now = Date.parse('2026-11-23T10:00:00.000Z')
      await new ApiTokenService(store, clock).actorForSecret(secret)
      assert.equal(await lastUse(), '2026-11-23T10:00:00.000Z')
      now += 30_000
      await new ApiTokenService(store, clock).actorForSecret(secret)
      assert.equal(await lastUse(), '2026-11-23T10:00:00.000Z')
      now += 30_000
      await new ApiTokenService(store, clock).actorForSecret(secret)
      assert.equal(await lastUse(), '2026-11-23T10:01:00.000Z')
    })

    if (dialect.name === 'sqlite') {
      it('answers without writing the last use while another connection holds the write lock', async () => {
        const apiTokens = new ApiTokenService(store, clock)
        const account = await store.transaction((tx) =>
          tx.accounts.create({
            login: 'busy@test',
            displayName: 'Busy scanner',
            passwordHash: 'hash',
            roles: ['venue_operator'],
            issuerId: undefined,
            personId: undefined,
            oidcIssuer: undefined,
            oidcSubject: undefined,
          }),
        )
        const { token, secret } = await apiTokens.create(actorOf(account, 'token'), 'b')
        now = Date.parse('2026-11-23T12:00:00.000Z')
        const { db: writer } = await openDatabase(url)
        try {
          await sql`begin immediate`.execute(writer)
          const actor = await new ApiTokenService(store, clock).actorForSecret(secret)
          assert.equal(actor?.accountId, account.id)
          await sql`rollback`.execute(writer)
        } finally {
          await writer.destroy()
        }
        assert.equal(
          (await store.transaction((tx) => tx.apiTokens.find(token.id)))?.lastUsedAt,
          undefined,
        )
        // Tried again at a later lookup, once the database is free.
        await new ApiTokenService(store, clock).actorForSecret(secret)
        assert.equal(
          (await store.transaction((tx) => tx.apiTokens.find(token.id)))?.lastUsedAt,
          '2026-11-23T12:00:00.000Z',
        )
      })
    }
  })
})
