import type { Config } from '../config/config.js'
import { AccountService } from '../domain/access/account-service.js'
import { AuditService } from '../domain/audit/audit-service.js'
import {
  type ChangeNotice,
  type ChangeNotices,
  SingleProcessChangeNotices,
} from '../domain/changes/change-notices.js'
import type { LimitCounterStore } from '../domain/limits/limit-counter-store.js'
import { CertificateService } from '../domain/certificates/certificate-service.js'
import type { Clock } from '../domain/clock.js'
import { CommissionDecisionService } from '../domain/commission/commission-decision-service.js'
import { CommissionRequestService } from '../domain/commission/commission-request-service.js'
import { CommissionRequestViews } from '../domain/commission/commission-request-views.js'
import { CompanyService } from '../domain/companies/company-service.js'
import { AuthorityDashboardService } from '../domain/dashboards/authority-dashboard.js'
import { EventOutbox } from '../domain/events/event-outbox.js'
import { recordReactions } from '../domain/events/record-reactions.js'
import { HealthStatusService } from '../domain/health-status/health-status-service.js'
import { IssuerService } from '../domain/issuers/issuer-service.js'
import { GatewayService } from '../domain/trust/gateway-service.js'
import { KeyVault } from '../domain/keys/key-vault.js'
import { SigningKeyService } from '../domain/keys/signing-key-service.js'
import { FixedWindowLimit } from '../domain/limits/fixed-window-limit.js'
import { Lockout, lockoutPolicy } from '../domain/limits/lockout.js'
import { SharedRateCounter } from '../domain/limits/shared-rate-counter.js'
import { SignInGuard } from '../domain/limits/sign-in-guard.js'
import { PeopleService } from '../domain/people/people-service.js'
import { auditRefusals } from '../domain/policy/refusal-audit.js'
import type { Store } from '../domain/ports.js'
import { RegisterService } from '../domain/register/register-service.js'
import { BackgroundTracingService } from '../domain/tracing/background-tracing-service.js'
import { CaseConfirmationService } from '../domain/tracing/case-confirmation-service.js'
import { CaseService } from '../domain/tracing/case-service.js'
import { ContactSearch } from '../domain/tracing/contact-search.js'
import { ExposureSiteService } from '../domain/tracing/exposure-site-service.js'
import { NotificationFeedService } from '../domain/tracing/notification-feed-service.js'
import { type TracingPolicy, defaultTracingPolicy } from '../domain/tracing/tracing-policy.js'
import { CheckinWriter } from '../domain/venues/checkin-writer.js'
import { VenueService } from '../domain/venues/venue-service.js'
import { type TrustListFetcher, TrustService } from '../domain/verification/trust-service.js'
import { ValidityService } from '../domain/verification/validity-service.js'
import { fetchDocument } from '../outbound/fetch-document.js'

