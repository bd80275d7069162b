import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GENESIS_HASH, auditEntryHash, checkAuditChain } from './audit-chain.js'
import type { AuditEntry } from './audit-entry.js'

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = []
  let previousHash = GENESIS_HASH
  for (let sequence = 1; sequence <= length; sequence++) {
    const entry = {
      sequence,
      at: `2026-11-23T09:00:0${sequence % 10}.000Z`,
      actorAccountId: 'account-1',
      action: 'person.update',
      entityType: 'person',
      entityId: `person-${sequence}`,
      reason: sequence % 2 ? 'a reason' : undefined,
      data: { phone: `+7 812 555 010${sequence % 10}`, nested: { b: 1, a: [1, 2] } },
      previousHash,
    }
    const full = { ...entry, hash: auditEntryHash(entry) }
    entries.push(full)
    previousHash = full.hash
  }
  return entries
}

describe('the audit hash chain', () => {
  it('accepts an untouched chain', () => {
    assert.deepEqual(checkAuditChain(chain(5)), { intact: true, entries: 5 })
  })

  it('hashes data the same whatever the order of its keys', () => {
    const [entry] = chain(1)
    assert.ok(entry)
    const { hash, ...rest } = entry
    assert.equal(
      auditEntryHash({
        ...rest,
        data: {
          nested: { a: [1, 2], b: 1 },
          phone: rest.data && (rest.data as { phone: string }).phone,
        },
      }),
      hash,
    )
  })

  it('names the entry whose field was altered', () => {
    const entries = chain(5)
    entries[2] = { ...(entries[2] as AuditEntry), reason: 'edited afterwards' }
    const result = checkAuditChain(entries)
    assert.equal(result.intact, false)
    assert.equal(result.intact ? 0 : result.firstBadSequence, 3)
  })

  it('names the gap where an entry was removed', () => {
    const entries = chain(5)
    entries.splice(1, 1)
    const result = checkAuditChain(entries)
    assert.equal(result.intact ? 0 : result.firstBadSequence, 3)
  })

  it('catches an entry rewritten with a fresh hash, at the next entry', () => {
    const entries = chain(5)
    const forged = { ...(entries[1] as AuditEntry), reason: 'forged' }
    const { hash: _old, ...rest } = forged
    entries[1] = { ...rest, hash: auditEntryHash(rest) }
    const result = checkAuditChain(entries)
    assert.equal(result.intact ? 0 : result.firstBadSequence, 3)
  })
})
