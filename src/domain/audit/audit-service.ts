import type { Actor } from '../access/actor.js'
import type { Store } from '../ports.js'
import { authorize } from '../policy/policy.js'
import { AuditChainChecker, type AuditChainCheck } from './audit-chain.js'
import type { AuditEntry } from './audit-entry.js'

/**
 * The audit log as staff read it: entries of the caller's issuer and every issuer below it. The
 * root issuer's staff also read the entries that belong to no issuer (the system's, and those
 * written before entries named their issuer).
 */
export class AuditService {
  constructor(private readonly store: Store) {}

  /** Entries within the actor's subtree, in order from a sequence number. */
  async list(actor: Actor, page: { from: number; limit: number }): Promise<AuditEntry[]> {
    return this.store.transaction(async (tx) => {
      const tree = await authorize(tx, actor, 'read', {
        kind: 'audit_log',
        issuerId: actor.issuerId,
      })
      const own = actor.issuerId as string
      return tx.audit.list({
        fromSequence: page.from,
        limit: page.limit,
        issuerIds: tree.subtree(own),
        unowned: tree.roots().includes(own),
      })
    })
  }

  /**
   * Checks the whole chain (a break anywhere concerns everyone), and counts the entries within the
   * actor's subtree; the answer names a bad entry by sequence and hashes only.
   */
  async verify(actor: Actor): Promise<AuditChainCheck> {
    return this.store.transaction(async (tx) => {
      const tree = await authorize(tx, actor, 'verify', {
        kind: 'audit_log',
        issuerId: actor.issuerId,
      })
      const own = actor.issuerId as string
      const scope = new Set(tree.subtree(own))
      const unowned = tree.roots().includes(own)
      const checker = new AuditChainChecker()
      let visible = 0
      for await (const entry of tx.audit.all()) {
        if (entry.issuerId === undefined ? unowned : scope.has(entry.issuerId)) visible++
        if (!checker.add(entry)) break
      }
      const result = checker.result()
      return { ...result, entries: result.intact ? visible : result.entries }
    })
  }
}
