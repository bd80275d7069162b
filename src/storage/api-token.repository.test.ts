import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import type { Account, ApiToken } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import { StorageError } from './errors.js'
import { openStore } from './open-store.js'

let tokens = 0
function newToken(accountId: string): Omit<ApiToken, 'id' | 'revokedAt' | 'lastUsedAt'> {
  tokens++
  return {
    accountId,
    name: `device ${tokens}`,
    tokenHash: `token-hash-${tokens}`,
    createdAt: `2026-11-23T09:00:${String(tokens).padStart(2, '0')}.000Z`,
  }
}

forEachDialect((dialect) => {
  describe(`API tokens (${dialect.name})`, () => {
    let store: Store
    let account: Account
    before(async () => {
      store = await openStore(dialect.url())
      account = await store.transaction((tx) =>
        tx.accounts.create({
          login: 'partner@example.org',
          displayName: 'Partner',
          passwordHash: 'hash',
          roles: ['venue_operator'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
    })
    after(() => store.close())

    it('creates an unrevoked, unused token and finds it by id and by secret hash', async () => {
      const input = newToken(account.id)
      const created = await store.transaction((tx) => tx.apiTokens.create(input))
      assert.deepEqual(created, {
        id: created.id,
        ...input,
        revokedAt: undefined,
        lastUsedAt: undefined,
      })
      assert.deepEqual(await store.transaction((tx) => tx.apiTokens.find(created.id)), created)
      assert.deepEqual(
        await store.transaction((tx) => tx.apiTokens.findByTokenHash(input.tokenHash)),
        created,
      )
      assert.equal(
        await store.transaction((tx) => tx.apiTokens.findByTokenHash('unknown')),
        undefined,
      )
    })

    it('refuses a second token with the same secret hash with ERR_STORAGE_UNIQUE', async () => {
      const first = await store.transaction((tx) => tx.apiTokens.create(newToken(account.id)))
      await assert.rejects(
        store.transaction((tx) =>
          tx.apiTokens.create({ ...newToken(account.id), tokenHash: first.tokenHash }),
        ),
        (error: unknown) => error instanceof StorageError && error.code === 'ERR_STORAGE_UNIQUE',
      )
    })

    it('revokes a token once: revoking it again keeps the first time', async () => {
      const token = await store.transaction((tx) => tx.apiTokens.create(newToken(account.id)))
      await store.transaction((tx) => tx.apiTokens.revoke(token.id, '2026-11-23T10:00:00.000Z'))
      await store.transaction((tx) => tx.apiTokens.revoke(token.id, '2026-11-23T11:00:00.000Z'))
      assert.equal(
        (await store.transaction((tx) => tx.apiTokens.find(token.id)))?.revokedAt,
        '2026-11-23T10:00:00.000Z',
      )
    })

    it('records when a token was last used', async () => {
      const token = await store.transaction((tx) => tx.apiTokens.create(newToken(account.id)))
      await store.transaction((tx) => tx.apiTokens.touch(token.id, '2026-11-23T10:00:00.000Z'))
      await store.transaction((tx) => tx.apiTokens.touch(token.id, '2026-11-23T10:05:00.000Z'))
      const touched = await store.transaction((tx) => tx.apiTokens.find(token.id))
      assert.equal(touched?.lastUsedAt, '2026-11-23T10:05:00.000Z')
      assert.equal(touched?.revokedAt, undefined)
    })

    it("lists an account's tokens oldest first, and no one else's", async () => {
      const other = await store.transaction((tx) =>
        tx.accounts.create({
          login: 'other@example.org',
          displayName: 'Other',
          passwordHash: undefined,
          roles: ['citizen'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
      const mine = await store.transaction(async (tx) => [
        await tx.apiTokens.create(newToken(other.id)),
        await tx.apiTokens.create(newToken(other.id)),
      ])
      await store.transaction((tx) => tx.apiTokens.create(newToken(account.id)))
      assert.deepEqual(await store.transaction((tx) => tx.apiTokens.listForAccount(other.id)), mine)
    })
  })
})
