import { createHash } from 'node:crypto'
import type { Config } from '../config/config.js'
import { type ChangeNotices, SingleProcessChangeNotices } from '../domain/changes/change-notices.js'
import type { LimitCounterStore } from '../domain/limits/limit-counter-store.js'

/** What the server processes of one store share besides the store: notices and limit counters. */
export interface SharedState {
  readonly changeNotices: ChangeNotices
  /** Undefined: the store's own counters. */
  readonly limitCounters: LimitCounterStore | undefined
  /** Where the shared state lives, for the start-up lines: `redis`, `postgres` or `none`. */
  readonly via: 'redis' | 'postgres' | 'none'
  close(): Promise<void>
}

/**
 * Opens what the server processes of one store share: with `REDIS_URL`, Redis holds the limit
 * counters and carries the change notices (pub/sub); without it, a PostgreSQL store carries the
 * notices (LISTEN/NOTIFY) and keeps the counters; a SQLite store has one process and nothing to
 * share. Keys and channels are named for the store, so deployments sharing a Redis never meet.
 * It needs only the store's kind (`dialect`), not the store open: the start opens both at once.
 */
export async function openSharedState(
  config: Config,
  dialect: 'postgres' | 'sqlite',
  onError: (error: Error) => void,
): Promise<SharedState> {
  if (config.redisUrl !== undefined) {
    const { Redis } = await import('ioredis')
    const { RedisChangeNotices } = await import('../storage/shared/redis-change-notices.js')
    const { RedisLimitCounterStore } =
      await import('../storage/shared/redis-limit-counter-store.js')
    const namespace = createHash('sha256').update(config.databaseUrl).digest('hex').slice(0, 16)
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 3_000 }
    const publisher = new Redis(config.redisUrl, options)
    const subscriber = publisher.duplicate()
    for (const connection of [publisher, subscriber]) connection.on('error', onError)
    try {
      const changeNotices = await RedisChangeNotices.open(publisher, subscriber, namespace, onError)
      return {
        changeNotices,
        limitCounters: new RedisLimitCounterStore(publisher, namespace),
        via: 'redis',
        close: async () => {
          await changeNotices.close()
          subscriber.disconnect()
          await publisher.quit().catch(() => publisher.disconnect())
        },
      }
    } catch (error) {
      subscriber.disconnect()
      publisher.disconnect()
      throw error
    }
  }
  if (dialect === 'postgres') {
    const { PostgresChangeNotices } = await import('../storage/shared/postgres-change-notices.js')
    const changeNotices = await PostgresChangeNotices.open(config.databaseUrl, onError)
    return {
      changeNotices,
      limitCounters: undefined,
      via: 'postgres',
      close: () => changeNotices.close(),
    }
  }
  return {
    changeNotices: new SingleProcessChangeNotices(),
    limitCounters: undefined,
    via: 'none',
    close: async () => {},
  }
}
