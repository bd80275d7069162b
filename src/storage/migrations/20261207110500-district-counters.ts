import type { Kysely, Migration } from 'kysely'
import { fillDistrictCounters } from '../district-counters.js'

/**
 * Per-district counters of the people registered and their current codes by colour
 * (`district_counters`, by issuer, district and metric), so that the authority's dashboard reads a
 * few rows instead of counting a city's people; filled here from the tables, then kept in step by
 * every write of a person or a code.
 */
export function districtCountersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('district_counters')
        .addColumn('issuer_id', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('district_counters_pk', ['issuer_id', 'district', 'metric'])
        .execute()
      await fillDistrictCounters(db)
    },
  }
}
