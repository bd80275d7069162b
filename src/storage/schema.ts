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
  purpose: 'csca' | 'document-signer'
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
  /** The last imported list, as received (JSON text). */
  trust_list: string | null
  imported_at: string | null
  created_at: string
}

/** The database Healthcode's repositories query. */
export interface Database {
  signing_keys: SigningKeyTable
  certificates: CertificateTable
  commission_requests: CommissionRequestTable
  commission_attachments: CommissionAttachmentTable
  trust_partners: TrustPartnerTable
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
