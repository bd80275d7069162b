import type { Config } from '../config/config.js'
import { AccountService } from '../domain/access/account-service.js'
import { ApiTokenService } from '../domain/access/api-token-service.js'
import { SignInService } from '../domain/access/sign-in-service.js'
import { AuditService } from '../domain/audit/audit-service.js'
import {
  type ChangeNotice,
  type ChangeNotices,
  SingleProcessChangeNotices,
} from '../domain/changes/change-notices.js'
import type { LimitCounterStore } from '../domain/limits/limit-counter-store.js'
import { CertificateIssuingService } from '../domain/certificates/certificate-issuing-service.js'
import { CertificateLookupService } from '../domain/certificates/certificate-lookup-service.js'
import { CertificateRevocationService } from '../domain/certificates/certificate-revocation-service.js'
import type { Clock } from '../domain/clock.js'
import { CommissionDecisionService } from '../domain/commission/commission-decision-service.js'
import { CommissionRequestService } from '../domain/commission/commission-request-service.js'
import { CommissionRequestViews } from '../domain/commission/commission-request-views.js'
import { CompanyService } from '../domain/companies/company-service.js'
import { AuthorityDashboardService } from '../domain/dashboards/authority-dashboard.js'
import { EventOutbox } from '../domain/events/event-outbox.js'
import { recordReactions } from '../domain/events/record-reactions.js'
import { ColourService } from '../domain/colours/colour-service.js'
import { HealthCodeService } from '../domain/colours/health-code-service.js'
import { InputProblems } from '../domain/colours/input-problems.js'
import { DeclarationService } from '../domain/declarations/declaration-service.js'
import { DistrictService } from '../domain/districts/district-service.js'
import { RiskAreaService } from '../domain/risk-areas/risk-area-service.js'
import { RiskAreasInForce } from '../domain/risk-areas/risk-areas-in-force.js'
import { RiskRulesInForce } from '../domain/risk-rules/risk-rules-in-force.js'
import { RuleSetService } from '../domain/risk-rules/rule-set-service.js'
import { IssuerService } from '../domain/issuers/issuer-service.js'
import { GatewayKeyService } from '../domain/keys/gateway-key-service.js'
import { KeyVault } from '../domain/keys/key-vault.js'
import { SigningKeyService } from '../domain/keys/signing-key-service.js'
import { FixedWindowLimit } from '../domain/limits/fixed-window-limit.js'
import { Lockout, lockoutPolicy } from '../domain/limits/lockout.js'
import { SharedRateCounter } from '../domain/limits/shared-rate-counter.js'
import { SignInGuard } from '../domain/limits/sign-in-guard.js'
import { PeopleService } from '../domain/people/people-service.js'
import { PersonClaimService } from '../domain/people/person-claim-service.js'
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
import { CheckInService } from '../domain/venues/check-in-service.js'
import { CheckinWriter } from '../domain/venues/checkin-writer.js'
import { GatewayExportService } from '../domain/trust/gateway-export-service.js'
import { GatewayImportService } from '../domain/trust/gateway-import-service.js'
import { ShcIssuerService } from '../domain/trust/shc-issuer-service.js'
import { TrustListService } from '../domain/trust/trust-list-service.js'
import {
  type TrustListFetcher,
  TrustPartnerService,
} from '../domain/trust/trust-partner-service.js'
import { RuleTestService } from '../domain/validity-rules/rule-test-service.js'
import { ValidityRuleSetService } from '../domain/validity-rules/validity-rule-set-service.js'
import { ValidityJudge } from '../domain/verification/validity-judge.js'
import { VerificationService } from '../domain/verification/verification-service.js'
import { DoorScanService } from '../domain/venues/door-scan-service.js'
import { EntryPolicyService } from '../domain/venues/entry-policy-service.js'
import { VenueRegistryService } from '../domain/venues/venue-registry-service.js'
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
  /** Passwords, the identity provider's sign-ins, and web sessions. */
  readonly signIn: SignInService
  readonly apiTokens: ApiTokenService
  /** Person records as staff reach them. */
  readonly people: PeopleService
  /** How an account comes to hold its person record (claims, self-registration). */
  readonly personClaims: PersonClaimService
  readonly register: RegisterService
  readonly keys: SigningKeyService
  /** The DCC Gateway's trust anchor and UPLOAD keys. */
  readonly gatewayKeys: GatewayKeyService
  /** Certificates issued, suspended and reinstated as records come in. */
  readonly certificateIssuing: CertificateIssuingService
  readonly certificateLookup: CertificateLookupService
  readonly certificateRevocation: CertificateRevocationService
  /** Requests to the medical commission: submission, evidence files, reading them. */
  readonly commissionRequests: CommissionRequestService
  /** The commission's queue, decisions and appeals. */
  readonly commissionDecisions: CommissionDecisionService
  /** Our trust lists (published, and the snapshot every verifier works from). */
  readonly trustLists: TrustListService
  readonly trustPartners: TrustPartnerService
  readonly shcIssuers: ShcIssuerService
  /** Codes verified against the trust lists: HC1 codes and SMART Health Cards. */
  readonly verification: VerificationService
  /** Our trust list and revocation batches in the DCC Gateway's formats. */
  readonly gatewayExport: GatewayExportService
  /** Partners' trust lists and revocation batches in the DCC Gateway's formats. */
  readonly gatewayImport: GatewayImportService
  /** Validity rule sets (EU CertLogic), each region's version. */
  readonly validityRuleSets: ValidityRuleSetService
  readonly ruleTests: RuleTestService
  /** Certificates judged under a validity rule set. */
  readonly validityJudge: ValidityJudge
  /** People's colours: computed, stored, recomputed on a change, cached for the doors. */
  readonly colours: ColourService
  /** A person's current colour with its reasons, and the signed dynamic code that shows it. */
  readonly healthCodes: HealthCodeService
  readonly declarations: DeclarationService
  readonly riskAreas: RiskAreaService
  readonly riskRules: RuleSetService
  readonly districts: DistrictService
  readonly venues: VenueRegistryService
  readonly entryPolicies: EntryPolicyService
  /** Check-ins by poster, and their retention. */
  readonly checkIns: CheckInService
  /** Operators' scans at the door, and the offline scanners' bundle. */
  readonly doorScans: DoorScanService
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
  readonly trustLists: TrustListService
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
  const gatewayKeys = new GatewayKeyService(store, clock, vault)
  // Caches: a change made here drops this process's copy (in the services) and is told to the
  // other processes, which drop theirs (the reaction passed last to each service below).
  const trustLists = new TrustListService(store, clock, keys, config.trustCacheSeconds, () => {
    options.onTrustChange?.()
    tell({ topic: 'trust' })
  })
  const trustPartners = new TrustPartnerService(
    store,
    clock,
    trustLists,
    options.fetchTrustList ?? fetchDocument,
  )
  const shcIssuers = new ShcIssuerService(store, clock, trustLists)
  const verification = new VerificationService(clock, trustLists)
  const gatewayExport = new GatewayExportService(
    store,
    clock,
    gatewayKeys,
    config.trustCacheSeconds,
  )
  const gatewayImport = new GatewayImportService(store, clock, () => trustLists.invalidate())
  // A certificate's status change drops the verifiers' cached revocation lists (in every process).
  const statusChanged = () => {
    trustLists.changed()
    gatewayExport.invalidate()
  }
  const certificates = new CertificateIssuingService(
    store,
    clock,
    keys,
    config.certificates,
    statusChanged,
  )
  const certificateLookup = new CertificateLookupService(store)
  const certificateRevocation = new CertificateRevocationService(store, clock, statusChanged)
  // Colours read the risk rules and areas in force through caches shared with the services that
  // change them (which drop them); what the engine cannot read is kept for the authority.
  const inputProblems = new InputProblems(store, clock)
  const rulesInForce = new RiskRulesInForce(store, clock)
  const areasInForce = new RiskAreasInForce(store, clock, inputProblems)
  const colours = new ColourService(store, clock, rulesInForce, areasInForce, inputProblems, tell)
  const healthCodes = new HealthCodeService(
    store,
    clock,
    keys,
    config.healthCodeTokenMinutes,
    colours,
  )
  const declarations = new DeclarationService(store, clock, colours)
  const riskAreas = new RiskAreaService(store, clock, areasInForce, colours, tell)
  const riskRules = new RuleSetService(store, clock, rulesInForce, colours, tell)
  const tracingPolicy = tracingPolicyOf(config)
  const contactSearch = new ContactSearch(store, tracingPolicy)
  const reassess = (ids: readonly string[]) => colours.reassess(ids)
  const backgroundTracing = new BackgroundTracingService(
    store,
    contactSearch,
    reassess,
    tracingPolicy,
    {
      // The close contacts' colours and notifications, then same-venue visitors and contacts of
      // contacts: right after the answer, in one process of the store at a time; what is left (a
      // failure, a stop) the job takes up, and a start.
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
    recordReactions({ tracing: caseConfirmation, colours }),
    (failure) =>
      log.error(
        { err: failure.error, eventId: failure.eventId, attempts: failure.attempts },
        `reacting to ${failure.kind} failed; it is tried again later`,
      ),
  )
  // Abuse limits: counted in the store (or Redis), so that they hold across every process.
  const limitCounters = options.limitCounters ?? store.limitCounters
  const checkinWriter = new CheckinWriter(store)
  const validityRuleSets = new ValidityRuleSetService(store, clock, () =>
    tell({ topic: 'validity-rules' }),
  )
  const ruleTests = new RuleTestService(store, validityRuleSets)
  const validityJudge = new ValidityJudge(validityRuleSets, config.issuerCountry)
  const checkinQuota = new SharedRateCounter(
    limitCounters,
    clock,
    { bucket: 'quota.checkins', max: config.limits.checkinsPerMinute, windowMs: 60_000 },
    (error) => log.warn({ err: error }, 'writing the shared check-in counts failed'),
  )
  const venues = new VenueRegistryService(store, clock, tell)
  const entryPolicies = new EntryPolicyService(store, clock, tell)
  const checkIns = new CheckInService(
    store,
    clock,
    venues,
    entryPolicies,
    healthCodes,
    checkinWriter,
    config.checkinRetentionDays,
    checkinQuota,
  )
  const doorScans = new DoorScanService(
    store,
    clock,
    venues,
    entryPolicies,
    (qr, at) => verification.verifyAny(qr, at),
    healthCodes,
    checkinWriter,
    {
      retentionDays: config.checkinRetentionDays,
      offlineScanMaxAgeMinutes: config.offlineScanMaxAgeMinutes,
    },
    {
      judge: (certificate, judging) => validityJudge.judgeCertificate(certificate, judging),
      defaultRuleSet: config.validityRuleSet,
    },
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
  const accounts = new AccountService(store, clock)
  const signIn = new SignInService(store, clock, config.sessionTtlHours)
  const apiTokens = new ApiTokenService(store, clock, (tokenId) =>
    tell({ topic: 'api-token', subject: tokenId }),
  )
  const people = new PeopleService(store, clock, vault)
  // Abuse limits: counted in the store, so that they hold across every process on one database.
  const personClaims = new PersonClaimService(
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
      apiTokens.forgetAccount(accountId)
      tell({ topic: 'account', subject: accountId })
    },
  )
  const stopHearing = notices.subscribe((notice) => {
    switch (notice.topic) {
      case 'trust':
        trustLists.invalidate()
        options.onTrustChange?.()
        break
      case 'validity-rules':
        validityRuleSets.forget()
        break
      case 'risk-rules':
      case 'risk-areas':
      case 'colours':
        colours.forget(notice)
        break
      case 'venue':
        venues.forget(notice)
        break
      case 'entry-policies':
        entryPolicies.forget()
        break
      case 'api-token':
        if (notice.subject !== undefined) apiTokens.forgetToken(notice.subject)
        break
      case 'account':
        if (notice.subject !== undefined) apiTokens.forgetAccount(notice.subject)
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
      run: () => checkIns.prune(),
    },
    {
      name: 'colour reassessment',
      everyMs: config.jobs.reassessSeconds * 1000,
      run: () => colours.reassessDue(),
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
    signIn,
    apiTokens,
    people,
    personClaims,
    register,
    keys,
    gatewayKeys,
    certificateIssuing: certificates,
    certificateLookup,
    certificateRevocation,
    commissionRequests,
    commissionDecisions,
    trustLists,
    trustPartners,
    shcIssuers,
    verification,
    gatewayExport,
    gatewayImport,
    validityRuleSets,
    ruleTests,
    validityJudge,
    colours,
    healthCodes,
    declarations,
    riskAreas,
    riskRules,
    districts: new DistrictService(store, clock),
    venues,
    entryPolicies,
    checkIns,
    doorScans,
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
    await riskRules.recomputeFinished()
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
): ReplicaReads {
  const store = auditRefusals(replicaStore, clock, services.store)
  return {
    dashboards: new AuthorityDashboardService(store, clock),
    companies: new CompanyService(store, clock),
    exposureSites: new ExposureSiteService(store, clock, tracingPolicyOf(config)),
    trustLists: new TrustListService(store, clock, services.keys, config.trustCacheSeconds),
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
