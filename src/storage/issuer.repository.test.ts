import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import type { Store } from '../domain/ports.js'
import { StorageError } from './errors.js'
import { openStore } from './open-store.js'

function isStorageError(code: StorageError['code']) {
  return (error: unknown): boolean => error instanceof StorageError && error.code === code
}

forEachDialect((dialect) => {
  describe(`creating issuers (${dialect.name})`, () => {
    let store: Store
    before(async () => {
      store = await openStore(dialect.url())
      await store.transaction((tx) =>
        tx.issuers.create({
          id: 'ru',
          name: 'Russia',
          level: 'federal',
          country: 'RU',
          parentId: undefined,
        }),
      )
    })
    after(() => store.close())

    it('creates an issuer under an existing one', async () => {
      await store.transaction((tx) =>
        tx.issuers.create({
          id: 'ru-mow',
          name: 'Moscow',
          level: 'region',
          country: 'RU',
          parentId: 'ru',
        }),
      )
      assert.deepEqual(await store.transaction((tx) => tx.issuers.find('ru-mow')), {
        id: 'ru-mow',
        name: 'Moscow',
        level: 'region',
        country: 'RU',
        parentId: 'ru',
      })
    })

    it('refuses a taken id and keeps the stored issuer, where upsert would replace it', async () => {
      await assert.rejects(
        store.transaction((tx) =>
          tx.issuers.create({
            id: 'ru',
            name: 'Replaced',
            level: 'federal',
            country: 'KZ',
            parentId: undefined,
          }),
        ),
        isStorageError('ERR_STORAGE_UNIQUE'),
      )
      assert.equal((await store.transaction((tx) => tx.issuers.find('ru')))?.name, 'Russia')
    })

    it('refuses an unknown parent', async () => {
      await assert.rejects(
        store.transaction((tx) =>
          tx.issuers.create({
            id: 'ru-tver',
            name: 'Tver',
            level: 'region',
            country: 'RU',
            parentId: 'ru-atlantis',
          }),
        ),
        isStorageError('ERR_STORAGE_FOREIGN_KEY'),
      )
      assert.equal(await store.transaction((tx) => tx.issuers.find('ru-tver')), undefined)
    })
  })
})
