import type { FastifyRequest } from 'fastify'
import type { Config } from '../config/config.js'
import type { AccountService } from '../domain/access/account-service.js'
import type { AuditService } from '../domain/audit/audit-service.js'
import type { Actor } from '../domain/access/actor.js'
import type { CertificateService } from '../domain/certificates/certificate-service.js'
import type { Clock } from '../domain/clock.js'
import type { CommissionService } from '../domain/commission/commission-service.js'
import type { SigningKeyService } from '../domain/keys/signing-key-service.js'
import type { TrustService } from '../domain/verification/trust-service.js'
import type { ValidityService } from '../domain/verification/validity-service.js'
import type { CompanyService } from '../domain/companies/company-service.js'
import type { AuthorityDashboardService } from '../domain/dashboards/authority-dashboard.js'
import type { HealthStatusService } from '../domain/health-status/health-status-service.js'
import type { TracingService } from '../domain/tracing/tracing-service.js'
import type { CheckinWriter } from '../domain/venues/checkin-writer.js'
import type { VenueService } from '../domain/venues/venue-service.js'
import type { PeopleService } from '../domain/people/people-service.js'
import type { FixedWindowLimit } from '../domain/limits/fixed-window-limit.js'
import type { SharedRateCounter } from '../domain/limits/shared-rate-counter.js'
import type { SignInGuard } from '../domain/limits/sign-in-guard.js'
import type { RegisterService } from '../domain/register/register-service.js'
import type { IssuerService } from '../domain/issuers/issuer-service.js'
import type { Session } from '../domain/people/person.js'
import type { Store } from '../domain/ports.js'
import type { OidcLogin } from './auth/oidc/index.js'
import { ApiError } from './errors.js'

/** What the routes work with, built once per app. */
/** The services whose reads a replica may serve. */
export interface ReplicaReads {
  readonly dashboards: AuthorityDashboardService
  readonly companies: CompanyService
  readonly tracing: TracingService
  readonly trust: TrustService
}

export interface AppContext {
  readonly config: Config
  readonly store: Store
  readonly clock: Clock
  readonly accounts: AccountService
  readonly people: PeopleService
  readonly register: RegisterService
  readonly keys: SigningKeyService
  readonly certificates: CertificateService
  readonly commission: CommissionService
  readonly trust: TrustService
  readonly validity: ValidityService
  readonly health: HealthStatusService
  readonly venues: VenueService
  readonly checkinWriter: CheckinWriter
  readonly tracing: TracingService
  readonly companies: CompanyService
  readonly dashboards: AuthorityDashboardService
  readonly issuers: IssuerService
  /**
   * The services of the reads a replica may serve (dashboards, public lists), for one request:
   * bound to the read replica while it is up and the caller has not just written, else these
   * same services on the primary.
   */
  reading(request: FastifyRequest): ReplicaReads
  /** Sign-in back-off per login, and attempts per client address (sign-in, registration). */
  readonly limits: {
    readonly signIn: SignInGuard
    readonly signInAddress: FixedWindowLimit
    readonly registerAddress: FixedWindowLimit
    /** `POST /api/v1/verify` calls per client address per minute. */
    readonly verifyAddress: SharedRateCounter
  }
  readonly audit: AuditService
  /** The identity provider, discovered on first use; undefined when none is configured. */
  readonly oidc: (() => Promise<OidcLogin>) | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, if any (set before the route's access is checked). */
    actor: Actor | undefined
    session: Session | undefined
  }
}

/** The signed-in actor of a route whose access requires one. */
export function requireActor(request: { actor: Actor | undefined }): Actor {
  if (!request.actor) throw new ApiError('ERR_AUTH_REQUIRED', 'sign in first')
  return request.actor
}
