import type { NewAuditEntry, AuditEntry } from './audit/audit-entry.js'
import type {
  CertificateSearch,
  CertificateStatus,
  CertificateWithHolder,
  HealthCertificate,
  NewHealthCertificate,
} from './certificates/certificate.js'
import type {
  Attachment,
  AttachmentInfo,
  CommissionRequest,
  CommissionStatus,
} from './commission/commission-request.js'
import type { DomainEventRepository } from './events/domain-event.js'
import type { LimitCounterStore } from './limits/limit-counter-store.js'
import type { ClaimCodeRepository } from './people/claim-code.js'
import type { SigningKey, SigningKeyPurpose } from './keys/signing-key.js'
import type { PartnerRevocationBatch, TrustPartner } from './trust/trust-partner.js'
import type { Company, CompanyMember } from './companies/company.js'
import type { Case, Exposure, Notification, TracingWork } from './tracing/tracing.js'
import type { Checkin, EntryPolicy, Venue } from './venues/venue.js'
import type { StoredHealthCode } from './colours/stored-health-code.js'
import type { StoredDeclaration } from './declarations/stored-declaration.js'
import type { StoredRiskArea } from './risk-areas/stored-risk-area.js'
import type { StoredRuleSet } from './risk-rules/stored-rule-set.js'
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
  /**
   * Runs `work`, reads only, each read seeing what committed before it (not one snapshot for all):
   * on PostgreSQL without BEGIN and COMMIT, saving two round trips of every request's token and
   * colour reads. `work` must not write; for reads that must agree with each other, use
   * {@link transaction}.
   */
  read<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>
  /** Cheap round trip to the database, for readiness checks. */
  ping(): Promise<void>
  /** Closes the connections. */
  close(): Promise<void>
  readonly dialect: 'sqlite' | 'postgres'
  /**
   * Runs `work` unless another process on this store is running work of the same `name` at the
   * moment; answers whether it ran. Jobs use it, with a claim of their time slot in the limit
   * counters, to run once across server processes.
   */
  runAlone<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>
  /** The counters of the abuse limits, shared by every process on this database. */
  readonly limitCounters: LimitCounterStore
  /**
   * Writes a batch of check-ins in one transaction, the fastest way the database allows: the ones
   * whose id is new are inserted and their counters added; returns the ids inserted.
   */
  appendCheckins(
    items: readonly {
      checkin: Checkin
      counters: readonly { day: string; district: string; metric: string; by: number }[]
    }[],
  ): Promise<Set<string>>
  /**
   * Writes API tokens' last use (`at`, ISO 8601), a write whose loss is harmless, in one commit
   * that never waits for another writer's lock on the thread that serves requests (SQLite: on the
   * check-in writer's connection).
   */
  touchApiTokens(touches: readonly { id: string; at: string }[]): Promise<void>
  /**
   * Creates the time partitions of the coming days and months where the store partitions its
   * time-ordered tables (PostgreSQL); returns how many it created (0 elsewhere). Run at start and
   * by an hourly job.
   */
  preparePartitions(now: Date): Promise<number>
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
  readonly venues: VenueRepository
  readonly checkins: CheckinRepository
  readonly tracing: TracingRepository
  readonly companies: CompanyRepository
  readonly counters: CounterRepository
  readonly health: HealthRepository
  readonly shcIssuers: ShcIssuerRepository
  readonly validityRuleSets: ValidityRuleSetRepository
  readonly claimCodes: ClaimCodeRepository
  /** The outbox of domain events (see events/event-outbox.ts). */
  readonly events: DomainEventRepository
}

/** The SMART Health Card issuers we trust: each `iss` with its JWKS and revocation lists. */
export interface ShcIssuerRepository {
  /** Stores an issuer; a later save of the same `iss` replaces it. */
  save(issuer: { iss: string; jwks: unknown; crls: unknown[]; at: string }): Promise<void>
  list(): Promise<{ iss: string; jwks: unknown; crls: unknown[]; importedAt: string }[]>
  remove(iss: string): Promise<boolean>
}

