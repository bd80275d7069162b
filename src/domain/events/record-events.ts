import type { Actor } from '../access/actor.js'
import { isPositiveTest } from '../certificates/certificate-policy.js'
import type { StoreTransaction } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type { RecordAdded } from './domain-event.js'

/**
 * Where services that add register records announce them: the event is added in the record's
 * transaction and delivered after the commit (an {@link EventOutbox} does both).
 */
export interface RecordEvents {
  add(tx: StoreTransaction, event: RecordAdded): Promise<string>
  deliver(id: string): Promise<boolean>
}

/** The event of a new record. */
export function recordAdded(actor: Actor, record: RegisterRecord): RecordAdded {
  return {
    kind: 'record.added',
    actor,
    recordId: record.id,
    personId: record.personId,
    positiveTest: isPositiveTest(record),
  }
}
