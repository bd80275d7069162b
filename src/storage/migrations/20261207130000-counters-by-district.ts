import type { Kysely, Migration } from 'kysely'

/**
 * A company's dashboard reads one district's counters (`company:<id>`) of one metric over 14
 * days. The metric-first index serves the city-wide reads, but for one district it scans every
 * company's rows of those days (700,000 entries for 50,000 companies: 60–180 ms on the
 * 15-million city); an index in district, metric, day order reads only the district's own rows.
 */
export function countersByDistrictMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('daily_counters_district_idx')
        .on('daily_counters')
        .columns(['district', 'metric', 'day'])
        .execute()
    },
  }
}
