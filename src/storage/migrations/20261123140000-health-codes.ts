import type { Kysely, Migration } from 'kysely'

/**
 * The health code and venues: declarations, risk areas (with history), versioned risk rules,
 * each person's current code, venues and their check-ins, cases and exposures, the person's feed,
 * companies with their members, and the daily counters the dashboards read.
 */
export function healthCodesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('people').addColumn('district', 'text').execute()

      await db.schema
        .createTable('declarations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('declared_at', 'text', (c) => c.notNull())
        .addColumn('symptoms', 'text', (c) => c.notNull())
        .addColumn('visits', 'text', (c) => c.notNull())
        .addColumn('confirmed_case_contact', 'integer', (c) => c.notNull())
        .addColumn('declared_by', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('declarations_person_idx')
        .on('declarations')
        .columns(['person_id', 'declared_at'])
        .execute()
      await db.schema
        .createIndex('declarations_day_idx')
        .on('declarations')
        .column('declared_at')
        .execute()

      await db.schema
        .createTable('risk_areas')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('area_code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('superseded_at', 'text')
        .addColumn('superseded_by', 'text')
        .execute()
      await db.schema
        .createIndex('risk_areas_code_idx')
        .on('risk_areas')
        .columns(['area_code', 'created_at'])
        .execute()

      await db.schema
        .createTable('risk_rulesets')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('health_codes')
        .addColumn('person_id', 'text', (c) => c.primaryKey().references('people.id'))
        .addColumn('colour', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('green_on', 'text')
        .addColumn('reassess_at', 'text')
        .addColumn('ruleset_version', 'integer', (c) => c.notNull())
        .addColumn('assessed_at', 'text', (c) => c.notNull())
        .addColumn('district', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('health_codes_subject_idx')
        .on('health_codes')
        .column('subject')
        .unique()
        .execute()
      await db.schema
        .createIndex('health_codes_colour_idx')
        .on('health_codes')
        .columns(['colour', 'district'])
        .execute()
      await db.schema
        .createIndex('health_codes_reassess_idx')
        .on('health_codes')
        .column('reassess_at')
        .execute()

      await db.schema
        .createTable('companies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('company_members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('person_id', 'text', (c) => c.references('people.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('invite_hash', 'text')
        .addColumn('consent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('invited_at', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .execute()
      await db.schema
        .createIndex('company_members_company_idx')
        .on('company_members')
        .columns(['company_id', 'status'])
        .execute()
      await db.schema
        .createIndex('company_members_account_idx')
        .on('company_members')
        .column('account_id')
        .execute()
      await db.schema
        .createIndex('company_members_invite_idx')
        .on('company_members')
        .column('invite_hash')
        .unique()
        .execute()

      await db.schema
        .createTable('venues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('company_id', 'text', (c) => c.references('companies.id'))
        .addColumn('operator_account_id', 'text', (c) => c.notNull())
        .addColumn('poster_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('venues_company_idx').on('venues').column('company_id').execute()

      await db.schema
        .createTable('entry_policies')
        .addColumn('category', 'text', (c) => c.primaryKey())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()

      // Check-ins are the hot table: the client's id is the key (idempotent re-sends), and every
      // column is small. No foreign keys: the group committer checks venues before it writes.
      await db.schema
        .createTable('checkins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('venue_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('subject', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('colour', 'text')
        .addColumn('entry_allowed', 'integer', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('checkins_venue_idx')
        .on('checkins')
        .columns(['venue_id', 'at'])
        .execute()
      await db.schema
        .createIndex('checkins_person_idx')
        .on('checkins')
        .columns(['person_id', 'at'])
        .execute()
      await db.schema.createIndex('checkins_at_idx').on('checkins').column('at').execute()

      await db.schema
        .createTable('cases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('confirmed_at', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addColumn('district', 'text')
        .execute()
      await db.schema
        .createIndex('cases_person_idx')
        .on('cases')
        .column('person_id')
        .unique()
        .execute()

      await db.schema
        .createTable('exposures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('venue_id', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('district', 'text')
        .execute()
      await db.schema
        .createIndex('exposures_unique')
        .on('exposures')
        .columns(['person_id', 'case_id', 'kind'])
        .unique()
        .execute()
      await db.schema
        .createIndex('exposures_person_idx')
        .on('exposures')
        .columns(['person_id', 'at'])
        .execute()

      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('read_at', 'text')
        .execute()
      await db.schema
        .createIndex('notifications_person_idx')
        .on('notifications')
        .columns(['person_id', 'created_at'])
        .execute()

      // Counters the dashboards read: (day, district, metric) → value, incremented in the
      // transaction of each event, so that no dashboard query scans the event tables.
      await db.schema
        .createTable('daily_counters')
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_counters_pk', ['day', 'district', 'metric'])
        .execute()
    },
  }
}
