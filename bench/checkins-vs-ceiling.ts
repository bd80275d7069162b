import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import autocannon from 'autocannon'
import { systemClock } from '../src/domain/clock.js'
import { openStore } from '../src/storage/open-store.js'
import { BENCH_KEK } from './city-bench.js'
import { type ServerProcess, checkinRequests, startServerProcess } from './city-http.js'
import { prepareVisitors } from './city-population.js'
import { threadCpuTimes } from './cpu-time.js'
import { type Spread, formatSpread, median, spreadOf } from './rate.js'

/** How a check-in run against the ceiling is made. */
export interface CheckinPlan {
  /** Interleaved pairs: the ceiling, then Healthcode, `pairs` times. */
  readonly pairs: number
  /** Seconds each side is loaded in one pair. */
  readonly seconds: number
  readonly connections: number
  readonly visitors: number
}

/** One side's answers in one round. */
export interface CheckinRound {
  readonly requestsPerSecond: number
  readonly latencyP99Ms: number
  /** Answers other than the expected status, and connection errors and timeouts. */
  readonly errors: number
  readonly requests: number
  /** The statuses that were not the expected one, with their counts. */
  readonly otherStatuses: Readonly<Record<string, number>>
  /**
   * The server's CPU time per expected answer in this round, in microseconds, by thread name
   * (`MainThread`, `WorkerThread` for worker threads, `V8Worker` for V8's helpers such as the
   * garbage collector, …; the processes it started included), and on PostgreSQL the database's
   * processes as `postgres (all)`, where `/proc` shows it.
   */
  readonly cpuMicrosPerAnswer?: Readonly<Record<string, number>>
}

/** Check-ins over HTTP against the ceiling, in one run. */
export interface CheckinFigures {
  readonly label: string
  readonly ours: readonly CheckinRound[]
  readonly ceiling: readonly CheckinRound[]
  /** Ours ÷ ceiling, pair by pair. */
  readonly ratio: Spread
  readonly aim: number
  /** The 1-minute load average when the rounds began and when they ended. */
  readonly loadAverage: readonly [number, number]
}

/** The ceiling server (`../shared/tools/checkin-ceiling.mjs`), as the bench starts it. */
export function findCeilingScript(root: string): string {
  const script =
    process.env['BENCH_CHECKIN_CEILING'] ?? resolve(root, '../shared/tools/checkin-ceiling.mjs')
  if (!existsSync(script)) {
    throw new Error(
      `expected the check-in ceiling at ${script} (set BENCH_CHECKIN_CEILING to its path)`,
    )
  }
  return script
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Starts the ceiling from the project root (it loads Fastify and better-sqlite3 from there) with a
 * database file of its own in a fresh temporary folder, so that no other run shares it.
 */
async function startCeiling(root: string, script: string): Promise<ServerProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'healthcode-checkin-ceiling-'))
  const port = await freePort()
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, PORT: String(port), TMPDIR: folder },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code) => fail(new Error(`the ceiling exited (${code}): ${output}`))),
  )
  for (let tries = 0; ; tries++) {
    try {
      const answer = await Promise.race([fetch(`${url}/noop`), exited])
      if (answer.ok) break
    } catch (error) {
      if (tries > 200 || child.exitCode !== null) throw error
      await new Promise((wait) => setTimeout(wait, 50))
    }
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          rmSync(folder, { recursive: true, force: true })
          done()
        })
        child.kill('SIGTERM')
      }),
  }
}

async function load(
  url: string,
  path: string,
  next: () => { headers: Record<string, string>; body: string },
  seconds: number,
  connections: number,
  expectedStatus: number,
): Promise<CheckinRound> {
  const result = await autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    // autocannon's own default, stated: an answer later than 10 s counts as an error.
    timeout: 10,
    requests: [{ method: 'POST', path, setupRequest: (request) => ({ ...request, ...next() }) }],
  })
  const statuses = (result.statusCodeStats ?? {}) as Record<string, { count: number }>
  const expected = statuses[String(expectedStatus)]?.count ?? 0
  const otherStatuses: Record<string, number> = {}
  for (const [status, { count }] of Object.entries(statuses)) {
    if (status !== String(expectedStatus)) otherStatuses[status] = count
  }
  if (result.errors > 0) otherStatuses['socket errors'] = result.errors
  if (result.timeouts > 0) otherStatuses['timeouts'] = result.timeouts
  return {
    requestsPerSecond: expected / seconds,
    latencyP99Ms: result.latency.p99,
    errors: result.requests.total - expected + result.errors + result.timeouts,
    requests: result.requests.total,
    otherStatuses,
  }
}

/**
 * Runs a round and adds the server's CPU time per expected answer, by thread name (read from
 * `/proc` before and after: the load generator's own time is not in it).
 */
