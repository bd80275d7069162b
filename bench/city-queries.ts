import { systemClock } from '../src/domain/clock.js'
import { CompanyService } from '../src/domain/companies/company-service.js'
import { AuthorityDashboardService } from '../src/domain/dashboards/authority-dashboard.js'
import { openDatabase, openStore } from '../src/storage/open-store.js'
import { benchColours, benchTracing, staffActor } from './city-bench.js'
import { median } from './rate.js'

// The dashboards and a trace on a seeded store, without the HTTP load of `measureCity`: for a
// store too big to seed twice, or a machine too busy for a load generator.
//
//   node --import tsx bench/city-queries.ts <store url> [cases, default 21] [traces-only]
//     [answers-only]
//
// `answers-only` times the answers and leaves the background work queued (on a big city a case's
// background work can take minutes): for a scratch store only.
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
    // Beside each authority dashboard, what its current figures cost when counted in the tables
    // (people by district, stored codes by colour and district), as it did before the counters.
    const tables = await openDatabase(url, {
      timeouts: { statementMs: 0, idleInTransactionMs: 0, connectMs: 10_000 },
    })
    const countedTimes: number[] = []
    // `traces-only`: the dashboards are left out (they were measured already on this store).
    const dashboardRuns = process.argv[4] === 'traces-only' ? 0 : 21
    for (let i = 0; i < dashboardRuns; i++) {
      let started = performance.now()
      await companies.dashboard(companyAdmin, company.id)
      companyTimes.push(performance.now() - started)
      started = performance.now()
      await dashboards.dashboard(authority, {})
      authorityTimes.push(performance.now() - started)
      started = performance.now()
      await tables.db
        .selectFrom('people')
        .select((eb) => ['district', eb.fn.countAll().as('count')])
        .groupBy('district')
        .execute()
      await tables.db
        .selectFrom('health_codes')
        .select((eb) => ['colour', 'district', eb.fn.countAll().as('count')])
        .groupBy(['colour', 'district'])
        .execute()
      countedTimes.push(performance.now() - started)
    }
    await tables.db.destroy()
    await tables.dialect.close?.()
    if (dashboardRuns > 0) {
      console.log(
        `company dashboard: median ${median(companyTimes).toFixed(1)} ms, p95 ${p95(companyTimes).toFixed(1)} ms; authority dashboard (every district): median ${median(authorityTimes).toFixed(1)} ms, p95 ${p95(authorityTimes).toFixed(1)} ms; its current figures counted in the tables instead, interleaved: median ${median(countedTimes).toFixed(1)} ms, p95 ${p95(countedTimes).toFixed(1)} ms (21 each)`,
      )
    }
    // Each trace as the server runs it: the answer (the case's own colour reassessed, its close
    // contacts recorded), then the background work it queued (the close contacts' colours and
    // notifications, same-venue visitors, contacts of contacts), timed apart and never overlapping
    // the next answer.
    const colours = benchColours(store)
    const tracing = benchTracing(store, undefined, (ids) => colours.reassess(ids))
    const cases = Number(process.argv[3] ?? 21)
    const candidates = await store.transaction((tx) => tx.health.personIdsAfter('', 5_000))
    const answers: number[] = []
    // This process's CPU time per answer: all of it on SQLite (in process), the client's share on
    // PostgreSQL. A loaded machine stretches wall times; CPU time much less.
    const answerCpu: number[] = []
    const background: number[] = []
    let close = 0
    let later = 0
    // Work a crash (or an earlier run) left is done first, outside the figures.
    const answersOnly = process.argv[5] === 'answers-only'
    if (!answersOnly) await tracing.background.traceQueued()
    for (const personId of candidates.slice(1_000)) {
      if (answers.length === cases) break
      if (await store.transaction((tx) => tx.tracing.caseOf(personId))) continue
      const cpu = process.cpuUsage()
      let started = performance.now()
      const result = await tracing.confirmation.confirmCase(authority, personId, 'authority')
      answers.push(performance.now() - started)
      const used = process.cpuUsage(cpu)
      answerCpu.push((used.user + used.system) / 1000)
      close += result.exposures.length
      started = performance.now()
      const recorded = answersOnly ? 0 : await tracing.background.traceQueued()
      later += recorded
      background.push(performance.now() - started)
      console.error(
        `case ${answers.length}/${cases}: answer ${(answers.at(-1) as number).toFixed(1)} ms (${result.exposures.length} close contacts, ${(answerCpu.at(-1) as number).toFixed(1)} ms CPU), background ${(background.at(-1) as number).toFixed(0)} ms (${recorded} exposures)`,
      )
    }
    console.log(
      `trace, the answer (close contacts): median ${median(answers).toFixed(1)} ms, p95 ${p95(answers).toFixed(1)} ms, max ${Math.max(...answers).toFixed(1)} ms over ${answers.length} cases, ${close} close contacts; CPU time of this process per answer: median ${median(answerCpu).toFixed(1)} ms, p95 ${p95(answerCpu).toFixed(1)} ms`,
    )
    console.log(
      `trace, the background work (same-venue visitors, contacts of contacts): median ${median(background).toFixed(0)} ms, p95 ${p95(background).toFixed(0)} ms, ${later} exposures`,
    )
  } finally {
    await store.close()
  }
}

/** The 95th percentile (nearest rank). */
function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? Number.NaN
}

await main()
