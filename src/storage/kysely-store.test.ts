import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import type { NewPerson } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import { openStore } from './open-store.js'

function newPerson(number: string): NewPerson {
  return {
    issuerId: 'ru',
    familyName: 'Петров',
    givenName: 'Иван',
    familyNameIcao: 'PETROV',
    givenNameIcao: 'IVAN',
    birthDate: '1985-03-14',
    residency: 'resident',
    document: { type: 'passport', number, country: 'RU' },
    phone: undefined,
    email: undefined,
    language: 'ru',
  }
}

forEachDialect((dialect) => {
  describe(`Store.transaction (${dialect.name})`, () => {
    let store: Store
    before(async () => {
      store = await openStore(dialect.url())
      await store.transaction((tx) =>
        tx.issuers.upsert({
          id: 'ru',
          name: 'Russia',
          level: 'federal',
          country: 'RU',
          parentId: undefined,
        }),
      )
    })
    after(() => store.close())

    it('commits a change and its audit entry together', async () => {
      const person = await store.transaction(async (tx) => {
        const created = await tx.people.create(newPerson('COMMIT1'))
        await tx.audit.append(
          {
            actorAccountId: undefined,
            action: 'person.create',
            entityType: 'person',
            entityId: created.id,
            reason: undefined,
            data: created,
          },
          '2026-11-23T09:00:00.000Z',
        )
        return created
      })
      assert.deepEqual(await store.transaction((tx) => tx.people.find(person.id)), person)
      const entries = await store.transaction((tx) => tx.audit.list())
      assert.equal(entries.at(-1)?.entityId, person.id)
    })

    it('leaves neither the row nor its audit entry when the work rejects, and passes the rejection on', async () => {
      const before = await store.transaction((tx) => tx.audit.list())
      const failure = new Error('the work failed after writing')
      let personId: string | undefined
      await assert.rejects(
        store.transaction(async (tx) => {
          const created = await tx.people.create(newPerson('ROLLBACK1'))
          personId = created.id
          await tx.audit.append(
            {
              actorAccountId: undefined,
              action: 'person.create',
              entityType: 'person',
              entityId: created.id,
              reason: undefined,
              data: created,
            },
            '2026-11-23T09:00:00.000Z',
          )
          assert.ok(await tx.people.find(created.id), 'the transaction sees its own write')
          throw failure
        }),
        (error: unknown) => error === failure,
      )
      assert.ok(personId)
      assert.equal(await store.transaction((tx) => tx.people.find(personId as string)), undefined)
      assert.equal(
        await store.transaction((tx) => tx.people.findByDocument(newPerson('ROLLBACK1').document)),
        undefined,
      )
      assert.deepEqual(await store.transaction((tx) => tx.audit.list()), before)
    })

    it('keeps working after a transaction failed on a constraint', async () => {
      await store.transaction((tx) => tx.people.create(newPerson('DUP1')))
      await assert.rejects(store.transaction((tx) => tx.people.create(newPerson('DUP1'))))
      const other = await store.transaction((tx) => tx.people.create(newPerson('DUP2')))
      assert.ok(await store.transaction((tx) => tx.people.find(other.id)))
    })
  })
})
