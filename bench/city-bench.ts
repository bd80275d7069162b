import { statSync } from 'node:fs'
import { sql } from 'kysely'
import { actorOf } from '../src/domain/access/actor.js'
import type { Actor } from '../src/domain/access/actor.js'
import { systemClock } from '../src/domain/clock.js'
import { CompanyService } from '../src/domain/companies/company-service.js'
import { AuthorityDashboardService } from '../src/domain/dashboards/authority-dashboard.js'
import { ColourService } from '../src/domain/colours/colour-service.js'
import { HealthCodeService } from '../src/domain/colours/health-code-service.js'
import { InputProblems } from '../src/domain/colours/input-problems.js'
import { KeyVault } from '../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../src/domain/keys/signing-key-service.js'
import type { Store } from '../src/domain/ports.js'
import { RiskAreasInForce } from '../src/domain/risk-areas/risk-areas-in-force.js'
import { RiskRulesInForce } from '../src/domain/risk-rules/risk-rules-in-force.js'
import { BackgroundTracingService } from '../src/domain/tracing/background-tracing-service.js'
import { CaseConfirmationService } from '../src/domain/tracing/case-confirmation-service.js'
import { ContactSearch } from '../src/domain/tracing/contact-search.js'
import { type TracingPolicy, defaultTracingPolicy } from '../src/domain/tracing/tracing-policy.js'
import { openDatabase, openStore } from '../src/storage/open-store.js'
import { type LoadResult, checkinRequests, loadPost, startServerProcess } from './city-http.js'
import { prepareVisitors } from './city-population.js'
import { median } from './rate.js'

/**
 * Tracing's answer and its background work over a bench store, wired as compose.ts wires them:
 * `reassess` is the colour engine's (the answer reassesses the case, the background work its close
 * contacts); without it nobody's colour is reassessed (the colour engine measured apart).
 */
export function benchTracing(
  store: Store,
  policy: TracingPolicy = defaultTracingPolicy,
  reassess: (personIds: readonly string[]) => Promise<void> = async () => {},
): { confirmation: CaseConfirmationService; background: BackgroundTracingService } {
  const contacts = new ContactSearch(store, policy)
  const background = new BackgroundTracingService(store, contacts, reassess, policy)
  const confirmation = new CaseConfirmationService(
    store,
    systemClock,
    contacts,
    reassess,
    background,
  )
  return { confirmation, background }
}

/** The colour engine over a bench store, with its caches of the rules and areas in force. */
export function benchColours(store: Store): ColourService {
  const problems = new InputProblems(store, systemClock)
  return new ColourService(
    store,
    systemClock,
    new RiskRulesInForce(store, systemClock),
    new RiskAreasInForce(store, systemClock, problems),
    problems,
  )
}

/** The key-encryption key of benchmark stores (never used for real keys). */
export const BENCH_KEK = 'be'.repeat(32)

/** What the city benchmark measured on one store. */
export interface CityFigures {
  readonly dialect: 'sqlite' | 'postgres'
  readonly people: number
  readonly checkins: number
  readonly checkinsOverHttp: LoadResult
  readonly verificationsOverHttp: LoadResult
  readonly traceMs: {
    readonly median: number
    readonly max: number
    readonly exposures: number
    /** With contacts of contacts too. */
    readonly withSecondaryMedian: number
  }
  readonly companyDashboardMs: number
  readonly authorityDashboardMs: number
  /** Bytes the check-ins table and its indexes take per million check-ins. */
  readonly bytesPerMillionCheckins: number | undefined
}

export interface CityPlan {
  readonly seconds: number
  readonly connections: number
  readonly visitors: number
}

export async function staffActor(
  store: Store,
  login: string,
  roles: ('health_authority' | 'company_admin')[],
): Promise<Actor> {
  const account = await store.transaction(async (tx) => {
    const existing = await tx.accounts.findByLogin(login)
    if (existing) return existing
    const issuers = await tx.issuers.list()
    const region = issuers.find((issuer) => issuer.level === 'region') ?? issuers[0]
    return tx.accounts.create({
      login,
      displayName: login,
      passwordHash: undefined,
      roles,
      issuerId: roles.includes('health_authority') ? region?.id : undefined,
      personId: undefined,
      oidcIssuer: undefined,
      oidcSubject: undefined,
    })
  })
  return actorOf(account, 'token')
}

