import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Issuer } from '../people/person.js'
import { IssuerTree } from './issuer-tree.js'
import { decide } from './policy.js'
import type { Actor } from '../access/actor.js'

const issuer = (id: string, parentId?: string): Issuer => ({
  id,
  name: id,
  level: parentId ? 'region' : 'federal',
  country: 'RU',
  parentId,
})

const tree = new IssuerTree([
  issuer('ru'),
  issuer('ru-spb', 'ru'),
  issuer('ru-spb-vyb', 'ru-spb'),
  issuer('ru-mow', 'ru'),
])

const staff = (issuerId: string): Actor => ({
  accountId: `admin-${issuerId}`,
  login: `admin@${issuerId}`,
  roles: ['administrator'],
  issuerId,
  personId: undefined,
  via: 'token',
})

describe('the issuer tree', () => {
  it('covers an issuer and everything below it, at any depth, and nothing beside or above', () => {
    assert.equal(tree.covers('ru', 'ru-spb-vyb'), true)
    assert.equal(tree.covers('ru-spb', 'ru-spb-vyb'), true)
    assert.equal(tree.covers('ru-spb', 'ru-spb'), true)
    assert.equal(tree.covers('ru-spb', 'ru-mow'), false)
    assert.equal(tree.covers('ru-spb', 'ru'), false)
    assert.equal(tree.covers('ru-spb-vyb', 'ru-spb'), false)
  })

  it('lists a subtree, a lineage nearest first, and the roots', () => {
    assert.deepEqual(tree.subtree('ru-spb').sort(), ['ru-spb', 'ru-spb-vyb'])
    assert.deepEqual(tree.lineage('ru-spb-vyb'), ['ru-spb-vyb', 'ru-spb', 'ru'])
    assert.deepEqual(tree.roots(), ['ru'])
    assert.deepEqual(tree.subtree('no-such'), [])
  })

  it('stops walking at a cycle instead of looping', () => {
    const looped = new IssuerTree([issuer('a', 'b'), issuer('b', 'a')])
    assert.deepEqual(looped.lineage('a'), ['a', 'b'])
  })
})

describe('the policy', () => {
  it('lets staff act on their subtree only, and names why it refuses', () => {
    const token = { kind: 'api_token' as const, issuerId: 'ru-spb-vyb', holders: ['someone'] }
    assert.equal(decide(staff('ru'), 'revoke', token, tree), true)
    assert.equal(decide(staff('ru-spb'), 'revoke', token, tree), true)
    assert.match(String(decide(staff('ru-mow'), 'revoke', token, tree)), /ru-mow do not act/)
  })

  it('lets a holder act on what they hold without being staff', () => {
    const citizen: Actor = { ...staff('ru-mow'), roles: ['citizen'], issuerId: undefined }
    const person = { kind: 'person' as const, issuerId: 'ru-spb', holders: [citizen.accountId] }
    assert.equal(decide(citizen, 'read', person, tree), true)
    assert.notEqual(decide(citizen, 'update', person, tree), true)
  })

  it('keeps the nationwide rules to the federal authority', () => {
    const authority = (issuerId: string): Actor => ({
      ...staff(issuerId),
      roles: ['health_authority'],
    })
    const nationwide = { kind: 'risk_rules' as const, issuerId: 'ru' }
    assert.equal(decide(authority('ru'), 'update', nationwide, tree), true)
    assert.notEqual(decide(authority('ru-spb'), 'update', nationwide, tree), true)
    assert.equal(decide(authority('ru-spb'), 'read', nationwide, tree), true)
  })
})