async function withCpuTime(
  pid: number | undefined,
  round: () => Promise<CheckinRound>,
  alsoCommand?: string,
): Promise<CheckinRound> {
  const before = threadCpuTimes(pid, alsoCommand)
  const result = await round()
  const after = threadCpuTimes(pid, alsoCommand)
  if (after.size === 0 || result.requestsPerSecond === 0) return result
  const answers = result.requests - result.errors
  const perAnswer: Record<string, number> = {}
  for (const [name, seconds] of after) {
    perAnswer[name] = ((seconds - (before.get(name) ?? 0)) * 1e6) / answers
  }
  return { ...result, cpuMicrosPerAnswer: perAnswer }
}

/**
 * Check-ins by poster over HTTP, durable, against the ceiling: both servers run beside each other
 * for the whole run and are loaded in turn (ceiling, Healthcode, ceiling, …), each with the same
 * connections for the same time, so that the machine's load weighs on both alike.
 */
export async function measureCheckinsVersusCeiling(options: {
  root: string
  cli: string
  databaseUrl: string
  label: string
  aim: number
  plan: CheckinPlan
  serveArgs?: readonly string[]
}): Promise<CheckinFigures> {
  const { plan } = options
  const store = await openStore(options.databaseUrl)
  let visitors: Awaited<ReturnType<typeof prepareVisitors>>
  let venueCodes: string[]
  try {
    const venues = await store.transaction((tx) => tx.venues.list({}))
    if (venues.length === 0) {
      throw new Error(`the store ${options.label} has no venues: seed it with \`healthcode seed\``)
    }
    venueCodes = venues.slice(0, 500).map((venue) => `HCV1:${venue.id}.${venue.posterSecret}`)
    visitors = await prepareVisitors(store, systemClock, plan.visitors)
  } finally {
    await store.close()
  }

  const ceiling = await startCeiling(options.root, findCeilingScript(options.root))
  let ours: ServerProcess | undefined
  try {
    ours = await startServerProcess(
      options.cli,
      options.databaseUrl,
      {
        KEY_ENCRYPTION_KEY: BENCH_KEK,
        // Thousands of check-ins a minute from a few hundred visitors: the bench measures the
        // write path, not the per-person quota.
        QUOTA_CHECKINS_PER_MINUTE: '100000',
      },
      process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [],
      options.serveArgs ?? [],
    )
    const checkin = checkinRequests(visitors, venueCodes)
    let i = 0
    const oursRequest = () => {
      const { authorization, body } = checkin(i++)
      return {
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(body),
      }
    }
    const ceilingRequest = () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID(), person: 'p1', venue: 'v1', at: Date.now() }),
    })
    // On PostgreSQL, the database's own processes count too (for the ceiling's rounds, their
    // idle upkeep), shown apart as `postgres (all)`.
    const database = options.databaseUrl.startsWith('postgres') ? 'postgres' : undefined
    const runCeiling = () =>
      withCpuTime(
        ceiling.pid,
        () => load(ceiling.url, '/checkin', ceilingRequest, plan.seconds, plan.connections, 200),
        database,
      )
    const { url: oursUrl, pid: oursPid } = ours
    const runOurs = () =>
      withCpuTime(
        oursPid,
        () => load(oursUrl, '/api/v1/checkins', oursRequest, plan.seconds, plan.connections, 201),
        database,
      )
    // Warm-up: caches filled (every visitor's token and colour), code optimised, connections made.
    await load(ceiling.url, '/checkin', ceilingRequest, 2, plan.connections, 200)
    await load(oursUrl, '/api/v1/checkins', oursRequest, 5, plan.connections, 201)
    const loadBefore = loadavg()[0] as number
    const ceilingRounds: CheckinRound[] = []
    const ourRounds: CheckinRound[] = []
    for (let pair = 0; pair < plan.pairs; pair++) {
      ceilingRounds.push(await runCeiling())
      ourRounds.push(await runOurs())
    }
    return {
      label: options.label,
      ours: ourRounds,
      ceiling: ceilingRounds,
      ratio: spreadOf(
        ourRounds.map(
          (round, pair) =>
            round.requestsPerSecond / (ceilingRounds[pair] as CheckinRound).requestsPerSecond,
        ),
      ),
      aim: options.aim,
      loadAverage: [loadBefore, loadavg()[0] as number],
    }
  } finally {
    await ours?.stop()
    await ceiling.stop()
  }
}

