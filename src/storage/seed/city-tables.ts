import type { Database } from '../schema.js'
import type { BulkTable } from './seed-dialect.js'

function text<T extends keyof Database>(name: keyof Database[T] & string) {
  return { name, type: 'text' } as const
}
function integer<T extends keyof Database>(name: keyof Database[T] & string) {
  return { name, type: 'integer' } as const
}

/** The tables the seeder fills, and the order of the values in each of its rows. */
export const cityTables = {
  people: {
    table: 'people',
    columns: [
      text<'people'>('id'),
      text<'people'>('issuer_id'),
      text<'people'>('family_name'),
      text<'people'>('given_name'),
      text<'people'>('family_name_icao'),
      text<'people'>('given_name_icao'),
      text<'people'>('birth_date'),
      text<'people'>('residency'),
      text<'people'>('document_type'),
      text<'people'>('document_number'),
      text<'people'>('document_country'),
      text<'people'>('phone'),
      text<'people'>('email'),
      text<'people'>('language'),
      text<'people'>('district'),
      text<'people'>('account_id'),
      text<'people'>('created_at'),
      text<'people'>('updated_at'),
    ],
  },
  healthCodes: {
    table: 'health_codes',
    columns: [
      text<'health_codes'>('person_id'),
      text<'health_codes'>('colour'),
      text<'health_codes'>('reasons'),
      text<'health_codes'>('green_on'),
      text<'health_codes'>('reassess_at'),
      integer<'health_codes'>('ruleset_version'),
      text<'health_codes'>('assessed_at'),
      text<'health_codes'>('district'),
      text<'health_codes'>('subject'),
    ],
  },
  companies: {
    table: 'companies',
    columns: [
      text<'companies'>('id'),
      text<'companies'>('name'),
      text<'companies'>('created_by'),
      text<'companies'>('created_at'),
    ],
  },
  companyMembers: {
    table: 'company_members',
    columns: [
      text<'company_members'>('id'),
      text<'company_members'>('company_id'),
      text<'company_members'>('role'),
      text<'company_members'>('account_id'),
      text<'company_members'>('person_id'),
      text<'company_members'>('status'),
      text<'company_members'>('invite_hash'),
      integer<'company_members'>('consent'),
      text<'company_members'>('invited_at'),
      text<'company_members'>('accepted_at'),
    ],
  },
  venues: {
    table: 'venues',
    columns: [
      text<'venues'>('id'),
      text<'venues'>('name'),
      text<'venues'>('category'),
      text<'venues'>('address'),
      text<'venues'>('district'),
      text<'venues'>('company_id'),
      text<'venues'>('operator_account_id'),
      text<'venues'>('poster_secret'),
      text<'venues'>('created_at'),
    ],
  },
  checkins: {
    table: 'checkins',
    columns: [
      text<'checkins'>('id'),
      text<'checkins'>('venue_id'),
      text<'checkins'>('person_id'),
      text<'checkins'>('subject'),
      text<'checkins'>('method'),
      text<'checkins'>('at'),
      text<'checkins'>('colour'),
      integer<'checkins'>('entry_allowed'),
      text<'checkins'>('recorded_at'),
    ],
    idsTable: 'checkin_ids',
  },
  declarations: {
    table: 'declarations',
    columns: [
      text<'declarations'>('id'),
      text<'declarations'>('person_id'),
      text<'declarations'>('declared_at'),
      text<'declarations'>('symptoms'),
      text<'declarations'>('visits'),
      integer<'declarations'>('confirmed_case_contact'),
      text<'declarations'>('declared_by'),
    ],
  },
  dailyCounters: {
    table: 'daily_counters',
    columns: [
      text<'daily_counters'>('day'),
      text<'daily_counters'>('district'),
      text<'daily_counters'>('metric'),
      integer<'daily_counters'>('value'),
    ],
    onConflict: 'add',
  },
} as const satisfies {
  people: BulkTable<'people'>
  healthCodes: BulkTable<'health_codes'>
  companies: BulkTable<'companies'>
  companyMembers: BulkTable<'company_members'>
  venues: BulkTable<'venues'>
  checkins: BulkTable<'checkins'>
  declarations: BulkTable<'declarations'>
  dailyCounters: BulkTable<'daily_counters'>
}