/** Validity rule sets (EU CertLogic format), every version, per issuer. */
export interface ValidityRuleSetRepository {
  add(ruleSet: {
    /** The issuer whose version this is. */
    issuerId?: string | undefined
    id: string
    version: number
    rules: unknown
    note: string | undefined
    createdBy: string | undefined
    createdAt: string
  }): Promise<void>
  /** The highest version of each stored rule set, per issuer. */
  latest(): Promise<
    {
      id: string
      version: number
      rules: unknown
      note: string | undefined
      createdAt: string
      issuerId: string | undefined
    }[]
  >
}

/** Declarations, risk areas, risk rules and each person's current code. */
export interface HealthRepository {
  addDeclaration(declaration: Omit<StoredDeclaration, 'id'>): Promise<StoredDeclaration>
  /** A person's declarations since `since`, oldest first. */
  declarations(personId: string, since: string): Promise<StoredDeclaration[]>
  /** People who declared a visit to the area in a declaration made since `since`. */
  peopleWhoVisited(areaCode: string, since: string): Promise<string[]>
  addRiskArea(
    area: Omit<StoredRiskArea, 'id' | 'supersededAt' | 'supersededBy'>,
  ): Promise<StoredRiskArea>
  /** Ends a version: replaced `by` a new one, or withdrawn (`by` undefined); false if ended already. */
  supersedeRiskArea(id: string, by: string | undefined, at: string): Promise<boolean>
  findRiskArea(id: string): Promise<StoredRiskArea | undefined>
  /** Risk areas by code; every region's, or those owned by `issuerIds` only. */
  riskAreas(options: {
    includeSuperseded: boolean
    areaCode?: string
    issuerIds?: readonly string[]
  }): Promise<StoredRiskArea[]>
  latestRuleSet(): Promise<StoredRuleSet | undefined>
  findRuleSet(version: number): Promise<StoredRuleSet | undefined>
  ruleSetVersions(): Promise<Omit<StoredRuleSet, 'rules'>[]>
  /** The newest version each issuer stored. */
  latestRuleSets(): Promise<StoredRuleSet[]>
  addRuleSet(ruleset: StoredRuleSet): Promise<void>
  healthCode(personId: string): Promise<StoredHealthCode | undefined>
  personOfSubject(subject: string): Promise<string | undefined>
  saveHealthCode(code: StoredHealthCode): Promise<void>
  /** People ids in id order after `afterPersonId` (for recomputing everyone in batches). */
  personIdsAfter(afterPersonId: string, limit: number): Promise<string[]>
  dueForReassessment(now: string, limit: number): Promise<string[]>
  /**
   * Stored codes by colour and district (`unknown` for people without a district), in the given
   * districts or everywhere; people whose code was never computed have none. Read from counters
   * kept in step with every write of a code or a person's district.
   */
  colourCounts(
    districts?: readonly string[],
  ): Promise<{ colour: string; district: string; count: number }[]>
  /** The districts these issuers defined, by issuer and code. */
  districts(issuerIds: readonly string[]): Promise<District[]>
  /** Defines a district, or renames it when the issuer has the code already. */
  saveDistrict(
    district: District & { createdBy: string | undefined; createdAt: string },
  ): Promise<void>
}

/** An area a region's authority defined: risk areas and venues name it by its code. */
export interface District {
  readonly issuerId: string
  /** The area code, as risk areas and venues name it (`CN-SH-PD`). */
  readonly code: string
  readonly name: string
}

/** Venues and the entry policies of their categories. */
export interface VenueRepository {
  create(venue: Venue): Promise<Venue>
  find(id: string): Promise<Venue | undefined>
  findMany(ids: readonly string[]): Promise<Venue[]>
  /** The districts where the venues of these issuers stand (for a region's dashboard). */
  districtsOf(issuerIds: readonly string[]): Promise<string[]>
  /**
   * Venues an operator registered or that belong to the companies, or the venues of the issuers;
   * every venue without a filter.
   */
  list(filter: {
    operatorAccountId?: string
    companyIds?: readonly string[]
    issuerIds?: readonly string[]
  }): Promise<Venue[]>
  setPosterSecret(id: string, secret: string): Promise<void>
  /** An issuer's own policy of a category (none when it keeps its ancestors'). */
  entryPolicy(issuerId: string, category: string): Promise<EntryPolicy | undefined>
  /** Every stored policy: by issuer, then by category. */
  entryPolicies(): Promise<Map<string, Map<string, EntryPolicy>>>
  setEntryPolicy(
    issuerId: string,
    category: string,
    policy: EntryPolicy,
    by: string,
    at: string,
  ): Promise<void>
}

