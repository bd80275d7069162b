import { sql } from 'kysely'
import { systemClock } from '../src/domain/clock.js'
import { CompanyService } from '../src/domain/companies/company-service.js'
import { openDatabase, openStore } from '../src/storage/open-store.js'
import { staffActor } from './city-bench.js'
import { median } from './rate.js'

// The company dashboard on a seeded store, by the size of the company: the company of median size,
// those at the 90th and 99th percentiles of employees, and the largest (a seeded city's companies
// are of very unequal sizes, as a real city's are).
//
//   node --import tsx bench/company-dashboards.ts <store url> [runs of each, default 11]

const TIMEOUTS = { statementMs: 0, idleInTransactionMs: 0, connectMs: 10_000 }

async function main(): Promise<void> {
  const url = process.argv[2]
  if (!url) throw new Error('usage: company-dashboards.ts <store url> [runs]')
  const runs = Number(process.argv[3] ?? 11)
  const tables = await openDatabase(url, { timeouts: TIMEOUTS })
  const sizes = await tables.db
    .selectFrom('company_members')
    .select(['company_id', (eb) => eb.fn.countAll<number>().as('employees')])
    .where('role', '=', 'employee')
    .where('status', '=', 'active')
    .groupBy('company_id')
    .orderBy(sql`count(*)`)
    .orderBy('company_id')
    .execute()
  await tables.db.destroy()
  if (sizes.length === 0)
    throw new Error('the store has no employees: seed it with `healthcode seed`')
  const at = (fraction: number) =>
    sizes[
      Math.min(sizes.length - 1, Math.floor(fraction * (sizes.length - 1)))
    ] as (typeof sizes)[0]
  const picks = [
    ['median', at(0.5)],
    ['90th percentile', at(0.9)],
    ['99th percentile', at(0.99)],
    ['largest', at(1)],
  ] as const
  const store = await openStore(url, { timeouts: TIMEOUTS })
  try {
    const admin = await staffActor(store, 'bench-company@bench.invalid', ['company_admin'])
    const companies = new CompanyService(store, systemClock)
    for (const [label, pick] of picks) {
      await store.transaction(async (tx) => {
        const memberships = await tx.companies.membershipsOf(admin.accountId)
        if (memberships.some((m) => m.companyId === pick.company_id)) return
        await tx.companies.addMember({
          companyId: pick.company_id,
          role: 'admin',
          accountId: admin.accountId,
          personId: undefined,
          status: 'active',
          consent: false,
          invitedAt: new Date().toISOString(),
          acceptedAt: new Date().toISOString(),
          inviteHash: undefined,
        })
      })
      // The first read warms the caches; the runs after it are the figures.
      await companies.dashboard(admin, pick.company_id)
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        const started = performance.now()
        await companies.dashboard(admin, pick.company_id)
        times.push(performance.now() - started)
      }
      const sorted = [...times].sort((a, b) => a - b)
      console.log(
        `company dashboard, ${label} company (${Number(pick.employees).toLocaleString('en-US')} employees): median ${median(times).toFixed(1)} ms, max ${(sorted.at(-1) as number).toFixed(1)} ms (${runs} runs)`,
      )
    }
  } finally {
    await store.close()
  }
}

await main()
