import { type Kysely, type Migration, sql } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'

/**
 * On PostgreSQL, `checkin_ids`: the id of every stored check-in, its primary key. Check-ins are
 * partitioned by day, so their own key is (id, at) and no index spans the days; a re-send whose
 * time differs (one without `at` is stamped anew) would otherwise have to be looked for in every
 * day's partition. Each new check-in's id goes in here first (`on conflict do nothing`), and only
 * the ones that went in are inserted; retention takes the ids out with their rows.
 *
 * The ids of the check-ins already stored are copied in. SQLite keys check-ins by the id alone:
 * nothing changes there.
 */
export function checkinIdsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect.name !== 'postgres') return
      // Filled before its key is made: one sort of the ids rather than a B-tree insert per row.
      await sql`create table checkin_ids (id text not null)`.execute(db)
      await sql`insert into checkin_ids (id) select distinct id from checkins`.execute(db)
      await sql`alter table checkin_ids add primary key (id)`.execute(db)
    },
  }
}
