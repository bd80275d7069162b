import type { Selectable } from 'kysely'

/*
 * The tables as Kysely sees them. Both dialects store the same types: ids are text (UUIDs from
 * `crypto.randomUUID()`; time-ordered ones, `timeOrderedUuid()`, for the rows written by the
 * thousand (exposures, notifications); or short issuer ids), timestamps are text in the one form
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
  /** The district of residence, for dashboards by district; optional. */
  district: string | null
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
  /** The issuer the entry belongs to; null for the system's and for entries from before. */
  issuer_id: string | null
}

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

/** `signing_keys`: the CSCA and the issuers' document signers, private keys sealed (KeyVault). */
export interface SigningKeyTable {
  id: string
  purpose:
    | 'csca'
    | 'document-signer'
    | 'domestic-signer'
    | 'legacy-signer'
    | 'gateway-trust-anchor'
    | 'gateway-upload'
  /** The issuer a document signer signs for; null for the deployment's CSCA. */
  issuer_id: string | null
  /** Base64 of the 8-byte HCERT kid. */
  kid: string
  /** The X.509 certificate, PEM. */
  certificate: string
  sealed_private_key: string
  status: 'active' | 'retired'
  not_before: string
  not_after: string
  created_at: string
  retired_at: string | null
}

/** `certificates`: every signed certificate, its QR text, revocation hashes and status. */
export interface CertificateTable {
  id: string
  uvci: string
  person_id: string
  record_id: string
  issuer_id: string
  kind: 'vaccination' | 'test' | 'recovery' | 'antibody'
  signing_key_id: string
  qr_text: string
  hash_uci: string
  hash_country_uci: string
  hash_signature: string
  status: 'valid' | 'suspended' | 'revoked'
  status_reason: string | null
  status_changed_at: string | null
  status_changed_by: string | null
  issued_at: string
  expires_at: string
}

/** `commission_requests`: evidence of an illness, its review, and one appeal; steps as JSON. */
export interface CommissionRequestTable {
  id: string
  person_id: string
  issuer_id: string
  evidence_kind: 'test' | 'antibody'
  evidence: string
  status: 'submitted' | 'approved' | 'refused' | 'appealed' | 'appeal_approved' | 'appeal_refused'
  submitted_by: string
  submitted_at: string
  decision: string | null
  appeal: string | null
  appeal_decision: string | null
  record_id: string | null
  updated_at: string
}

/** `commission_attachments`: the files of a request (PDF, PNG, JPEG), bytes in the row. */
export interface CommissionAttachmentTable {
  id: string
  request_id: string
  file_name: string
  media_type: string
  size: number
  sha256: string
  content: Uint8Array
  created_at: string
}

/** `trust_partners`: other deployments whose trust lists we import, with their signing certificate. */
export interface TrustPartnerTable {
  id: string
  name: string
  /** The partner's list-signing certificate, PEM. */
  signing_certificate: string
  source_url: string | null
  /** Which of the partner's lists: 'eu', 'domestic', or null (every kind). */
  list: 'eu' | 'domestic' | null
  /** The last imported list, as received (JSON text). */
  trust_list: string | null
  imported_at: string | null
  created_at: string
  /** The last imported list in the DCC Gateway's form, as received (JSON text). */
  gateway_trust_list: string | null
  gateway_imported_at: string | null
}

/** `trust_partner_revocation_batches`: a partner's Gateway revocation batches, CMS as received. */
export interface TrustPartnerRevocationBatchTable {
  partner_id: string
  batch_id: string
  country: string
  /** Base64 of the CMS SignedData. */
  signed_batch: string
  imported_at: string
}

/** `declarations`: what a person declared, when; symptoms and visits as JSON. */
export interface DeclarationTable {
  id: string
  person_id: string
  declared_at: string
  symptoms: string
  visits: string
  confirmed_case_contact: number
  declared_by: string
}

