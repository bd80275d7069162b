import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import type { DomainEvent, RecordAdded } from './domain-event.js'
import { EventOutbox, retryDelayMs } from './event-outbox.js'
import { recordReactions } from './record-reactions.js'

const clerk: Actor = {
  accountId: 'account-clerk',
  login: 'clerk@example.org',
  roles: ['clinician'],
  issuerId: 'ru-spb',
  personId: undefined,
  via: 'session',
}

function recordAddedEvent(personId: string, positiveTest = false): RecordAdded {
  return {
    kind: 'record.added',
    actor: clerk,
    recordId: `record-${personId}`,
    personId,
    positiveTest,
  }
}

forEachDialect((dialect) => {
  describe(`the outbox of domain events (${dialect.name})`, () => {
    let store: Store
    let now = Date.parse('2026-12-01T09:00:00.000Z')
    const clock = () => new Date(now)
    /** What the reaction saw, in order; it fails while `failing` is set. */
    let seen: DomainEvent[] = []
    let failing = false
    let failures: { attempts: number }[] = []
    let outbox: EventOutbox

    before(async () => {
      store = await openStore(dialect.url())
    })
    after(() => store.close())
    beforeEach(async () => {
      // Leave no event of an earlier test behind.
      const due = await store.transaction((tx) => tx.events.due('9999-12-31T00:00:00.000Z', 1000))
      await store.transaction(async (tx) => {
        for (const pending of due) await tx.events.remove(pending.id)
      })
      seen = []
      failing = false
      failures = []
      outbox = new EventOutbox(
        store,
        clock,
        async (event) => {
          if (failing) throw new Error('the colour engine is down')
          seen.push(event)
        },
        (failure) => failures.push({ attempts: failure.attempts }),
      )
    })

    it('delivers an event after its transaction commits, once, and forgets it', async () => {
      const id = await store.transaction((tx) => outbox.add(tx, recordAddedEvent('p1')))
      assert.equal(await outbox.deliver(id), true)
      assert.deepEqual(seen, [recordAddedEvent('p1')])
      assert.equal(await outbox.deliver(id), false, 'a second delivery finds nothing')
      assert.equal(await outbox.deliverDue(), 0)
      assert.equal(seen.length, 1)
    })

    it('never delivers an event whose transaction rolled back', async () => {
      let id: string | undefined
      await assert.rejects(
        store.transaction(async (tx) => {
          id = await outbox.add(tx, recordAddedEvent('p2'))
          throw new Error('the record could not be saved')
        }),
      )
      assert.ok(id)
      assert.equal(await outbox.deliver(id), false)
      assert.equal(await outbox.deliverDue(), 0)
      assert.deepEqual(seen, [])
    })

    it('keeps an event whose reaction fails, and delivers it when its retry is due', async () => {
      const id = await store.transaction((tx) => outbox.add(tx, recordAddedEvent('p3')))
      failing = true
      assert.equal(await outbox.deliver(id), false)
      assert.deepEqual(failures, [{ attempts: 1 }])
      const stored = await store.transaction((tx) => tx.events.find(id))
      assert.equal(stored?.attempts, 1)
      failing = false
      // Not due yet: the retry waits.
      assert.equal(await outbox.deliverDue(), 0)
      assert.deepEqual(seen, [])
      now += retryDelayMs(1)
      assert.equal(await outbox.deliverDue(), 1)
      assert.deepEqual(seen, [recordAddedEvent('p3')])
      assert.equal(await store.transaction((tx) => tx.events.find(id)), undefined)
    })

    it('delivers an event committed but never delivered (a crash in between) from the job', async () => {
      await store.transaction((tx) => outbox.add(tx, recordAddedEvent('p4')))
      // No deliver(): the process stopped right after the commit.
      const restarted = new EventOutbox(store, clock, async (event) => {
        seen.push(event)
      })
      assert.equal(await restarted.deliverDue(), 1)
      assert.deepEqual(seen, [recordAddedEvent('p4')])
    })

    it('waits longer after each failure, up to an hour', () => {
      assert.equal(retryDelayMs(1), 30_000)
      assert.equal(retryDelayMs(2), 60_000)
      assert.equal(retryDelayMs(3), 120_000)
      assert.equal(retryDelayMs(20), 3_600_000)
    })
  })
})

describe('what a new register record sets off', () => {
  function targets() {
    const calls: string[] = []
    return {
      calls,
      tracing: {
        confirmCase: async (actor: Actor, personId: string, source: 'test', recordId: string) => {
          calls.push(`case ${personId} ${source} ${recordId} by ${actor.accountId}`)
        },
      },
      colours: {
        reassess: async (personIds: readonly string[]) => {
          calls.push(`colour ${personIds.join(',')}`)
        },
      },
    }
  }

  it('makes the holder of a positive test a confirmed case, then recomputes their colour', async () => {
    const t = targets()
    await recordReactions(t)(recordAddedEvent('p5', true))
    assert.deepEqual(t.calls, ['case p5 test record-p5 by account-clerk', 'colour p5'])
  })

  it('recomputes the colour of the holder of any other record', async () => {
    const t = targets()
    await recordReactions(t)(recordAddedEvent('p6'))
    assert.deepEqual(t.calls, ['colour p6'])
  })

  it('fails when the reaction fails, so that the outbox tries again', async () => {
    const t = targets()
    t.colours.reassess = async () => {
      throw new Error('down')
    }
    await assert.rejects(recordReactions(t)(recordAddedEvent('p7')), /down/)
  })
})