/** Check-ins, keyed by the client's id. */
export interface CheckinRepository {
  /** Inserts the check-ins whose id is new; returns the ids inserted (re-sent ones are not). */
  insertNew(checkins: readonly Checkin[]): Promise<Set<string>>
  find(id: string): Promise<Checkin | undefined>
  listForPerson(personId: string, since: string): Promise<Checkin[]>
  atVenue(venueId: string, from: string, until: string): Promise<Checkin[]>
  /**
   * Drops, where the store partitions check-ins by time, the partitions that hold only check-ins
   * older than `before`; returns how many check-ins went (0 where nothing is partitioned). What is
   * left older than `before` is for {@link deleteBefore}.
   */
  dropPartitionsBefore(before: string): Promise<number>
  /** Deletes up to `limit` check-ins older than `before`; returns how many. */
  deleteBefore(before: string, limit: number): Promise<number>
}

/** Cases, exposures and the people's feeds. */
export interface TracingRepository {
  createCase(input: Omit<Case, 'id' | 'publishedAt' | 'closedAt'>): Promise<Case>
  findCase(id: string): Promise<Case | undefined>
  caseOf(personId: string): Promise<Case | undefined>
  /** Cases of people of these issuers, newest first, open, closed or all. */
  listCases(filter: {
    issuerIds: readonly string[]
    status: 'open' | 'closed' | 'all'
    limit: number
    offset: number
  }): Promise<Case[]>
  /** Closes a case at an instant, or reopens it (undefined). */
  setCaseClosed(id: string, closedAt: string | undefined): Promise<void>
  publishCase(id: string, at: string): Promise<void>
  publishedCases(since: string): Promise<Case[]>
  addExposures(exposures: readonly Omit<Exposure, 'id'>[]): Promise<Exposure[]>
  exposuresOf(personId: string, since: string): Promise<Exposure[]>
  exposuresOfCase(caseId: string): Promise<Exposure[]>
  notify(notification: Omit<Notification, 'id' | 'readAt'>): Promise<Notification>
  notifyMany(notifications: readonly Omit<Notification, 'id' | 'readAt'>[]): Promise<void>
  feed(personId: string, limit: number): Promise<Notification[]>
  markRead(personId: string, ids: readonly string[], at: string): Promise<void>
  /** How many of the person's notifications are not read yet. */
  unreadCount(personId: string): Promise<number>
  /** Queues a case's background work; a case traced again replaces what was left of the last. */
  queueWork(work: { caseId: string; tracedAt: string; reassess: readonly string[] }): Promise<void>
  /** The oldest queued work, at most `limit` cases. */
  queuedWork(limit: number): Promise<TracingWork[]>
  /** A case's queued work, locked for the rest of the transaction where writers run side by side. */
  findWork(caseId: string): Promise<TracingWork | undefined>
  /** Records progress: what was handled, who is yet to be reassessed, one more attempt if asked. */
  saveWork(
    caseId: string,
    progress: { done: number; reassess: readonly string[]; attempted?: boolean },
  ): Promise<void>
  /** Removes a case's work, unless it was queued again (traced at another time) meanwhile. */
  finishWork(caseId: string, tracedAt: string): Promise<void>
}

/** Companies, their admins and consenting employees. */
export interface CompanyRepository {
  create(company: Omit<Company, 'id'>): Promise<Company>
  find(id: string): Promise<Company | undefined>
  addMember(
    member: Omit<CompanyMember, 'id'> & { inviteHash: string | undefined },
  ): Promise<CompanyMember>
  findInvitation(inviteHash: string): Promise<CompanyMember | undefined>
  accept(
    memberId: string,
    change: { accountId: string; personId: string; consent: boolean; at: string },
  ): Promise<boolean>
  setConsent(memberId: string, consent: boolean): Promise<void>
  membershipsOf(accountId: string): Promise<CompanyMember[]>
  members(companyId: string): Promise<CompanyMember[]>
  employeeColours(companyId: string): Promise<
    {
      personId: string
      consent: boolean
      colour: string | undefined
      familyName: string
      givenName: string
    }[]
  >
  declarationsOn(companyId: string, day: string): Promise<number>
  /** Companies in id order (for operators' tools and benchmarks). */
  list(page: { limit: number; offset: number }): Promise<Company[]>
}

