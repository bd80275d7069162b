import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Actor } from '../access/actor.js'
import { commandLineOperator } from '../access/command-line-operator.js'
import type { Role } from '../access/roles.js'
import type { Issuer } from '../people/person.js'
import { mayAdministerIssuer } from './issuer-policy.js'

const ru: Issuer = {
  id: 'ru',
  name: 'Russia',
  level: 'federal',
  country: 'RU',
  parentId: undefined,
}
const spb: Issuer = {
  id: 'ru-spb',
  name: 'St. Petersburg',
  level: 'region',
  country: 'RU',
  parentId: 'ru',
}

function actor(roles: Role[], issuerId: string | undefined): Actor {
  return { accountId: 'a1', login: 'a@test', roles, issuerId, personId: undefined, via: 'session' }
}

describe('mayAdministerIssuer', () => {
  it('lets a federal administrator create issuers anywhere in their tree, and not a new root', () => {
    const federal = actor(['administrator'], 'ru')
    assert.equal(mayAdministerIssuer(federal, { actorIssuer: ru }), true)
    assert.equal(mayAdministerIssuer(federal, { actorIssuer: ru, lineage: ['ru'] }), true)
    assert.equal(mayAdministerIssuer(federal, { actorIssuer: ru, lineage: ['ru-spb', 'ru'] }), true)
    assert.equal(mayAdministerIssuer(federal, { actorIssuer: ru, lineage: ['kz'] }), false)
    assert.equal(mayAdministerIssuer(federal, { actorIssuer: ru, lineage: [] }), false)
  })

  it('refuses a regional administrator, even below their own region', () => {
    const regional = actor(['administrator'], 'ru-spb')
    assert.equal(mayAdministerIssuer(regional, { actorIssuer: spb }), false)
    assert.equal(
      mayAdministerIssuer(regional, { actorIssuer: spb, lineage: ['ru-spb', 'ru'] }),
      false,
    )
  })

  it('refuses federal staff who are not administrators, and an issuer that is not their own', () => {
    assert.equal(mayAdministerIssuer(actor(['health_authority'], 'ru'), { actorIssuer: ru }), false)
    assert.equal(
      mayAdministerIssuer(actor(['administrator'], 'ru-spb'), { actorIssuer: ru }),
      false,
    )
    assert.equal(
      mayAdministerIssuer(actor(['administrator'], undefined), { actorIssuer: undefined }),
      false,
    )
  })

  it('lets the operator at the command line create any issuer, a root too', () => {
    const operator = commandLineOperator(undefined, 'root')
    assert.equal(mayAdministerIssuer(operator, { actorIssuer: undefined, lineage: [] }), true)
    assert.equal(mayAdministerIssuer(operator, { actorIssuer: undefined, lineage: ['kz'] }), true)
  })
})
