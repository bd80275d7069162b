import { AsyncLocalStorage } from 'node:async_hooks'
import type { Clock } from '../clock.js'
import type { Store, StoreTransaction } from '../ports.js'
import { AccessRefused } from './policy.js'

/**
 * Wraps a store so that every refusal by the policy is audited: when a transaction fails with
 * {@link AccessRefused}, its work is rolled back as always, and then the refusal is appended to the
 * audit log in a transaction of its own, so that the rollback does not drop it. Only the outermost
 * transaction writes it (a refusal inside a nested call is written once). The refusal is written to
 * `auditStore` (default: the store itself), so that a store reading from a replica writes its
 * refusals to the primary.
 */
export function auditRefusals(store: Store, clock: Clock, auditStore: Store = store): Store {
  const depth = new AsyncLocalStorage<number>()
  const transaction = async <T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
    const level = depth.getStore() ?? 0
    try {
      return await depth.run(level + 1, () => store.transaction(work))
    } catch (error) {
      if (error instanceof AccessRefused && !error.audited && level === 0) {
        error.audited = true
        await auditStore.transaction((tx) =>
          tx.audit.append(
            {
              actorAccountId: error.actor?.accountId,
              issuerId: error.resource.issuerId ?? error.actor?.issuerId,
              action: 'access.refused',
              entityType: error.resource.kind,
              entityId: error.resource.id ?? '',
              reason: error.message,
              data: {
                action: error.action,
                code: error.code,
                actorIssuerId: error.actor?.issuerId ?? null,
                actorRoles: error.actor?.roles ?? [],
              },
            },
            clock().toISOString(),
          ),
        )
      }
      throw error
    }
  }
  return {
    get dialect() {
      return store.dialect
    },
    transaction,
    read: (work) => store.read(work),
    ping: () => store.ping(),
    close: () => store.close(),
    appendCheckins: (items) => store.appendCheckins(items),
    touchApiTokens: (touches) => store.touchApiTokens(touches),
    preparePartitions: (now) => store.preparePartitions(now),
    runAlone: (name, work) => store.runAlone(name, work),
    limitCounters: store.limitCounters,
  }
}
