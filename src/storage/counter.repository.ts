import { sql } from 'kysely'
import type { CounterRepository } from '../domain/ports.js'
import type { RepositoryContext } from './repository-context.js'

/** The dashboards' daily counters in `daily_counters`. */
export class KyselyCounterRepository implements CounterRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** Adds to counters, one statement per distinct (day, district, metric). */
  async add(
    increments: readonly { day: string; district: string; metric: string; by: number }[],
  ): Promise<void> {
    const merged = new Map<string, { day: string; district: string; metric: string; by: number }>()
    for (const increment of increments) {
      const key = `${increment.day}\u0000${increment.district}\u0000${increment.metric}`
      const found = merged.get(key)
      if (found) found.by += increment.by
      else merged.set(key, { ...increment })
    }
    for (const { day, district, metric, by } of merged.values()) {
      if (by === 0) continue
      await this.context.db
        .insertInto('daily_counters')
        .values({ day, district, metric, value: by })
        .onConflict((conflict) =>
          conflict
            .columns(['day', 'district', 'metric'])
            .doUpdateSet({ value: sql<number>`daily_counters.value + ${by}` }),
        )
        .execute()
    }
  }

  async read(filter: {
    from: string
    until: string
    metrics: readonly string[]
    districts?: readonly string[]
  }): Promise<{ day: string; district: string; metric: string; value: number }[]> {
    let query = this.context.db
      .selectFrom('daily_counters')
      .select(['day', 'district', 'metric', 'value'])
      .where('day', '>=', filter.from)
      .where('day', '<=', filter.until)
      .where('metric', 'in', [...filter.metrics])
    if (filter.districts !== undefined) {
      if (filter.districts.length === 0) return []
      query = query.where('district', 'in', [...filter.districts])
    }
    const rows = await query.orderBy('day').orderBy('district').orderBy('metric').execute()
    return rows.map((row) => ({ ...row, value: Number(row.value) }))
  }
}
