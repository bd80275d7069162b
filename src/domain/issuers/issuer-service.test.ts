import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  auditEntries,
  makeActor,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { commandLineOperator } from '../access/command-line-operator.js'
import type { Store } from '../ports.js'
import { IssuerService } from './issuer-service.js'

forEachDialect((dialect) => {
  describe(`IssuerService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let issuers: IssuerService
    let federalAdmin: Actor
    let regionalAdmin: Actor
    let federalAuthority: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      issuers = new IssuerService(store, time)
      federalAdmin = await makeActor(store, ['administrator'], 'ru')
      regionalAdmin = await makeActor(store, ['administrator'], 'ru-spb')
      federalAuthority = await makeActor(store, ['health_authority'], 'ru')
    })
    after(() => store.close())

    it('lets a federal administrator create a region under their tree, with the parent’s country, and audits it', async () => {
      const created = await issuers.create(federalAdmin, {
        id: 'ru-kgd',
        name: '  Kaliningrad  ',
        parentId: 'ru',
      })
      assert.deepEqual(created, {
        id: 'ru-kgd',
        name: 'Kaliningrad',
        level: 'region',
        country: 'RU',
        parentId: 'ru',
      })
      assert.deepEqual(await issuers.find('ru-kgd'), created)
      assert.ok((await issuers.list()).some((issuer) => issuer.id === 'ru-kgd'))
      const audited = (await auditEntries(store, 'issuer.create')).filter(
        (entry) => entry.entityId === 'ru-kgd',
      )
      assert.deepEqual(
        audited.map((entry) => [entry.actorAccountId, entry.reason, entry.at]),
        [[federalAdmin.accountId, undefined, '2026-11-23T09:00:00.000Z']],
      )
      // Below a region too: the federal administrator's tree reaches it.
      const below = await issuers.create(federalAdmin, {
        id: 'ru-kgd-city',
        name: 'Kaliningrad city',
        parentId: 'ru-kgd',
      })
      assert.equal(below.level, 'region')
    })

    it('refuses regional administrators, other roles, and roots made through the API', async () => {
      await rejectsWith(
        issuers.create(regionalAdmin, { id: 'ru-spb-north', name: 'North', parentId: 'ru-spb' }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        issuers.create(federalAuthority, { id: 'ru-tul', name: 'Tula', parentId: 'ru' }),
        'ERR_FORBIDDEN',
      )
      await rejectsWith(
        issuers.create(federalAdmin, {
          id: 'by',
          name: 'Belarus',
          parentId: undefined,
          country: 'BY',
        }),
        'ERR_FORBIDDEN',
      )
      // A regional administrator learns nothing about a parent that does not exist.
      await rejectsWith(
        issuers.create(regionalAdmin, { id: 'ru-x', name: 'X', parentId: 'nowhere' }),
        'ERR_FORBIDDEN',
      )
      for (const id of ['ru-spb-north', 'ru-tul', 'by', 'ru-x']) {
        assert.equal(await issuers.find(id), undefined)
      }
    })

    it('lets the operator at the command line create a root, which needs a country, and says so in the audit log', async () => {
      const operator = commandLineOperator(undefined, 'root')
      await rejectsWith(
        issuers.create(operator, { id: 'de', name: 'Germany', parentId: undefined }),
        'ERR_INVALID_FIELD',
        'country',
      )
      const root = await issuers.create(operator, {
        id: 'de',
        name: 'Germany',
        parentId: undefined,
        country: 'DE',
      })
      assert.deepEqual([root.level, root.parentId, root.country], ['federal', undefined, 'DE'])
      const [entry] = (await auditEntries(store, 'issuer.create')).filter(
        (each) => each.entityId === 'de',
      )
      assert.equal(
        entry?.reason,
        'by the deployment operator at the command line (root@command-line)',
      )
      // Another tree: the Russian federal administrator does not reach it.
      await rejectsWith(
        issuers.create(federalAdmin, { id: 'de-by', name: 'Bavaria', parentId: 'de' }),
        'ERR_FORBIDDEN',
      )
    })

    it('refuses malformed ids, names and countries, an unknown parent and a taken id, naming the field', async () => {
      const create = (input: { id: string; name: string; parentId?: string; country?: string }) =>
        issuers.create(federalAdmin, { parentId: 'ru', ...input })
      await rejectsWith(create({ id: 'RU-SPB2', name: 'Upper' }), 'ERR_INVALID_FIELD', 'id')
      await rejectsWith(create({ id: 'ru--x', name: 'Double' }), 'ERR_INVALID_FIELD', 'id')
      await rejectsWith(create({ id: 'r', name: 'Short' }), 'ERR_INVALID_FIELD', 'id')
      await rejectsWith(create({ id: 'ru-ok', name: '   ' }), 'ERR_INVALID_FIELD', 'name')
      await rejectsWith(create({ id: 'ru-ok', name: 'Bell\u0007' }), 'ERR_INVALID_FIELD', 'name')
      await rejectsWith(
        create({ id: 'ru-ok', name: 'Ok', country: 'ru' }),
        'ERR_INVALID_FIELD',
        'country',
      )
      await rejectsWith(
        create({ id: 'ru-ok', name: 'Ok', country: 'XX' }),
        'ERR_INVALID_FIELD',
        'country',
      )
      await rejectsWith(
        create({ id: 'ru-ok', name: 'Ok', parentId: 'ru-nowhere' }),
        'ERR_NOT_FOUND',
        'parentId',
      )
      await rejectsWith(create({ id: 'ru-spb', name: 'Again' }), 'ERR_CONFLICT', 'id')
      assert.equal(await issuers.find('ru-ok'), undefined)
      assert.equal((await issuers.find('ru-spb'))?.name, 'St. Petersburg')
    })

    it('refuses to create under a stored tree whose parents go round in a circle', async () => {
      const operator = commandLineOperator(undefined, 'root')
      await store.transaction(async (tx) => {
        await tx.issuers.upsert({
          id: 'loop-a',
          name: 'A',
          level: 'region',
          country: 'RU',
          parentId: undefined,
        })
        await tx.issuers.upsert({
          id: 'loop-b',
          name: 'B',
          level: 'region',
          country: 'RU',
          parentId: 'loop-a',
        })
        await tx.issuers.upsert({
          id: 'loop-a',
          name: 'A',
          level: 'region',
          country: 'RU',
          parentId: 'loop-b',
        })
      })
      await rejectsWith(
        issuers.create(operator, { id: 'loop-c', name: 'C', parentId: 'loop-b' }),
        'ERR_ISSUER_TREE_BROKEN',
      )
      assert.equal(await issuers.find('loop-c'), undefined)
    })
  })
})
