import type { NewAuditEntry, AuditEntry } from './audit/audit-entry.js'
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
