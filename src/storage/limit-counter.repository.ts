import { type Kysely, sql } from 'kysely'
import type {
  LimitCounterAddition,
  LimitCounterId,
  LimitCounterStore,
} from '../domain/limits/limit-counter-store.js'
import type { LimitCountAddition, StorageDialect } from './dialects/storage-dialect.js'
import type { Database } from './schema.js'

/**
 * The limits' counters in `limit_counters`, outside any business transaction (a failure counted
 * must stay counted when the attempt's own transaction rolls back). Each change is one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, atomic on SQLite and PostgreSQL alike,
 * so concurrent processes never lose an increment.
 */
export class KyselyLimitCounterStore implements LimitCounterStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  /**
   * Several counters in one commit (the check-in quota writes every person's count at once). A
   * counter named twice is written once with the sum, and both get its new value.
   */
  async addMany(additions: readonly LimitCounterAddition[], now: Date): Promise<number[]> {
    const merged = new Map<string, LimitCountAddition & { by: number; expires_at: string }>()
    const keys = additions.map(({ counter, by, expiresAt }) => {
      const name = `${counter.bucket}\u0000${counter.key}\u0000${counter.window}`
      const known = merged.get(name)
      if (known) {
        known.by += by
        if (expiresAt.toISOString() > known.expires_at) known.expires_at = expiresAt.toISOString()
      } else {
        merged.set(name, {
          bucket: counter.bucket,
          key: counter.key,
          window_start: counter.window,
          by,
          expires_at: expiresAt.toISOString(),
        })
      }
      return name
    })
    if (merged.size === 0) return []
    const names = [...merged.keys()]
    const counts = await this.dialect.addLimitCounts(
      this.db,
      [...merged.values()],
      now.toISOString(),
    )
    const byName = new Map(names.map((name, i) => [name, counts[i] as number]))
    return keys.map((name) => byName.get(name) as number)
  }

  async add(counter: LimitCounterId, by: number, expiresAt: Date, now: Date): Promise<number> {
    const nowText = now.toISOString()
    const row = await this.db
      .insertInto('limit_counters')
      .values({
        bucket: counter.bucket,
        key: counter.key,
        window_start: counter.window,
        count: by,
        expires_at: expiresAt.toISOString(),
      })
      .onConflict((conflict) =>
        conflict.columns(['bucket', 'key', 'window_start']).doUpdateSet({
          // An expired counter starts again: no clean-up needs to have run first.
          count: sql<number>`case when limit_counters.expires_at <= ${nowText} then excluded.count else limit_counters.count + excluded.count end`,
          expires_at: sql<string>`excluded.expires_at`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }

  async find(
    counter: LimitCounterId,
    now: Date,
  ): Promise<{ count: number; expiresAt: Date } | undefined> {
    const row = await this.db
      .selectFrom('limit_counters')
      .select(['count', 'expires_at'])
      .where('bucket', '=', counter.bucket)
      .where('key', '=', counter.key)
      .where('window_start', '=', counter.window)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst()
    return row && { count: Number(row.count), expiresAt: new Date(row.expires_at) }
  }

  async clear(bucket: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('limit_counters')
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .execute()
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('limit_counters')
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
