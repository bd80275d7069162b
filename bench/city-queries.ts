import { systemClock } from '../src/domain/clock.js'
import { CompanyService } from '../src/domain/companies/company-service.js'
import { AuthorityDashboardService } from '../src/domain/dashboards/authority-dashboard.js'
import { TracingService, defaultTracingPolicy } from '../src/domain/tracing/tracing-service.js'
import { openStore } from '../src/storage/open-store.js'
import { staffActor } from './city-bench.js'
import { median } from './rate.js'

// The dashboards and a trace on a seeded store, without the HTTP load of `measureCity`: for a
// store too big to seed twice, or a machine too busy for a load generator.
//
//   node --import tsx bench/city-queries.ts <store url>
//
// Traces make cases of seeded people (one each, skipping people who are cases already).

async function main(): Promise<void> {
  const url = process.argv[2]
  if (!url) throw new Error('usage: city-queries.ts <store url>')
  const store = await openStore(url, {
    timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs: 10_000 },
  })
  try {
    const authority = await staffActor(store, 'bench-authority@bench.invalid', ['health_authority'])
    const companyAdmin = await staffActor(store, 'bench-company@bench.invalid', ['company_admin'])
    const [company] = await store.transaction((tx) => tx.companies.list({ limit: 1, offset: 0 }))
    if (!company) throw new Error('the store has no companies: seed it with `healthcode seed`')
    await store.transaction(async (tx) => {
      const memberships = await tx.companies.membershipsOf(companyAdmin.accountId)
      if (!memberships.some((m) => m.companyId === company.id)) {
        await tx.companies.addMember({
          companyId: company.id,
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
    const companies = new CompanyService(store, systemClock)
    const dashboards = new AuthorityDashboardService(store, systemClock)
    const companyTimes: number[] = []
    const authorityTimes: number[] = []
    for (let i = 0; i < 21; i++) {
      let started = performance.now()
      await companies.dashboard(companyAdmin, company.id)
      companyTimes.push(performance.now() - started)
      started = performance.now()
      await dashboards.dashboard(authority, {})
      authorityTimes.push(performance.now() - started)
    }
    console.log(
      `company dashboard: median ${median(companyTimes).toFixed(1)} ms; authority dashboard (every district): median ${median(authorityTimes).toFixed(1)} ms (21 each)`,
    )
    const tracing = new TracingService(store, systemClock, async () => {}, {
      ...defaultTracingPolicy,
      maxSecondary: 0,
    })
    const candidates = await store.transaction((tx) => tx.health.personIdsAfter('', 2_000))
    const times: number[] = []
    let exposures = 0
    for (const personId of candidates.slice(1_000)) {
      if (times.length === 5) break
      if (await store.transaction((tx) => tx.tracing.caseOf(personId))) continue
      const started = performance.now()
      const result = await tracing.confirmCase(authority, personId, 'authority')
      times.push(performance.now() - started)
      exposures += result.exposures.length
    }
    console.log(
      `trace (close contacts and same-venue visitors): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length} cases, ${exposures} exposures`,
    )
  } finally {
    await store.close()
  }
}

await main()
