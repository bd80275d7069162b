import type { Selectable } from 'kysely'

/*
 * The tables as Kysely sees them. Both dialects store the same types: ids are text (UUIDs from
 * `crypto.randomUUID()`, or short issuer ids), timestamps are text in the one form
 * `YYYY-MM-DDTHH:mm:ss.sssZ` (so text order is time order), flags are integers 0/1, and structured
 * values (roles, audit data) are JSON text.
 */

/** `issuers`: the federal issuer and its regions. */
export interface IssuerTable {
  id: string
  name: string
  level: 'federal' | 'region'
  country: string
  parent_id: string | null
}

/** `people`: the register. Unique on (document_type, document_number, document_country). */
export interface PersonTable {
  id: string
  issuer_id: string
  family_name: string
  given_name: string
  family_name_icao: string
  given_name_icao: string
  birth_date: string
  residency: 'resident' | 'foreigner'
  document_type: 'passport' | 'national-id' | 'residence-permit' | 'other'
  document_number: string
  document_country: string
  phone: string | null
  email: string | null
  language: 'en' | 'ru' | 'zh'
  account_id: string | null
  created_at: string
  updated_at: string
}

/** `accounts`: unique login; unique (oidc_issuer, oidc_subject) where set. */
export interface AccountTable {
  id: string
  login: string
  display_name: string
  password_hash: string | null
  /** The roles as a JSON array of strings, such as `["clinician"]`. */
  roles: string
  issuer_id: string | null
  person_id: string | null
  oidc_issuer: string | null
  oidc_subject: string | null
  /** 1 when the account may no longer sign in, else 0. */
  disabled: number
  created_at: string
}

/** `sessions`: web sessions by the hash of their token. */
export interface SessionTable {
  id: string
  account_id: string
  token_hash: string
  csrf_token: string
  created_at: string
  expires_at: string
}

/** `api_tokens`: revocable tokens by the hash of their secret. */
export interface ApiTokenTable {
  id: string
  account_id: string
  name: string
  token_hash: string
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

/** `audit_log`: append-only (triggers refuse UPDATE and DELETE), hash-chained by `sequence`. */
export interface AuditLogTable {
  sequence: number
  at: string
  actor_account_id: string | null
  action: string
  entity_type: string
  entity_id: string
  reason: string | null
  /** The entry's data as canonical JSON (keys sorted). */
  data: string
  previous_hash: string
  hash: string
}

/** The database Healthcode's repositories query. */
/** `register_records`: vaccinations, tests, recoveries and antibody tests, their data as JSON. */
export interface RegisterRecordTable {
  id: string
  person_id: string
  issuer_id: string
  kind: 'vaccination' | 'test' | 'recovery' | 'antibody'
  data: string
  recorded_by: string
  recorded_at: string
}

export interface Database {
  register_records: RegisterRecordTable
  issuers: IssuerTable
  people: PersonTable
  accounts: AccountTable
  sessions: SessionTable
  api_tokens: ApiTokenTable
  audit_log: AuditLogTable
}

/** A row of `register_records` as read. */
export type RegisterRecordRow = Selectable<RegisterRecordTable>
/** A row of `issuers` as read. */
export type IssuerRow = Selectable<IssuerTable>
/** A row of `people` as read. */
export type PersonRow = Selectable<PersonTable>
/** A row of `accounts` as read. */
export type AccountRow = Selectable<AccountTable>
/** A row of `sessions` as read. */
export type SessionRow = Selectable<SessionTable>
/** A row of `api_tokens` as read. */
export type ApiTokenRow = Selectable<ApiTokenTable>
/** A row of `audit_log` as read. */
export type AuditLogRow = Selectable<AuditLogTable>
