import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { forEachDialect } from '../../test/support/dialects.js'
import type { NewAccount } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import { StorageError } from './errors.js'
import { openDatabase, openStore } from './open-store.js'

let logins = 0
function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
  logins++
  return {
    login: `user${logins}@example.org`,
    displayName: `User ${logins}`,
    passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
    roles: ['clinician', 'administrator'],
    issuerId: 'ru-spb',
    personId: undefined,
    oidcIssuer: undefined,
    oidcSubject: undefined,
    ...overrides,
  }
}

function isStorageError(code: StorageError['code']) {
  return (error: unknown): boolean => error instanceof StorageError && error.code === code
}

forEachDialect((dialect) => {
  describe(`accounts (${dialect.name})`, () => {
    let url: string
    let store: Store
    before(async () => {
      url = dialect.url()
      store = await openStore(url)
      await store.transaction(async (tx) => {
        await tx.issuers.upsert({
          id: 'ru',
          name: 'Russia',
          level: 'federal',
          country: 'RU',
          parentId: undefined,
        })
        await tx.issuers.upsert({
          id: 'ru-spb',
          name: 'SPb',
          level: 'region',
          country: 'RU',
          parentId: 'ru',
        })
      })
    })
    after(() => store.close())

    it('creates an enabled account and finds it by id and by login', async () => {
      const input = newAccount()
      const created = await store.transaction((tx) => tx.accounts.create(input))
      const { id, createdAt, disabled, ...fields } = created
      assert.deepEqual(fields, input)
      assert.equal(disabled, false)
      assert.match(createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      assert.deepEqual(await store.transaction((tx) => tx.accounts.find(id)), created)
      assert.deepEqual(
        await store.transaction((tx) => tx.accounts.findByLogin(input.login)),
        created,
      )
      assert.equal(
        await store.transaction((tx) => tx.accounts.findByLogin('nobody@example.org')),
        undefined,
      )
    })

    it('refuses a second account with the same login with ERR_STORAGE_UNIQUE', async () => {
      const first = await store.transaction((tx) => tx.accounts.create(newAccount()))
      await assert.rejects(
        store.transaction((tx) => tx.accounts.create(newAccount({ login: first.login }))),
        (error: unknown) =>
          error instanceof StorageError &&
          error.code === 'ERR_STORAGE_UNIQUE' &&
          error.table === 'accounts' &&
          error.columns?.join() === 'login',
      )
    })

    it('finds an account by OIDC issuer and subject, and keeps that pair unique', async () => {
      const issuer = 'https://id.example.org'
      const linked = await store.transaction((tx) =>
        tx.accounts.create(
          newAccount({
            roles: ['citizen'],
            issuerId: undefined,
            passwordHash: undefined,
            oidcIssuer: issuer,
            oidcSubject: 'sub-1',
          }),
        ),
      )
      assert.deepEqual(
        await store.transaction((tx) => tx.accounts.findByOidc(issuer, 'sub-1')),
        linked,
      )
      assert.equal(
        await store.transaction((tx) => tx.accounts.findByOidc(issuer, 'sub-2')),
        undefined,
      )
      assert.equal(
        await store.transaction((tx) =>
          tx.accounts.findByOidc('https://other.example.org', 'sub-1'),
        ),
        undefined,
      )
      await assert.rejects(
        store.transaction((tx) =>
          tx.accounts.create(newAccount({ oidcIssuer: issuer, oidcSubject: 'sub-1' })),
        ),
        isStorageError('ERR_STORAGE_UNIQUE'),
      )
      // Accounts without an external identity do not collide with each other.
      await store.transaction(async (tx) => {
        await tx.accounts.create(newAccount())
        await tx.accounts.create(newAccount())
      })
    })

    it('refuses an account of an unknown issuer with ERR_STORAGE_FOREIGN_KEY', async () => {
      await assert.rejects(
        store.transaction((tx) => tx.accounts.create(newAccount({ issuerId: 'atlantis' }))),
        isStorageError('ERR_STORAGE_FOREIGN_KEY'),
      )
    })

    it('changes the password hash', async () => {
      const account = await store.transaction((tx) => tx.accounts.create(newAccount()))
      await store.transaction((tx) => tx.accounts.setPasswordHash(account.id, 'new-hash'))
      assert.equal(
        (await store.transaction((tx) => tx.accounts.find(account.id)))?.passwordHash,
        'new-hash',
      )
    })

    it('lists accounts oldest first, a page at a time', async () => {
      const all = await store.transaction((tx) => tx.accounts.list({ limit: 1000, offset: 0 }))
      const pages = [
        ...(await store.transaction((tx) => tx.accounts.list({ limit: 2, offset: 0 }))),
        ...(await store.transaction((tx) => tx.accounts.list({ limit: 1000, offset: 2 }))),
      ]
      assert.ok(all.length >= 3)
      assert.deepEqual(pages, all)
      for (let i = 1; i < all.length; i++) {
        assert.ok((all[i - 1]?.createdAt ?? '') <= (all[i]?.createdAt ?? ''))
      }
    })

    it('drops a stored role name the code no longer knows, rather than grant it', async () => {
      const account = await store.transaction((tx) =>
        tx.accounts.create(newAccount({ roles: ['citizen'] })),
      )
      const { db } = await openDatabase(url)
      try {
        await sql`update accounts set roles = ${JSON.stringify(['citizen', 'superuser'])} where id = ${account.id}`.execute(
          db,
        )
      } finally {
        await db.destroy()
      }
      assert.deepEqual((await store.transaction((tx) => tx.accounts.find(account.id)))?.roles, [
        'citizen',
      ])
    })
  })
})