/** A check-in figure as the bench prints it. */
export function formatCheckinSection(figures: CheckinFigures, plan: CheckinPlan): string {
  const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
  const rates = (rounds: readonly CheckinRound[]) =>
    formatSpread(
      spreadOf(rounds.map((round) => round.requestsPerSecond)),
      rounds.length,
      0,
    ).replace(/(\d+)(?=[ –),])/g, (digits) => n.format(Number(digits)))
  const errors = figures.ours.reduce((sum, round) => sum + round.errors, 0)
  const requests = figures.ours.reduce((sum, round) => sum + round.requests, 0)
  const statuses: Record<string, number> = {}
  for (const round of figures.ours) {
    for (const [status, count] of Object.entries(round.otherStatuses)) {
      statuses[status] = (statuses[status] ?? 0) + count
    }
  }
  const met = figures.ratio.median >= figures.aim && errors === 0
  return [
    `Check-ins over HTTP, durable, ${figures.label} (${plan.connections} connections, ${plan.pairs} pairs of ${plan.seconds} s, interleaved):`,
    `  ceiling (checkin-ceiling.mjs, better-sqlite3 WAL FULL, group commit per tick): ${rates(figures.ceiling)}/s`,
    `  Healthcode POST /api/v1/checkins: ${rates(figures.ours)}/s, p99 ${Math.max(...figures.ours.map((r) => r.latencyP99Ms))} ms at most`,
    `  errors: ${errors} in ${n.format(requests)}${errors > 0 ? ` (${JSON.stringify(statuses)})` : ''}`,
    `  server CPU per answer (median of rounds, by thread): ceiling ${cpuLine(figures.ceiling)}; Healthcode ${cpuLine(figures.ours)}`,
    `  load average (1 min): ${figures.loadAverage[0].toFixed(2)} at the start, ${figures.loadAverage[1].toFixed(2)} at the end`,
    `  ratio: ${formatSpread(figures.ratio, figures.ours.length)} — aim ≥ ${figures.aim.toFixed(2)}, 0 errors: ${met ? 'met' : 'NOT MET'}`,
  ].join('\n')
}

/** The median CPU microseconds per answer of each thread kind over `rounds`, and their sum. */
function cpuLine(rounds: readonly CheckinRound[]): string {
  const names = new Set(rounds.flatMap((round) => Object.keys(round.cpuMicrosPerAnswer ?? {})))
  if (names.size === 0) return 'not measured'
  const parts: [string, number][] = [...names].map((name) => [
    name,
    median(rounds.map((round) => round.cpuMicrosPerAnswer?.[name] ?? 0)),
  ])
  const total = median(
    rounds.map((round) =>
      Object.values(round.cpuMicrosPerAnswer ?? {}).reduce((sum, micros) => sum + micros, 0),
    ),
  )
  return `${total.toFixed(0)} µs (${parts
    .filter(([, micros]) => micros >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([name, micros]) => `${name} ${micros.toFixed(0)}`)
    .join(', ')})`
}

/** A store for the check-in bench with venues to check in at: seeded small when it has none. */
async function seededStore(cli: string, databaseUrl: string): Promise<void> {
  const store = await openStore(databaseUrl)
  let venues: number
  try {
    venues = (await store.transaction((tx) => tx.venues.list({}))).length
  } finally {
    await store.close()
  }
  if (venues > 0) return
  console.log(
    `Seeding a small city (2,000 people, 20,000 check-ins) into ${redactUrl(databaseUrl)}…`,
  )
  const seeded = spawnSync(
    process.execPath,
    [cli, 'seed', '--people', '2000', '--checkins', '20000', '--database', databaseUrl],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  if (seeded.status !== 0) throw new Error(`seeding ${redactUrl(databaseUrl)} failed`)
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//…@')
}

/**
 * `BENCH_ONLY=checkins` (and part of the whole bench): check-ins over HTTP against the ceiling on
 * SQLite (`BENCH_CHECKIN_SQLITE`, else a small city seeded for the run) and, when
 * `BENCH_DATABASE_URL` names a PostgreSQL database, on it with one and with two server processes.
 */
export async function runCheckinBench(root: string, cli: string): Promise<void> {
  const plan: CheckinPlan = {
    pairs: Number(process.env['BENCH_CHECKIN_PAIRS'] ?? 5),
    seconds: Number(process.env['BENCH_CHECKIN_SECONDS'] ?? 5),
    connections: Number(process.env['BENCH_CHECKIN_CONNECTIONS'] ?? 512),
    visitors: 500,
  }
  const only = process.env['BENCH_CHECKIN_DIALECTS']?.split(',') ?? ['sqlite', 'postgres']
  if (only.includes('sqlite')) {
    let sqlite = process.env['BENCH_CHECKIN_SQLITE']
    if (!sqlite) {
      sqlite = join(mkdtempSync(join(tmpdir(), 'healthcode-bench-checkins-')), 'city.sqlite')
    }
    await seededStore(cli, sqlite)
    const figures = await measureCheckinsVersusCeiling({
      root,
      cli,
      databaseUrl: sqlite,
      label: 'SQLite',
      aim: 0.9,
      plan,
    })
    console.log(formatCheckinSection(figures, plan) + '\n')
  }
  const postgres = process.env['BENCH_DATABASE_URL']
  if (!only.includes('postgres')) return
  if (!postgres) {
    console.log('Check-ins over HTTP on PostgreSQL: skipped (set BENCH_DATABASE_URL)\n')
    return
  }
  await seededStore(cli, postgres)
  const workers = process.env['BENCH_CHECKIN_WORKERS']?.split(',').map(Number) ?? [1, 2]
  for (const count of workers) {
    const figures = await measureCheckinsVersusCeiling({
      root,
      cli,
      databaseUrl: postgres,
      label: `PostgreSQL, serve --workers ${count}`,
      aim: 1,
      plan,
      serveArgs: ['--workers', String(count)],
    })
    console.log(formatCheckinSection(figures, plan) + '\n')
  }
}
