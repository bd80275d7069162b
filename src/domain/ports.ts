// The ports the domain declares: the Store and its transaction here; each repository beside the
// domain it serves, re-exported here for the storage layer that implements them all.
import type {
  AccountRepository,
  ApiTokenRepository,
  SessionRepository,
} from './access/account-repository.js'
import type { AuditLog } from './audit/audit-log.js'
import type { CertificateRepository } from './certificates/certificate-repository.js'
import type { HealthRepository } from './colours/health-repository.js'
import type { CommissionRepository } from './commission/commission-repository.js'
import type { CompanyRepository } from './companies/company-repository.js'
import type { CounterRepository } from './dashboards/counter-repository.js'
import type { DomainEventRepository } from './events/domain-event.js'
import type { IssuerRepository } from './issuers/issuer-repository.js'
import type { SigningKeyRepository } from './keys/signing-key-repository.js'
import type { LimitCounterStore } from './limits/limit-counter-store.js'
import type { ClaimCodeRepository } from './people/claim-code.js'
import type { PersonRepository } from './people/person-repository.js'
import type { RegisterRecordRepository } from './register/register-record-repository.js'
import type { TracingRepository } from './tracing/tracing-repository.js'
import type { ShcIssuerRepository } from './trust/shc-issuer-repository.js'
import type { TrustPartnerRepository } from './trust/trust-partner-repository.js'
import type { ValidityRuleSetRepository } from './validity-rules/validity-rule-set-repository.js'
import type { CheckinRepository } from './venues/checkin-repository.js'
import type { VenueRepository } from './venues/venue-repository.js'
import type { Checkin } from './venues/venue.js'

export type {
  AccountRepository,
  ApiTokenRepository,
  SessionRepository,
} from './access/account-repository.js'
export type { AuditLog } from './audit/audit-log.js'
export type {
  CertificateRepository,
  CertificateStatusChange,
} from './certificates/certificate-repository.js'
export type { HealthRepository } from './colours/health-repository.js'
export type { CommissionRepository } from './commission/commission-repository.js'
export type { CompanyRepository } from './companies/company-repository.js'
export type { CounterRepository } from './dashboards/counter-repository.js'
export type { District } from './districts/district.js'
export type { IssuerRepository } from './issuers/issuer-repository.js'
export type { SigningKeyRepository } from './keys/signing-key-repository.js'
export type { PersonRepository } from './people/person-repository.js'
export type { RegisterRecordRepository } from './register/register-record-repository.js'
export type { TracingRepository } from './tracing/tracing-repository.js'
export type { ShcIssuerRepository } from './trust/shc-issuer-repository.js'
export type { TrustPartnerRepository } from './trust/trust-partner-repository.js'
export type { ValidityRuleSetRepository } from './validity-rules/validity-rule-set-repository.js'
export type { CheckinRepository } from './venues/checkin-repository.js'
export type { VenueRepository } from './venues/venue-repository.js'

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
