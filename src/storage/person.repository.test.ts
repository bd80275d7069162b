import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import type { NewPerson } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import { StorageError } from './errors.js'
import { openStore } from './open-store.js'

/** A valid new person of `ru-spb`; each call gets its own document number unless given one. */
let documents = 0
function newPerson(overrides: Partial<NewPerson> = {}): NewPerson {
  documents++
  return {
    issuerId: 'ru-spb',
    familyName: 'Петров',
    givenName: 'Иван',
    familyNameIcao: 'PETROV',
    givenNameIcao: 'IVAN',
    birthDate: '1985-03-14',
    residency: 'resident',
    document: {
      type: 'national-id',
      number: `4012${String(documents).padStart(6, '0')}`,
      country: 'RU',
    },
    phone: undefined,
    email: undefined,
    language: 'ru',
    ...overrides,
  }
}

/** A clock that moves one second on every reading, from a pinned start. */
function steppingClock(start = '2026-11-23T09:00:00.000Z'): () => Date {
  let now = Date.parse(start)
  return () => new Date((now += 1000))
}

function isStorageError(code: StorageError['code']) {
  return (error: unknown): boolean => error instanceof StorageError && error.code === code
}

forEachDialect((dialect) => {
  describe(`people and issuers (${dialect.name})`, () => {
    let store: Store
    before(async () => {
      store = await openStore(dialect.url(), { clock: steppingClock() })
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
        await tx.issuers.upsert({
          id: 'ru-mow',
          name: 'Moscow',
          level: 'region',
          country: 'RU',
          parentId: 'ru',
        })
      })
    })
    after(() => store.close())

    it('upserts an issuer: inserts it once, then replaces its fields', async () => {
      await store.transaction((tx) =>
        tx.issuers.upsert({
          id: 'ru-spb',
          name: 'St. Petersburg',
          level: 'region',
          country: 'RU',
          parentId: 'ru',
        }),
      )
      const issuers = await store.transaction((tx) => tx.issuers.list())
      assert.deepEqual(
        issuers.map((issuer) => issuer.id),
        ['ru', 'ru-mow', 'ru-spb'],
      )
      assert.deepEqual(await store.transaction((tx) => tx.issuers.find('ru-spb')), {
        id: 'ru-spb',
        name: 'St. Petersburg',
        level: 'region',
        country: 'RU',
        parentId: 'ru',
      })
      assert.equal(await store.transaction((tx) => tx.issuers.find('nowhere')), undefined)
    })

    it('creates a person and reads back the same record, with ISO timestamps', async () => {
      const input = newPerson({ phone: '+7 900 000 00 00', email: 'ivan@example.org' })
      const created = await store.transaction((tx) => tx.people.create(input))
      assert.match(created.id, /^[0-9a-f-]{36}$/)
      assert.match(created.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      assert.equal(created.updatedAt, created.createdAt)
      assert.equal(created.accountId, undefined)
      assert.deepEqual(await store.transaction((tx) => tx.people.find(created.id)), created)
      const { id, accountId, createdAt, updatedAt, ...fields } = created
      assert.deepEqual(fields, input)
      assert.equal(await store.transaction((tx) => tx.people.find('no-such-id')), undefined)
    })

    it('finds a person by identity document only when type, number and country all match', async () => {
      const created = await store.transaction((tx) => tx.people.create(newPerson()))
      const { document } = created
      assert.deepEqual(await store.transaction((tx) => tx.people.findByDocument(document)), created)
      for (const other of [
        { ...document, country: 'KZ' },
        { ...document, type: 'passport' as const },
        { ...document, number: `${document.number}9` },
      ]) {
        assert.equal(await store.transaction((tx) => tx.people.findByDocument(other)), undefined)
      }
    })

    it('refuses a second person with the same identity document with ERR_STORAGE_UNIQUE', async () => {
      const first = await store.transaction((tx) => tx.people.create(newPerson()))
      await assert.rejects(
        store.transaction((tx) =>
          tx.people.create(newPerson({ document: first.document, familyName: 'Другой' })),
        ),
        (error: unknown) => {
          assert.ok(error instanceof StorageError)
          assert.equal(error.code, 'ERR_STORAGE_UNIQUE')
          assert.equal(error.table, 'people')
          assert.deepEqual(error.columns, ['document_type', 'document_number', 'document_country'])
          assert.ok(error.cause, 'the driver error is the cause')
          return true
        },
      )
    })

    it('refuses a person of an unknown issuer with ERR_STORAGE_FOREIGN_KEY', async () => {
      await assert.rejects(
        store.transaction((tx) => tx.people.create(newPerson({ issuerId: 'atlantis' }))),
        isStorageError('ERR_STORAGE_FOREIGN_KEY'),
      )
    })

    it('lists the people of one issuer newest first, a page at a time', async () => {
      const created = []
      for (let i = 0; i < 5; i++) {
        created.push(
          await store.transaction((tx) => tx.people.create(newPerson({ issuerId: 'ru-mow' }))),
        )
      }
      const newestFirst = created.map((person) => person.id).reverse()
      const firstPage = await store.transaction((tx) =>
        tx.people.list('ru-mow', { limit: 3, offset: 0 }),
      )
      const secondPage = await store.transaction((tx) =>
        tx.people.list('ru-mow', { limit: 3, offset: 3 }),
      )
      assert.deepEqual(
        [...firstPage, ...secondPage].map((person) => person.id),
        newestFirst,
      )
      assert.ok(firstPage.every((person) => person.issuerId === 'ru-mow'))
    })

    it('updates the given fields, keeps the others, and moves updatedAt on', async () => {
      const created = await store.transaction((tx) =>
        tx.people.create(newPerson({ phone: '+7 900 111 22 33', email: 'old@example.org' })),
      )
      const updated = await store.transaction((tx) =>
        tx.people.update(created.id, {
          familyName: 'Сидоров',
          familyNameIcao: 'SIDOROV',
          document: { type: 'passport', number: `P${created.document.number}`, country: 'RU' },
          phone: undefined,
        }),
      )
      assert.ok(updated)
      assert.equal(updated.familyName, 'Сидоров')
      assert.equal(updated.familyNameIcao, 'SIDOROV')
      assert.equal(updated.givenName, created.givenName)
      assert.deepEqual(updated.document, {
        type: 'passport',
        number: `P${created.document.number}`,
        country: 'RU',
      })
      assert.equal(updated.phone, undefined, 'a key given as undefined clears it')
      assert.equal(updated.email, 'old@example.org', 'a key left out is kept')
      assert.equal(updated.createdAt, created.createdAt)
      assert.ok(updated.updatedAt > created.updatedAt)
      assert.deepEqual(await store.transaction((tx) => tx.people.find(created.id)), updated)
    })

    it('answers undefined when updating a person that does not exist', async () => {
      assert.equal(
        await store.transaction((tx) => tx.people.update('no-such-id', { givenName: 'X' })),
        undefined,
      )
    })

    it('links a person to the account that claimed it', async () => {
      const person = await store.transaction((tx) => tx.people.create(newPerson()))
      const account = await store.transaction((tx) =>
        tx.accounts.create({
          login: `claimer-${person.id}@example.org`,
          displayName: 'Claimer',
          passwordHash: undefined,
          roles: ['citizen'],
          issuerId: undefined,
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        }),
      )
      await store.transaction(async (tx) => {
        await tx.people.setAccount(person.id, account.id)
        await tx.accounts.setPerson(account.id, person.id)
      })
      assert.equal(
        (await store.transaction((tx) => tx.people.find(person.id)))?.accountId,
        account.id,
      )
      assert.equal(
        (await store.transaction((tx) => tx.accounts.find(account.id)))?.personId,
        person.id,
      )
      await assert.rejects(
        store.transaction((tx) => tx.people.setAccount(person.id, 'no-such-account')),
        isStorageError('ERR_STORAGE_FOREIGN_KEY'),
      )
    })
  })
})