/** Where the composed services report what they cannot throw (a pino logger fits). */
export interface ServiceLog {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

/** Work that runs on a schedule in a serving process. */
export interface ScheduledJob {
  readonly name: string
  readonly everyMs: number
  /** Also run when the server starts (work left by a process that stopped resumes then). */
  readonly atStart?: boolean
  /** Runs once; resolves to how many things it did (logged when more than 0). */
  run(): Promise<number>
}

/** Every domain service of one process, wired to one store and one clock. */
export interface Services {
  /** The store as the services see it: refusals of the policy layer are audited. */
  readonly store: Store
  readonly accounts: AccountService
  readonly people: PeopleService
  readonly register: RegisterService
  readonly keys: SigningKeyService
  readonly certificates: CertificateService
  /** Requests to the medical commission: submission, evidence files, reading them. */
  readonly commissionRequests: CommissionRequestService
  /** The commission's queue, decisions and appeals. */
  readonly commissionDecisions: CommissionDecisionService
  readonly trust: TrustService
  /** Trust lists and revocation batches in the DCC Gateway's formats, both ways. */
  readonly gateway: GatewayService
  readonly validity: ValidityService
  readonly health: HealthStatusService
  readonly venues: VenueService
  readonly checkinWriter: CheckinWriter
  /** A case's confirmation and its answer (the close contacts). */
  readonly caseConfirmation: CaseConfirmationService
  /** Tracing's queued work: same-venue visitors and contacts of contacts. */
  readonly backgroundTracing: BackgroundTracingService
  /** The authority's cases: list, page, whereabouts, closing, publishing. */
  readonly cases: CaseService
  /** A person's notifications (exposures, colour changes, the commission's decisions). */
  readonly notifications: NotificationFeedService
  readonly exposureSites: ExposureSiteService
  readonly companies: CompanyService
  readonly dashboards: AuthorityDashboardService
  readonly issuers: IssuerService
  readonly audit: AuditService
  /** The outbox of domain events (a new record's reactions), delivered after each commit. */
  readonly events: EventOutbox
  /** Sign-in back-off per login, and attempts per client address (sign-in, registration). */
  readonly limits: {
    readonly signIn: SignInGuard
    readonly signInAddress: FixedWindowLimit
    readonly registerAddress: FixedWindowLimit
    /** `POST /api/v1/verify` calls per client address per minute. */
    readonly verifyAddress: SharedRateCounter
  }
  /** Where the abuse limits count: the store's counters, or Redis (`REDIS_URL`). */
  readonly limitCounters: LimitCounterStore
  /** The periodic work of a serving process (retention, colours due, events due, counters). */
  readonly jobs: readonly ScheduledJob[]
  /** Writes what is buffered (check-ins, shared counts) and waits for work in flight. */
  flush(): Promise<void>
  /** Stops hearing other processes' change notices, then {@link flush}es. */
  close(): Promise<void>
}

/** The services whose reads a read replica may serve (dashboards, public lists). */
export interface ReplicaReads {
  readonly dashboards: AuthorityDashboardService
  readonly companies: CompanyService
  readonly exposureSites: ExposureSiteService
  readonly trust: TrustService
}

/** What `compose` may be given besides the configuration, the store and the clock. */
export interface ComposeOptions {
  /** Fetches partners' trust lists; default: HTTP(S) with a time and size limit. */
  readonly fetchTrustList?: TrustListFetcher
  readonly log?: ServiceLog
  /**
   * How this process hears of changes made by the other server processes on the store, and tells
   * them of its own (trust lists, rules, policies, colours, revoked tokens); default: alone.
   */
  readonly changeNotices?: ChangeNotices
  /** Where the abuse limits count; default: the store's own counters (`Store.limitCounters`). */
  readonly limitCounters?: LimitCounterStore
  /** Called when the trust lists change here or in another process (a replica's copy drops). */
  readonly onTrustChange?: () => void
}

const silentLog: ServiceLog = { warn: () => {}, error: () => {} }

/**
 * The one composition root: builds every domain service from the configuration, the store and the
 * clock, with the reactions between them passed through their constructors. `serve`, the CLI and
 * the tests all compose through here.
 *
 * @example
 * ```ts
 * const services = compose(loadConfig(), await openStore(url), systemClock)
 * const issuers = await services.issuers.list(actor)
 * ```
 */
export function compose(
  config: Config,
  storeOpened: Store,
  clock: Clock,
  options: ComposeOptions = {},
): Services {
  const log = options.log ?? silentLog
  const notices = options.changeNotices ?? new SingleProcessChangeNotices()
  const tell = (notice: ChangeNotice) => notices.publish(notice)
  // Every refusal by the policy layer is audited, in a transaction of its own.
  const store = auditRefusals(storeOpened, clock)
  const vault =
    config.keyEncryptionKey === undefined ? undefined : KeyVault.fromText(config.keyEncryptionKey)
  const keys = new SigningKeyService(store, clock, vault)
  // Caches: a change made here drops this process's copy (in the services) and is told to the
  // other processes, which drop theirs (the reaction passed last to each service below).
  const trust = new TrustService(
    store,
    clock,
    keys,
    config.trustCacheSeconds,
    options.fetchTrustList ?? fetchDocument,
    () => {
      options.onTrustChange?.()
      tell({ topic: 'trust' })
    },
  )
  const gateway = new GatewayService(
    store,
    clock,
    keys,
    () => trust.invalidate(),
    config.trustCacheSeconds,
  )
  // A certificate's status change drops the verifiers' cached revocation lists (in every process).
  const certificates = new CertificateService(store, clock, keys, config.certificates, () => {
    trust.changed()
    gateway.invalidate()
  })
  const health = new HealthStatusService(store, clock, keys, config.healthCodeTokenMinutes, tell)
  const tracingPolicy = tracingPolicyOf(config)
  const contactSearch = new ContactSearch(store, tracingPolicy)
  const reassess = (ids: readonly string[]) => health.reassess(ids)
  const backgroundTracing = new BackgroundTracingService(
    store,
    contactSearch,
    reassess,
    tracingPolicy,
    {
      // Same-venue visitors and contacts of contacts: right after the answer, in one process of
      // the store at a time; what is left (a failure, a stop) the job takes up, and a start.
      afterAnswer: true,
      runAlone: async (work) => {
        const outcome = await store.runAlone('tracing work', work)
        return outcome.ran ? outcome.value : 0
      },
      onError: (error) =>
        log.error({ err: error }, 'tracing in the background failed; the job tries again'),
    },
  )
  const caseConfirmation = new CaseConfirmationService(
    store,
    clock,
    contactSearch,
    reassess,
    backgroundTracing,
  )
  const cases = new CaseService(store, clock, tracingPolicy, caseConfirmation)
  // A new record changes the holder's colour; a positive test opens a case and traces it.
  const events = new EventOutbox(
    store,
    clock,
    recordReactions({ tracing: caseConfirmation, health }),
    (failure) =>
      log.error(
        { err: failure.error, eventId: failure.eventId, attempts: failure.attempts },
        `reacting to ${failure.kind} failed; it is tried again later`,
      ),
  )
  // Abuse limits: counted in the store (or Redis), so that they hold across every process.
  const limitCounters = options.limitCounters ?? store.limitCounters
  const checkinWriter = new CheckinWriter(store)
  const validity = new ValidityService(store, clock, config.issuerCountry, () =>
    tell({ topic: 'validity-rules' }),
  )
  const checkinQuota = new SharedRateCounter(
    limitCounters,
    clock,
    { bucket: 'quota.checkins', max: config.limits.checkinsPerMinute, windowMs: 60_000 },
    (error) => log.warn({ err: error }, 'writing the shared check-in counts failed'),
  )
  const venues = new VenueService(
    store,
    clock,
    (qr, at) => trust.verifyAny(qr, at),
    health,
    checkinWriter,
    config.checkinRetentionDays,
    {
      judge: (certificate, judging) => validity.judgeCertificate(certificate, judging),
      defaultRuleSet: config.validityRuleSet,
    },
    { offlineScanMaxAgeMinutes: config.offlineScanMaxAgeMinutes },
    checkinQuota,
    tell,
  )
  const register = new RegisterService(store, clock, certificates, events)
  const commissionViews = new CommissionRequestViews(clock, {
    decisionDays: config.commissionDecisionDays,
  })
  const commissionRequests = new CommissionRequestService(
    store,
    clock,
    commissionViews,
    config.attachments,
    {
      openRequests: config.limits.openRequests,
      evidenceBytes: new FixedWindowLimit(limitCounters, clock, {
        bucket: 'quota.evidence-bytes',
        max: config.limits.evidenceBytesPerDay,
        windowMs: 86_400_000,
      }),
    },
  )
  const commissionDecisions = new CommissionDecisionService(
    store,
    clock,
    commissionViews,
    certificates,
    config.certificates,
    events,
  )
  const accounts = new AccountService(store, clock, config.sessionTtlHours, (tokenId) =>
    tell({ topic: 'api-token', subject: tokenId }),
  )
  // Abuse limits: counted in the store, so that they hold across every process on one database.
  const people = new PeopleService(
    store,
    clock,
    {
      perAccount: new Lockout(
        limitCounters,
        clock,
        lockoutPolicy('claim.account', config.limits.claimFailures, config.limits.claimLockMinutes),
      ),
      perRecord: new Lockout(
        limitCounters,
        clock,
        lockoutPolicy('claim.record', config.limits.claimFailures, config.limits.claimLockMinutes),
      ),
      vault,
    },
    (accountId) => {
      accounts.forgetAccount(accountId)
      tell({ topic: 'account', subject: accountId })
    },
  )
  const stopHearing = notices.subscribe((notice) => {
    switch (notice.topic) {
      case 'trust':
        trust.invalidate()
        options.onTrustChange?.()
        break
      case 'validity-rules':
        validity.forgetRuleSets()
        break
      case 'risk-rules':
      case 'risk-areas':
      case 'colours':
        health.forget(notice)
        break
      case 'venue':
      case 'entry-policies':
        venues.forget(notice)
        break
      case 'api-token':
        if (notice.subject !== undefined) accounts.forgetToken(notice.subject)
        break
      case 'account':
        if (notice.subject !== undefined) accounts.forgetAccount(notice.subject)
        break
    }
  })
  const limits = {
    signIn: new SignInGuard(
      new Lockout(
        limitCounters,
        clock,
        lockoutPolicy(
          'sign-in.account',
          config.limits.signInAccountFailures,
          config.limits.signInLockMinutes,
        ),
      ),
      clock,
    ),
    signInAddress: new FixedWindowLimit(limitCounters, clock, {
      bucket: 'sign-in.address',
      max: config.signInRateLimit,
      windowMs: 60_000,
    }),
    registerAddress: new FixedWindowLimit(limitCounters, clock, {
      bucket: 'register.address',
      max: config.signInRateLimit,
      windowMs: 60_000,
    }),
    // The public verifier is a hot path: counted in memory, shared behind the answer.
    verifyAddress: new SharedRateCounter(
      limitCounters,
      clock,
      { bucket: 'verify.address', max: config.verifyRateLimit, windowMs: 60_000 },
      (error) => log.warn({ err: error }, 'writing the shared verify counts failed'),
    ),
  }
  const jobs: ScheduledJob[] = [
    // PostgreSQL: the time partitions of the coming days and months, made ahead.
    { name: 'time partitions', everyMs: 3_600_000, run: () => store.preparePartitions(clock()) },
    {
      name: 'check-in retention',
      everyMs: config.jobs.retentionSeconds * 1000,
      run: () => venues.prune(),
    },
    {
      name: 'colour reassessment',
      everyMs: config.jobs.reassessSeconds * 1000,
      run: () => health.reassessDue(),
    },
    { name: 'domain events due', everyMs: 30_000, run: () => events.deliverDue() },
    {
      name: 'tracing work',
      everyMs: 10_000,
      atStart: true,
      run: () => backgroundTracing.traceQueued(),
    },
    {
      name: 'expired limit counters',
      everyMs: config.jobs.limitCleanupSeconds * 1000,
      run: () => limitCounters.deleteExpired(clock()),
    },
  ]
  return {
    store,
    accounts,
    people,
    register,
    keys,
    certificates,
    commissionRequests,
    commissionDecisions,
    trust,
    gateway,
    validity,
    health,
    venues,
    checkinWriter,
    caseConfirmation,
    backgroundTracing,
    cases,
    notifications: new NotificationFeedService(store, clock),
    exposureSites: new ExposureSiteService(store, clock, tracingPolicy),
    companies: new CompanyService(store, clock),
    dashboards: new AuthorityDashboardService(store, clock),
    issuers: new IssuerService(store, clock),
    audit: new AuditService(store),
    events,
    limits,
    limitCounters,
    jobs,
    flush,
    async close() {
      stopHearing()
      await flush()
    },
  }

  async function flush(): Promise<void> {
    await checkinWriter.flush()
    await checkinQuota.flush()
    await limits.verifyAddress.flush()
    await backgroundTracing.finished()
    await health.recomputeFinished()
  }
}

/**
 * The services whose reads a read replica may serve, over the replica's store: the same services
 * as `services`, reading there. Their writes (none are expected) would be refused by the replica.
 */
export function composeReplicaReads(
  config: Config,
  replicaStore: Store,
  clock: Clock,
  services: Services,
  options: Pick<ComposeOptions, 'fetchTrustList'> = {},
): ReplicaReads {
  const store = auditRefusals(replicaStore, clock, services.store)
  return {
    dashboards: new AuthorityDashboardService(store, clock),
    companies: new CompanyService(store, clock),
    exposureSites: new ExposureSiteService(store, clock, tracingPolicyOf(config)),
    trust: new TrustService(
      store,
      clock,
      services.keys,
      config.trustCacheSeconds,
      options.fetchTrustList ?? fetchDocument,
    ),
  }
}

/** Tracing's policy: the defaults, with the stay and margin the configuration sets. */
function tracingPolicyOf(config: Config): TracingPolicy {
  return {
    ...defaultTracingPolicy,
    dwellMinutes: config.tracing.dwellMinutes,
    marginMinutes: config.tracing.marginMinutes,
  }
}
