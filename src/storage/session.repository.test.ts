import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import type { Account, Session } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import { StorageError } from './errors.js'
import { openStore } from './open-store.js'

let tokens = 0
function newSession(
  accountId: string,
  overrides: Partial<Omit<Session, 'id'>> = {},
): Omit<Session, 'id'> {
  tokens++
  return {
    accountId,
    tokenHash: `session-hash-${tokens}`,
    csrfToken: `csrf-${tokens}`,
    createdAt: '2026-11-23T09:00:00.000Z',
    expiresAt: '2026-11-23T21:00:00.000Z',
    ...overrides,
  }
}

forEachDialect((dialect) => {
  describe(`sessions (${dialect.name})`, () => {
    let store: Store
    let account: Account
    before(async () => {
      store = await openStore(dialect.url())
      account = await store.transaction((tx) =>
        tx.accounts.create({
          login: 'citizen@example.org',
          displayName: 'Citizen',
          passwordHash: 'hash',
          roles: ['citizen'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
    })
    after(() => store.close())

    it('creates a session and finds it by the hash of its token', async () => {
      const input = newSession(account.id)
      const created = await store.transaction((tx) => tx.sessions.create(input))
      const { id, ...fields } = created
      assert.match(id, /^[0-9a-f-]{36}$/)
      assert.deepEqual(fields, input)
      assert.deepEqual(
        await store.transaction((tx) => tx.sessions.findByTokenHash(input.tokenHash)),
        created,
      )
      assert.equal(
        await store.transaction((tx) => tx.sessions.findByTokenHash('unknown')),
        undefined,
      )
    })

    it('stores timestamps in one form, so that they compare as times', async () => {
      const created = await store.transaction((tx) =>
        tx.sessions.create(
          newSession(account.id, {
            createdAt: '2026-11-23T12:00:00+03:00',
            expiresAt: '2026-11-23T21:00Z',
          }),
        ),
      )
      assert.equal(created.createdAt, '2026-11-23T09:00:00.000Z')
      assert.equal(created.expiresAt, '2026-11-23T21:00:00.000Z')
      await assert.rejects(
        store.transaction((tx) =>
          tx.sessions.create(newSession(account.id, { expiresAt: 'tomorrow' })),
        ),
        (error: unknown) => error instanceof StorageError && error.code === 'ERR_STORAGE_TIMESTAMP',
      )
    })

    it('refuses a second session with the same token hash with ERR_STORAGE_UNIQUE', async () => {
      const first = await store.transaction((tx) => tx.sessions.create(newSession(account.id)))
      await assert.rejects(
        store.transaction((tx) =>
          tx.sessions.create(newSession(account.id, { tokenHash: first.tokenHash })),
        ),
        (error: unknown) => error instanceof StorageError && error.code === 'ERR_STORAGE_UNIQUE',
      )
    })

    it('deletes one session', async () => {
      const session = await store.transaction((tx) => tx.sessions.create(newSession(account.id)))
      await store.transaction((tx) => tx.sessions.delete(session.id))
      assert.equal(
        await store.transaction((tx) => tx.sessions.findByTokenHash(session.tokenHash)),
        undefined,
      )
    })

    it('deletes the sessions expired at a time, and counts them', async () => {
      const expired = await store.transaction(async (tx) => [
        await tx.sessions.create(newSession(account.id, { expiresAt: '2020-01-01T00:00:00.000Z' })),
        await tx.sessions.create(newSession(account.id, { expiresAt: '2020-06-01T12:00:00.000Z' })),
      ])
      const live = await store.transaction((tx) =>
        tx.sessions.create(newSession(account.id, { expiresAt: '2020-06-01T12:00:00.001Z' })),
      )
      assert.equal(
        await store.transaction((tx) => tx.sessions.deleteExpired('2020-06-01T12:00:00.000Z')),
        2,
      )
      for (const session of expired) {
        assert.equal(
          await store.transaction((tx) => tx.sessions.findByTokenHash(session.tokenHash)),
          undefined,
        )
      }
      assert.deepEqual(
        await store.transaction((tx) => tx.sessions.findByTokenHash(live.tokenHash)),
        live,
      )
      assert.equal(
        await store.transaction((tx) => tx.sessions.deleteExpired('2020-06-01T12:00:00.000Z')),
        0,
      )
    })
  })
})
