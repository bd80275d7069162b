import { type Kysely, sql } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { Store, StoreTransaction } from '../domain/ports.js'
import { KyselyAccountRepository } from './account.repository.js'
import { KyselyApiTokenRepository } from './api-token.repository.js'
import { KyselyAuditLog } from './audit-log.repository.js'
import { KyselyCertificateRepository } from './certificate.repository.js'
import { KyselyCommissionRepository } from './commission.repository.js'
import { KyselyCheckinRepository, checkinRow } from './checkin.repository.js'
import type { Checkin } from '../domain/venues/venue.js'
import { KyselyCompanyRepository } from './company.repository.js'
import { KyselyCounterRepository } from './counter.repository.js'
import type { StorageDialect } from './dialects/storage-dialect.js'
import { KyselyHealthRepository } from './health.repository.js'
import { KyselyIssuerRepository } from './issuer.repository.js'
import { KyselyLimitCounterStore } from './limit-counter.repository.js'
import { KyselyDomainEventRepository } from './domain-event.repository.js'
import { KyselyClaimCodeRepository } from './claim-code.repository.js'
import { KyselyPersonRepository } from './person.repository.js'
import { KyselyRegisterRecordRepository } from './register-record.repository.js'
import { KyselySessionRepository } from './session.repository.js'
import { KyselyShcIssuerRepository } from './shc-issuer.repository.js'
import { KyselySigningKeyRepository } from './signing-key.repository.js'
import { KyselyTracingRepository } from './tracing.repository.js'
import { KyselyTrustPartnerRepository } from './trust-partner.repository.js'
import { KyselyValidityRuleSetRepository } from './validity-rule-set.repository.js'
import { KyselyVenueRepository } from './venue.repository.js'
import type { RepositoryContext } from './repository-context.js'
import type { Database } from './schema.js'
import { isoTimestamp } from './errors.js'

/** The repositories, bound to one transaction. */
export function storeTransaction(context: RepositoryContext): StoreTransaction {
  return {
    issuers: new KyselyIssuerRepository(context),
    people: new KyselyPersonRepository(context),
    accounts: new KyselyAccountRepository(context),
    sessions: new KyselySessionRepository(context),
    apiTokens: new KyselyApiTokenRepository(context),
    audit: new KyselyAuditLog(context),
    records: new KyselyRegisterRecordRepository(context),
    signingKeys: new KyselySigningKeyRepository(context),
    certificates: new KyselyCertificateRepository(context),
    commission: new KyselyCommissionRepository(context),
    trustPartners: new KyselyTrustPartnerRepository(context),
    venues: new KyselyVenueRepository(context),
    checkins: new KyselyCheckinRepository(context),
    tracing: new KyselyTracingRepository(context),
    companies: new KyselyCompanyRepository(context),
    counters: new KyselyCounterRepository(context),
    health: new KyselyHealthRepository(context),
    shcIssuers: new KyselyShcIssuerRepository(context),
    validityRuleSets: new KyselyValidityRuleSetRepository(context),
    claimCodes: new KyselyClaimCodeRepository(context),
    events: new KyselyDomainEventRepository(context),
  }
}

/** The {@link Store} over a Kysely database, SQLite or PostgreSQL. Open one with `openStore`. */
export class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres'
  readonly limitCounters: KyselyLimitCounterStore
  #closing: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly storageDialect: StorageDialect,
    private readonly clock: Clock,
  ) {
    this.dialect = storageDialect.name
    this.limitCounters = new KyselyLimitCounterStore(db, storageDialect)
  }

  /**
   * Runs `work` in one transaction, with repositories bound to it: everything commits when `work`
   * resolves, nothing when it rejects (the rejection passes through).
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.storageDialect.transaction(this.db, (trx) =>
      work(storeTransaction({ db: trx, dialect: this.storageDialect, clock: this.clock })),
    )
  }

  read<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.storageDialect.read(this.db, (db) =>
      work(storeTransaction({ db, dialect: this.storageDialect, clock: this.clock })),
    )
  }

  async preparePartitions(now: Date): Promise<number> {
    return this.storageDialect.preparePartitions
      ? this.storageDialect.preparePartitions(this.db, now)
      : 0
  }

  runAlone<T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    return this.storageDialect.runAlone(this.db, name, work)
  }

  appendCheckins(
    items: readonly {
      checkin: Checkin
      counters: readonly { day: string; district: string; metric: string; by: number }[]
    }[],
  ): Promise<Set<string>> {
    return this.storageDialect.appendCheckins(
      this.db,
      items.map((item) => ({ row: checkinRow(item.checkin), counters: item.counters })),
    )
  }

  /** @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when an `at` is not a date and time. */
  async touchApiTokens(touches: readonly { id: string; at: string }[]): Promise<void> {
    if (touches.length === 0) return
    await this.storageDialect.touchApiTokens(
      this.db,
      touches.map((touch) => ({ id: touch.id, at: isoTimestamp(touch.at) })),
    )
  }

  /** One round trip to the database; rejects when it cannot be reached. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db)
  }

  /** Closes the connection (SQLite) or ends the pool (PostgreSQL); calling it again is harmless. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.storageDialect.close?.()
      await this.db.destroy()
    })()
    return this.#closing
  }
}
