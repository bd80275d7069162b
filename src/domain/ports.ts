import type { NewAuditEntry, AuditEntry } from './audit/audit-entry.js'
import type {
  CertificateStatus,
  HealthCertificate,
  NewHealthCertificate,
} from './certificates/certificate.js'
import type {
  Attachment,
  AttachmentInfo,
  CommissionRequest,
  CommissionStatus,
} from './commission/commission-request.js'
import type { SigningKey, SigningKeyPurpose } from './keys/signing-key.js'
import type { TrustPartner } from './trust/trust-partner.js'
import type { NewRegisterRecord, RegisterRecord } from './register/register-record.js'
import type {
  Account,
  ApiToken,
  IdentityDocument,
  Issuer,
  NewAccount,
  NewPerson,
  Person,
  Session,
} from './people/person.js'

/**
 * What the domain needs from storage. Every method that changes register data takes the audit
 * entry to append in the same transaction, so that a change and its audit entry exist together or
 * not at all.
 */
export interface Store {
  /** Runs `work` in one transaction: everything it does through `tx` commits, or nothing does. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>
  /** Cheap round trip to the database, for readiness checks. */
  ping(): Promise<void>
  /** Closes the connections. */
  close(): Promise<void>
  readonly dialect: 'sqlite' | 'postgres'
}

/** The repositories, bound to one transaction. */
export interface StoreTransaction {
  readonly issuers: IssuerRepository
  readonly people: PersonRepository
  readonly accounts: AccountRepository
  readonly sessions: SessionRepository
  readonly apiTokens: ApiTokenRepository
  readonly audit: AuditLog
  readonly records: RegisterRecordRepository
  readonly signingKeys: SigningKeyRepository
  readonly certificates: CertificateRepository
  readonly commission: CommissionRepository
  readonly trustPartners: TrustPartnerRepository
}

/** The CSCA and the document signers, private keys sealed. */
export interface SigningKeyRepository {
  /** Stores a key under the id its private key was sealed for. */
  create(key: SigningKey): Promise<SigningKey>
  find(id: string): Promise<SigningKey | undefined>
  /** The newest active key of a purpose (and issuer, for document signers). */
  findActive(purpose: SigningKeyPurpose, issuerId?: string): Promise<SigningKey | undefined>
  /** Every key, oldest first. */
  list(): Promise<SigningKey[]>
  /** Marks active keys of the purpose and issuer retired (they keep verifying), except `keepId`. */
  retireOthers(
    purpose: SigningKeyPurpose,
    issuerId: string | undefined,
    keepId: string,
    at: string,
  ): Promise<number>
}

/** Issued certificates. */
export interface CertificateRepository {
  create(certificate: NewHealthCertificate): Promise<HealthCertificate>
  find(id: string): Promise<HealthCertificate | undefined>
  /** A person's certificates, newest first. */
  listForPerson(personId: string): Promise<HealthCertificate[]>
  listForRecord(recordId: string): Promise<HealthCertificate[]>
  /**
   * Changes the status of one certificate if it is in one of `from`; tells whether it did (so
   * that two concurrent changes cannot both succeed).
   */
  setStatus(
    id: string,
    from: readonly CertificateStatus[],
    change: { status: CertificateStatus; reason: string | undefined; at: string; by: string },
  ): Promise<boolean>
  /** The ids of a person's certificates in a status. */
  idsForPerson(personId: string, status: CertificateStatus): Promise<string[]>
  /** The hashes of every certificate in the statuses (revoked, suspended), in order of change. */
  hashesInStatus(
    statuses: readonly CertificateStatus[],
  ): Promise<HealthCertificate['revocationHashes'][]>
}