/** `risk_areas`: every version of every risk area; the current ones have no `superseded_at`. */
export interface RiskAreaTable {
  id: string
  area_code: string
  name: string
  level: 'high' | 'medium'
  valid_from: string
  valid_until: string | null
  created_by: string
  created_at: string
  superseded_at: string | null
  superseded_by: string | null
  /** The region whose authority declared the area (migration `20261207120000-risk-area-owners`). */
  issuer_id: string | null
}

/** `risk_rulesets`: every version of the risk rules; the highest version is in force. */
export interface RiskRulesetTable {
  version: number
  rules: string
  note: string | null
  created_by: string | null
  created_at: string
  /** The issuer whose version this is (null only for rows of a store without issuers). */
  issuer_id: string | null
}

/** `health_codes`: each person's current colour, its reasons, and when time alone changes it. */
export interface HealthCodeTable {
  person_id: string
  colour: 'green' | 'yellow' | 'red'
  reasons: string
  green_on: string | null
  reassess_at: string | null
  ruleset_version: number
  assessed_at: string
  district: string | null
  /** The opaque id the person's dynamic code carries instead of their identity. */
  subject: string
}

export interface CompanyTable {
  id: string
  name: string
  created_by: string
  created_at: string
}

/** `company_members`: admins and employees; employees join by invitation and consent. */
export interface CompanyMemberTable {
  id: string
  company_id: string
  role: 'admin' | 'employee'
  account_id: string | null
  person_id: string | null
  status: 'invited' | 'active' | 'left'
  invite_hash: string | null
  consent: number
  invited_at: string
  accepted_at: string | null
}

export interface VenueTable {
  id: string
  name: string
  category: string
  address: string
  district: string
  company_id: string | null
  operator_account_id: string
  poster_secret: string
  created_at: string
  /** The region the venue is in. */
  issuer_id: string | null
}

export interface EntryPolicyTable {
  issuer_id: string
  category: string
  policy: string
  updated_by: string | null
  updated_at: string
}

/** `checkins`: keyed by the client's id, so that a re-sent check-in is not counted twice. */
export interface CheckinTable {
  id: string
  venue_id: string
  person_id: string | null
  subject: string | null
  method: 'poster' | 'scan'
  at: string
  colour: string | null
  entry_allowed: number
  recorded_at: string
}

export interface CaseTable {
  id: string
  person_id: string
  confirmed_at: string
  source: 'test' | 'authority'
  record_id: string | null
  created_by: string
  published_at: string | null
  district: string | null
  /** When the authority closed the case; null while it is open. */
  closed_at: string | null
}

export interface ExposureTable {
  id: string
  person_id: string
  case_id: string
  kind: 'close-contact' | 'same-venue' | 'secondary-contact'
  venue_id: string | null
  at: string
  created_at: string
  district: string | null
}

export interface NotificationTable {
  id: string
  person_id: string
  kind: string
  data: string
  created_at: string
  read_at: string | null
}

/** `daily_counters`: (day, district, metric) → value, for the dashboards. */
export interface DailyCounterTable {
  day: string
  district: string
  metric: string
  value: number
}

/** `shc_issuers`: SMART Health Card issuers we trust, with their keys and revocation lists. */
export interface ShcIssuerTable {
  iss: string
  /** The issuer's JWKS, JSON. */
  jwks: string
  /** The issuer's CRLs, a JSON array. */
  crls: string
  imported_at: string
}

/** `validity_rulesets`: every version of every validity rule set (EU CertLogic rules, JSON). */
export interface ValidityRulesetTable {
  id: string
  version: number
  rules: string
  note: string | null
  created_by: string | null
  created_at: string
  /** The issuer whose version this is (null only for rows of a store without issuers). */
  issuer_id: string | null
}

/** `limit_counters`: the counters of every abuse limit, one row per (bucket, key, window). */
export interface LimitCounterTable {
  bucket: string
  key: string
  window_start: string
  /** bigint on PostgreSQL: read as a string there. */
  count: number | string
  expires_at: string
}

/** `claim_codes`: a person record's one-time claim code (hash; sealed copy for printing). */
export interface ClaimCodeTable {
  person_id: string
  code_hash: string
  sealed_code: string | null
  issued_by: string | null
  issued_at: string
}

