import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The dashboards read counters by metric over a range of days: an index in that order, so that a
 * city-wide query reads only its metrics' rows (not every company's), and the company scopes'
 * counters move to metrics of their own (`company.checkins`).
 */
export function counterIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('daily_counters_metric_idx')
        .on('daily_counters')
        .columns(['metric', 'day', 'district'])
        .execute()
      await (db as Kysely<{ daily_counters: { metric: string; district: string } }>)
        .updateTable('daily_counters')
        .set({ metric: sql<string>`'company.' || metric` })
        .where('district', 'like', 'company:%')
        .where('metric', 'not like', 'company.%')
        .execute()
    },
  }
}
