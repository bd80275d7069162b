import type { Actor } from '../access/actor.js'
import { authorize, rootIssuer } from '../policy/policy.js'
import type { Store, StoreTransaction } from '../ports.js'

/** Staff who manage trust partners: administrators. */
export { trustAdminRoles } from '../policy/role-sets.js'

/**
 * Trusted partners and signers are the whole deployment's (every region's doors accept what they
 * sign): only administrators of the root issuer manage them, inside the caller's transaction.
 *
 * @throws {DomainError} `ERR_FORBIDDEN`.
 */
export async function authorizeTrustAdmin(tx: StoreTransaction, actor: Actor): Promise<void> {
  await authorize(tx, actor, 'manage', { kind: 'trust_partners', issuerId: await rootIssuer(tx) })
}

/**
 * {@link authorizeTrustAdmin} in a transaction of its own: who may comes before reading what they
 * sent, so a refusal never depends on the input.
 *
 * @throws {DomainError} `ERR_FORBIDDEN`.
 */
export async function requireTrustAdmin(store: Store, actor: Actor): Promise<void> {
  await store.transaction((tx) => authorizeTrustAdmin(tx, actor))
}