/** `domain_events`: the outbox of domain events waiting for their reactions. */
export interface DomainEventTable {
  id: string
  kind: string
  /** The event as JSON. */
  payload: string
  created_at: string
  attempts: number
  next_attempt_at: string
  last_error: string | null
}

/** `districts`: the areas a region's authority defines, by code. */
export interface DistrictTable {
  issuer_id: string
  code: string
  name: string
  created_by: string | null
  created_at: string
}

/**
 * `tracing_work`: a traced case's same-venue visitors and contacts of contacts, still to record
 * (one row per case, removed when done). `done` counts the planned exposures handled so far;
 * `reassess` (JSON) lists the people of the last batch whose colours are yet to be re-evaluated.
 */
export interface TracingWorkTable {
  case_id: string
  traced_at: string
  done: number
  reassess: string
  attempts: number
  created_at: string
  /** 1 once the close contacts the answer recorded were told (their notifications written). */
  close_contacts_told: number
}

/**
 * `district_counters`: the people registered and their current codes by colour, per issuer and
 * district (`''` for people without one), kept in step with `people` and `health_codes` by the
 * repositories that write them. Metrics: `people`, `codes.green`, `codes.yellow`, `codes.red`.
 */
export interface DistrictCounterTable {
  issuer_id: string
  district: string
  metric: string
  /** bigint on PostgreSQL: read as a string there. */
  value: number | string
}

/** The database Healthcode's repositories query. */
export interface Database {
  tracing_work: TracingWorkTable
  district_counters: DistrictCounterTable
  domain_events: DomainEventTable
  districts: DistrictTable
  limit_counters: LimitCounterTable
  claim_codes: ClaimCodeTable
  shc_issuers: ShcIssuerTable
  validity_rulesets: ValidityRulesetTable
  declarations: DeclarationTable
  risk_areas: RiskAreaTable
  risk_rulesets: RiskRulesetTable
  health_codes: HealthCodeTable
  companies: CompanyTable
  company_members: CompanyMemberTable
  venues: VenueTable
  entry_policies: EntryPolicyTable
  checkins: CheckinTable
  cases: CaseTable
  exposures: ExposureTable
  notifications: NotificationTable
  daily_counters: DailyCounterTable
  signing_keys: SigningKeyTable
  certificates: CertificateTable
  commission_requests: CommissionRequestTable
  commission_attachments: CommissionAttachmentTable
  trust_partners: TrustPartnerTable
  trust_partner_revocation_batches: TrustPartnerRevocationBatchTable
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
/** A row of `signing_keys` as read. */
export type SigningKeyRow = Selectable<SigningKeyTable>
/** A row of `certificates` as read. */
export type CertificateRow = Selectable<CertificateTable>
/** A row of `commission_requests` as read. */
export type CommissionRequestRow = Selectable<CommissionRequestTable>
/** A row of `commission_attachments` as read. */
export type CommissionAttachmentRow = Selectable<CommissionAttachmentTable>
/** A row of `trust_partners` as read. */
export type TrustPartnerRow = Selectable<TrustPartnerTable>
/** A row of `venues` as read. */
export type VenueRow = Selectable<VenueTable>
/** A row of `checkins` as read. */
export type CheckinRow = Selectable<CheckinTable>
/** A row of `cases` as read. */
export type CaseRow = Selectable<CaseTable>
/** A row of `exposures` as read. */
export type ExposureRow = Selectable<ExposureTable>
/** A row of `notifications` as read. */
export type NotificationRow = Selectable<NotificationTable>
/** A row of `companies` as read. */
export type CompanyRow = Selectable<CompanyTable>
/** A row of `company_members` as read. */
export type CompanyMemberRow = Selectable<CompanyMemberTable>
/** A row of `declarations` as read. */
export type DeclarationRow = Selectable<DeclarationTable>
/** A row of `risk_areas` as read. */
export type RiskAreaRow = Selectable<RiskAreaTable>
/** A row of `health_codes` as read. */
export type HealthCodeRow = Selectable<HealthCodeTable>
