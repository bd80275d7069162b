import type { Actor } from '../access/actor.js'
import { requireHolderOrStaff } from '../certificates/holder-or-staff.js'
import { DomainError } from '../errors.js'
import type { Store, StoreTransaction } from '../ports.js'
import { authorize } from '../policy/policy.js'

/**
 * Refuses unless the actor is the person or staff over the person's issuer: who may declare for a
 * person and read their declarations, colour and dynamic code.
 *
 * @throws {DomainError} `ERR_NOT_FOUND` (no such person), `ERR_FORBIDDEN`.
 */
export async function requireSelfOrStaff(
  tx: StoreTransaction,
  actor: Actor,
  personId: string,
): Promise<void> {
  const person = await tx.people.find(personId)
  if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
  await requireHolderOrStaff(tx, actor, person)
}

/**
 * Refuses anyone but the health authority of the actor's own issuer: who reads the risk rules'
 * versions, sets risk areas and sees the input problems.
 *
 * @throws {DomainError} `ERR_FORBIDDEN`.
 */
export async function requireHealthAuthority(store: Store, actor: Actor): Promise<void> {
  await store.transaction((tx) =>
    authorize(tx, actor, 'update', { kind: 'risk_areas', issuerId: actor.issuerId }),
  )
}
