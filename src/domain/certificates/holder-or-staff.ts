import type { Actor } from '../access/actor.js'
import type { Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { StoreTransaction } from '../ports.js'

/** Lets the person who holds the record through, and staff of the person's issuer. */
export async function requireHolderOrStaff(
  tx: StoreTransaction,
  actor: Actor,
  person: Person,
): Promise<void> {
  await authorize(tx, actor, 'read', {
    kind: 'person',
    id: person.id,
    issuerId: person.issuerId,
    holders: [person.accountId],
  })
}