/** The commission's requests and their attachments. */
export interface CommissionRepository {
  create(
    request: Omit<
      CommissionRequest,
      'id' | 'decision' | 'appeal' | 'appealDecision' | 'recordId' | 'status'
    >,
  ): Promise<CommissionRequest>
  find(id: string): Promise<CommissionRequest | undefined>
  /**
   * Moves a request on if it is still in `from`; tells whether it did (a concurrent decision on
   * the same request loses).
   */
  advance(
    id: string,
    from: CommissionStatus,
    changes: Partial<
      Pick<CommissionRequest, 'status' | 'decision' | 'appeal' | 'appealDecision' | 'recordId'>
    > & { updatedAt: string },
  ): Promise<boolean>
  /** An issuer's requests in the given statuses, oldest first (the queue). */
  queue(
    issuerId: string,
    statuses: readonly CommissionStatus[],
    page: { limit: number; offset: number },
  ): Promise<CommissionRequest[]>
  /** A person's requests, newest first. */
  listForPerson(personId: string): Promise<CommissionRequest[]>
  addAttachment(attachment: Omit<Attachment, 'id'>): Promise<AttachmentInfo>
  listAttachments(requestId: string): Promise<AttachmentInfo[]>
  findAttachment(id: string): Promise<Attachment | undefined>
}

/** Partners whose trust lists we import. */
export interface TrustPartnerRepository {
  create(partner: Omit<TrustPartner, 'id' | 'trustList' | 'importedAt'>): Promise<TrustPartner>
  find(id: string): Promise<TrustPartner | undefined>
  list(): Promise<TrustPartner[]>
  saveImport(id: string, trustList: string, at: string): Promise<void>
}

/** The medical register's records: vaccinations, tests, recoveries, antibody tests. */
export interface RegisterRecordRepository {
  create(record: NewRegisterRecord): Promise<RegisterRecord>
  find(id: string): Promise<RegisterRecord | undefined>
  /** A person's records, oldest first. */
  listForPerson(personId: string): Promise<RegisterRecord[]>
}

export interface IssuerRepository {
  upsert(issuer: Issuer): Promise<void>
  find(id: string): Promise<Issuer | undefined>
  list(): Promise<Issuer[]>
}

export interface PersonRepository {
  create(person: NewPerson): Promise<Person>
  find(id: string): Promise<Person | undefined>
  findByDocument(document: IdentityDocument): Promise<Person | undefined>
  /** People of one issuer, newest first. */
  list(issuerId: string, page: { limit: number; offset: number }): Promise<Person[]>
  /** Changes the given fields; returns the updated person, or undefined if there is none. */
  update(id: string, changes: Partial<Omit<NewPerson, 'issuerId'>>): Promise<Person | undefined>
  setAccount(id: string, accountId: string): Promise<void>
}

export interface AccountRepository {
  create(account: NewAccount): Promise<Account>
  find(id: string): Promise<Account | undefined>
  findByLogin(login: string): Promise<Account | undefined>
  findByOidc(issuer: string, subject: string): Promise<Account | undefined>
  setPerson(id: string, personId: string): Promise<void>
  setPasswordHash(id: string, passwordHash: string): Promise<void>
  list(page: { limit: number; offset: number }): Promise<Account[]>
}

export interface SessionRepository {
  create(session: Omit<Session, 'id'>): Promise<Session>
  findByTokenHash(tokenHash: string): Promise<Session | undefined>
  delete(id: string): Promise<void>
  deleteExpired(now: string): Promise<number>
}

export interface ApiTokenRepository {
  create(token: Omit<ApiToken, 'id' | 'revokedAt' | 'lastUsedAt'>): Promise<ApiToken>
  findByTokenHash(tokenHash: string): Promise<ApiToken | undefined>
  find(id: string): Promise<ApiToken | undefined>
  listForAccount(accountId: string): Promise<ApiToken[]>
  revoke(id: string, at: string): Promise<void>
  touch(id: string, at: string): Promise<void>
}

/** The append-only, hash-chained audit log. */
export interface AuditLog {
  /** Appends an entry at `at`, chaining it to the last one; serialised across concurrent writers. */
  append(entry: NewAuditEntry, at: string): Promise<AuditEntry>
  /** Entries in sequence order, from `fromSequence` (1 by default), at most `limit`. */
  list(options?: { fromSequence?: number; limit?: number }): Promise<AuditEntry[]>
  /** Every entry in sequence order, streamed in pages, for verification. */
  all(): AsyncIterable<AuditEntry>
}