async function tableBytes(url: string): Promise<number | undefined> {
  const { db, dialect } = await openDatabase(url)
  try {
    if (dialect.name === 'postgres') {
      const result = await sql<{
        bytes: string
      }>`select pg_total_relation_size('checkins') as bytes`.execute(db)
      return Number(result.rows[0]?.bytes)
    }
    const result = await sql<{ bytes: number }>`
      select sum(pgsize) as bytes from dbstat where name = 'checkins' or name like 'checkins_%' or name = 'sqlite_autoindex_checkins_1'`.execute(
      db,
    )
    return Number(result.rows[0]?.bytes)
  } catch {
    return undefined
  } finally {
    await db.destroy()
  }
}

/**
 * The city benchmark on a seeded store (`healthcode seed`): check-ins per second over HTTP with
 * durable group commits, dynamic-code verifications per second over HTTP (the server in a child
 * process, the load generator here), the time to trace one case, and the dashboards' query times.
 */
export async function measureCity(cli: string, url: string, plan: CityPlan): Promise<CityFigures> {
  const store = await openStore(url)
  let people: number
  let checkins: number
  let venueCodes: string[]
  let visitors: Awaited<ReturnType<typeof prepareVisitors>>
  let statusCodes: string[]
  let authority: Actor
  let companyAdmin: Actor
  let companyId: string
  try {
    const keys = new SigningKeyService(store, systemClock, KeyVault.fromText(BENCH_KEK))
    const issuers = await store.transaction((tx) => tx.issuers.list())
    await keys.ensureKeys(
      undefined,
      issuers.map((issuer) => issuer.id),
    )
    visitors = await prepareVisitors(store, systemClock, plan.visitors)
    const venues = await store.transaction((tx) => tx.venues.list({}))
    venueCodes = venues.slice(0, 500).map((venue) => `HCV1:${venue.id}.${venue.posterSecret}`)
    authority = await staffActor(store, 'bench-authority@bench.invalid', ['health_authority'])
    companyAdmin = await staffActor(store, 'bench-company@bench.invalid', ['company_admin'])
    const [company] = await store.transaction((tx) => tx.companies.list({ limit: 1, offset: 0 }))
    if (!company) throw new Error('the store has no companies: seed it with `healthcode seed`')
    companyId = company.id
    await store.transaction(async (tx) => {
      const memberships = await tx.companies.membershipsOf(companyAdmin.accountId)
      if (!memberships.some((m) => m.companyId === companyId)) {
        await tx.companies.addMember({
          companyId,
          role: 'admin',
          accountId: companyAdmin.accountId,
          personId: undefined,
          status: 'active',
          consent: false,
          invitedAt: new Date().toISOString(),
          acceptedAt: new Date().toISOString(),
          inviteHash: undefined,
        })
      }
    })
    const colours = benchColours(store)
    const healthCodes = new HealthCodeService(store, systemClock, keys, 60, colours)
    statusCodes = []
    for (const visitor of visitors.slice(0, 200)) {
      statusCodes.push((await healthCodes.token(authority, visitor.personId)).qr)
    }
    people = await countRows(url, 'people')
    checkins = await countRows(url, 'checkins')
  } finally {
    await store.close()
  }

  const server = await startServerProcess(cli, url, {
    KEY_ENCRYPTION_KEY: BENCH_KEK,
    VERIFY_RATE_LIMIT: '1000000',
    // The load check-in as a few thousand visitors, each many times a minute: the bench measures
    // the write path, not the per-person quota.
    QUOTA_CHECKINS_PER_MINUTE: '100000',
  })
  let checkinsOverHttp: LoadResult
  let verificationsOverHttp: LoadResult
  try {
    const checkin = checkinRequests(visitors, venueCodes)
    await loadPost(server.url, '/api/v1/checkins', checkin, {
      seconds: 3,
      connections: plan.connections,
      expectedStatus: 201,
    })
    checkinsOverHttp = await loadPost(server.url, '/api/v1/checkins', checkin, {
      seconds: plan.seconds,
      connections: plan.connections,
      expectedStatus: 201,
    })
    const verify = (i: number) => ({ body: { qr: statusCodes[i % statusCodes.length] } })
    await loadPost(server.url, '/api/v1/verify', verify, {
      seconds: 2,
      connections: plan.connections,
      expectedStatus: 200,
    })
    verificationsOverHttp = await loadPost(server.url, '/api/v1/verify', verify, {
      seconds: plan.seconds,
      connections: plan.connections,
      expectedStatus: 200,
    })
  } finally {
    await server.stop()
  }

  const measured = await openStore(url)
  try {
    // Close contacts and same-venue visitors alone, then with contacts of contacts (a second hop
    // through every close contact's visits), timed apart.
    const primaryOnly = benchTracing(measured, {
      ...defaultTracingPolicy,
      maxSecondary: 0,
    }).confirmation
    const tracing = benchTracing(measured).confirmation
    const withSecondary: number[] = []
    const traces: number[] = []
    let exposures = 0
    // People from the seeded city (not the load generator's visitors), one case each.
    const candidates = (
      await measured.transaction((tx) => tx.health.personIdsAfter('', plan.visitors + 1000))
    ).slice(plan.visitors + 500)
    // (Each run traces people no earlier run has made cases.)
    const visitorIds = new Set(visitors.map((visitor) => visitor.personId))
    let traced = 0
    for (const personId of candidates.filter((id) => !visitorIds.has(id))) {
      if (traced === 7) break
      // A person who is a case already (an earlier run) is not traced again: skip them.
      if (await measured.transaction((tx) => tx.tracing.caseOf(personId))) continue
      traced++
      const started = performance.now()
      const service = traced <= 5 ? primaryOnly : tracing
      const result = await service.confirmCase(authority, personId, 'authority')
      ;(traced <= 5 ? traces : withSecondary).push(performance.now() - started)
      exposures += result.exposures.length
    }
    const companies = new CompanyService(measured, systemClock)
    const dashboards = new AuthorityDashboardService(measured, systemClock)
    const companyTimes: number[] = []
    const authorityTimes: number[] = []
    for (let i = 0; i < 21; i++) {
      let started = performance.now()
      await companies.dashboard(companyAdmin, companyId)
      companyTimes.push(performance.now() - started)
      started = performance.now()
      await dashboards.dashboard(authority, {})
      authorityTimes.push(performance.now() - started)
    }
    const bytes = await tableBytes(url)
    const finalCheckins = await countRows(url, 'checkins')
    return {
      dialect: measured.dialect,
      people,
      checkins,
      checkinsOverHttp,
      verificationsOverHttp,
      traceMs: {
        median: median(traces),
        max: Math.max(...traces),
        exposures,
        withSecondaryMedian: median(withSecondary),
      },
      companyDashboardMs: median(companyTimes),
      authorityDashboardMs: median(authorityTimes),
      bytesPerMillionCheckins:
        bytes === undefined || finalCheckins === 0 ? undefined : (bytes / finalCheckins) * 1e6,
    }
  } finally {
    await measured.close()
  }
}

async function countRows(url: string, table: 'people' | 'checkins'): Promise<number> {
  const { db } = await openDatabase(url)
  try {
    const result = await sql<{
      count: string
    }>`select count(*) as count from ${sql.table(table)}`.execute(db)
    return Number(result.rows[0]?.count ?? 0)
  } finally {
    await db.destroy()
  }
}

/** The SQLite file and its WAL, in bytes. */
export function sqliteFileBytes(path: string): number {
  let total = 0
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size
    } catch {
      // no WAL file
    }
  }
  return total
}
