import type { Kysely, Migration } from 'kysely'
import { partitionTable, preparePartitions } from '../dialects/postgres-partitions.js'
import type { StorageDialect } from '../dialects/storage-dialect.js'

/**
 * On PostgreSQL, the time-ordered tables become range-partitioned by their time column (native
 * declarative partitioning): check-ins by day, the people's feeds (`notifications`) and the audit
 * log by month, each with a default partition for times no partition covers yet. Every row moves;
 * the migration fails (and nothing changes) if a count differs. The primary keys gain the time
 * column, as PostgreSQL requires of a partitioned table's unique indexes: a check-in's id stays
 * unique through the check-in writer (see `postgres.ts`), an audit entry's sequence through the
 * lock every append takes. Then the partitions of the coming days and months are created.
 *
 * SQLite has no partitioning: its tables stay as they are, and retention deletes rows.
 */
export function timePartitionsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect.name !== 'postgres') return
      await partitionTable(db, 'checkins', ['id', 'at'])
      await partitionTable(db, 'notifications', ['id', 'created_at'])
      await partitionTable(db, 'audit_log', ['sequence', 'at'])
      await preparePartitions(db, new Date())
    },
  }
}