/** The dashboards' daily counters. */
export interface CounterRepository {
  add(
    increments: readonly { day: string; district: string; metric: string; by: number }[],
  ): Promise<void>
  read(filter: {
    from: string
    until: string
    metrics: readonly string[]
    districts?: readonly string[]
  }): Promise<{ day: string; district: string; metric: string; value: number }[]>
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
  findByUvci(uvci: string): Promise<HealthCertificate | undefined>
  /** A person's certificates, newest first. */
  listForPerson(personId: string): Promise<HealthCertificate[]>
  listForRecord(recordId: string): Promise<HealthCertificate[]>
  /**
   * An issuer's certificates with their holders, narrowed by the search: newest first (by issue),
   * or, when narrowed to revoked or suspended ones, by the latest change of status first.
   */
  search(
    issuerId: string,
    search: CertificateSearch,
    page: { limit: number; offset: number },
  ): Promise<CertificateWithHolder[]>
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
  /**
   * Every certificate whose status was ever changed (revoked, suspended, or valid again), with
   * what a DCC Gateway revocation batch names: its signer's kid and its issuer's country.
   */
  statusChanges(): Promise<CertificateStatusChange[]>
}

/** A certificate whose status changed, as a revocation batch names it. */
export interface CertificateStatusChange {
  readonly id: string
  readonly status: CertificateStatus
  readonly statusChangedAt: string
  readonly expiresAt: string
  /** Base64 of the 8-byte kid of the document signer that signed it. */
  readonly kid: string
  /** The issuer's country (ISO 3166-1 alpha-2). */
  readonly country: string
  readonly revocationHashes: HealthCertificate['revocationHashes']
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
  create(
    partner: Omit<
      TrustPartner,
      'id' | 'trustList' | 'importedAt' | 'gatewayTrustList' | 'gatewayImportedAt'
    >,
  ): Promise<TrustPartner>
  find(id: string): Promise<TrustPartner | undefined>
  list(): Promise<TrustPartner[]>
  saveImport(id: string, trustList: string, at: string): Promise<void>
  /** Stores a partner's Gateway-format trust list (replacing the previous one). */
  saveGatewayImport(id: string, trustList: string, at: string): Promise<void>
  /** Stores revocation batches of a partner, replacing those of the same batch id. */
  saveRevocationBatches(batches: readonly PartnerRevocationBatch[]): Promise<void>
  /** Removes a partner's batches (the Gateway lists them `deleted`). */
  deleteRevocationBatches(partnerId: string, batchIds: readonly string[]): Promise<number>
  /** Every partner's stored revocation batches. */
  revocationBatches(): Promise<PartnerRevocationBatch[]>
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
  /** Inserts a new issuer; never replaces one (a second with the same id is a unique violation). */
  create(issuer: Issuer): Promise<void>
  find(id: string): Promise<Issuer | undefined>
  list(): Promise<Issuer[]>
}

export interface PersonRepository {
  create(person: NewPerson): Promise<Person>
  find(id: string): Promise<Person | undefined>
  findByDocument(document: IdentityDocument): Promise<Person | undefined>
  /** The districts where the people of these issuers live (for a region's dashboard). */
  districtsOf(issuerIds: readonly string[]): Promise<string[]>
  /**
   * People registered by district (`unknown` for people without one), in the given districts or
   * everywhere, for the authority's dashboard: read from counters kept in step with every write,
   * so that it reads a few rows whatever the number of people.
   */
  countByDistrict(districts?: readonly string[]): Promise<{ district: string; count: number }[]>
  /**
   * The people of these issuers who have no district, and their stored codes by colour (a region's
   * dashboard counts them as `unknown`).
   */
  countWithoutDistrict(
    issuerIds: readonly string[],
  ): Promise<{ registered: number; colours: { colour: string; count: number }[] }>
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
  list(options?: {
    fromSequence?: number
    limit?: number
    /** Only entries of these issuers… */
    issuerIds?: readonly string[]
    /** …and, when true, entries that belong to no issuer (the root's). */
    unowned?: boolean
  }): Promise<AuditEntry[]>
  /** Every entry in sequence order, streamed in pages, for verification. */
  all(): AsyncIterable<AuditEntry>
}
