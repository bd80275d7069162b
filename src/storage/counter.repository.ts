import { sql } from 'kysely'
import type { CounterRepository } from '../domain/ports.js'
import { sumCounterDeltas } from './dialects/storage-dialect.js'
import type { RepositoryContext } from './repository-context.js'

/** The dashboards' daily counters in `daily_counters`. */
export class KyselyCounterRepository implements CounterRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** Adds to counters, one statement per distinct (day, district, metric). */
  async add(
    increments: readonly { day: string; district: string; metric: string; by: number }[],
  ): Promise<void> {
    for (const { day, district, metric, by } of sumCounterDeltas(increments)) {
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
