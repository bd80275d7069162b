import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { type Spread, median, spreadOf } from './rate.js'

/** The aims of issue 17, item 5: against a bare Fastify process measured in the same run. */
export const STARTUP_RATIO_LIMIT = 1.5
export const STARTUP_MS_LIMIT = 1000
export const MEMORY_RATIO_LIMIT = 1.5

/** What one start measured. */
export interface StartSample {
  /** Spawn to the first 200 from /readyz, wall clock. */
  readonly readyMs: number
  /** CPU time the process used until then (user + system, from /proc). */
  readonly cpuMs: number
  /** Resident memory after the settle, MiB. */
  readonly rssMiB: number
}

/** The starts of one target, with their spreads. */
export interface StartFigures {
  readonly name: string
  readonly samples: readonly StartSample[]
  readonly readyMs: Spread
  readonly cpuMs: Spread
  readonly rssMiB: Spread
  /** Module files loaded by the time /readyz answered (one extra start). */
  readonly modules: number
}

/** The start-up bench's figures: the bare Fastify peer, then our server on each store. */
export interface StartupFigures {
  readonly pairs: number
  readonly settleMs: number
  readonly bare: StartFigures
  readonly servers: readonly StartFigures[]
  readonly loadAverage: readonly number[]
}

interface Target {
  readonly name: string
  readonly args: readonly string[]
  readonly env: Record<string, string>
}

/**
 * Starts `healthcode serve` on a warm SQLite store (migrated by a first start) and, when
 * `postgresUrl` is given, on PostgreSQL, interleaved with a bare Fastify process (A B [C] A B [C]
 * …, `pairs` rounds): each start timed from spawn to /readyz answering 200, its CPU time read at
 * that moment, its resident memory read after `settleMs` at rest.
 */
export async function measureStartup(
  cli: string,
  bareFastify: string,
  countHook: string,
  plan: { pairs: number; settleMs: number; postgresUrl: string | undefined },
): Promise<StartupFigures> {
  const folder = mkdtempSync(join(tmpdir(), 'healthcode-bench-startup-'))
  const serve = (database: string): readonly string[] => [cli, 'serve', '--database', database]
  const env = { LOG_LEVEL: 'warn', DEMO: 'false' }
  const targets: Target[] = [
    { name: 'bare Fastify', args: [bareFastify], env: {} },
    { name: 'healthcode serve, SQLite', args: serve(join(folder, 'warm.sqlite')), env },
    ...(plan.postgresUrl
      ? [{ name: 'healthcode serve, PostgreSQL', args: serve(plan.postgresUrl), env }]
      : []),
  ]
  try {
    // Warm: the stores migrated, Node's compile cache filled, the page cache holding the files.
    for (const target of targets) await startOnce(target, 0)
    const samples = targets.map(() => [] as StartSample[])
    for (let round = 0; round < plan.pairs; round++) {
      for (const [index, target] of targets.entries()) {
        samples[index]?.push(await startOnce(target, plan.settleMs))
      }
    }
    const figures: StartFigures[] = []
    for (const [index, target] of targets.entries()) {
      const taken = samples[index] ?? []
      figures.push({
        name: target.name,
        samples: taken,
        readyMs: spreadOf(taken.map((sample) => sample.readyMs)),
        cpuMs: spreadOf(taken.map((sample) => sample.cpuMs)),
        rssMiB: spreadOf(taken.map((sample) => sample.rssMiB)),
        modules: await countModules(target, countHook, join(folder, 'modules.json')),
      })
    }
    const [bare, ...servers] = figures as [StartFigures, ...StartFigures[]]
    return {
      pairs: plan.pairs,
      settleMs: plan.settleMs,
      bare,
      servers,
      loadAverage: (await import('node:os')).loadavg(),
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/**
 * Spawns a target on port 0, so that the system picks a free port as it binds: a port picked
 * beforehand could be taken in between (an outgoing connection's ephemeral port, another test
 * server), and the start then failed with EADDRINUSE. The port is read from the first address the
 * process prints on stdout: `healthcode serve`'s "serving on http://localhost:…", the bare peer's
 * "listening on http://127.0.0.1:…".
 */
function spawnTarget(
  target: Target,
  nodeFlags: readonly string[] = [],
): {
  child: ChildProcess
  port: Promise<number>
  output: () => string
} {
  const child = spawn(process.execPath, [...nodeFlags, ...target.args], {
    env: { ...process.env, ...target.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const port = new Promise<number>((resolve, reject) => {
    let printed = ''
    const read = (chunk: Buffer) => {
      printed += chunk.toString()
      const match = /(?:serving|listening) on https?:\/\/[^\s/:]+:(\d+)/.exec(printed)
      if (!match) return
      child.stdout?.off('data', read)
      // The rest of stdout is not needed, but is read so that the process never blocks on it.
      child.stdout?.resume()
      resolve(Number(match[1]))
    }
    child.stdout?.on('data', read)
    child.once('exit', (code) =>
      reject(new Error(`${target.name} exited (${code}) before printing its address: ${output}`)),
    )
  })
  // Rejected only when the process exited first; waitReady says so.
  port.catch(() => undefined)
  return { child, port, output: () => output }
}

async function waitReady(
  child: ChildProcess,
  port: Promise<number>,
  output: () => string,
  name: string,
): Promise<void> {
  const bound = await port
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${output()}`)
    try {
      const response = await fetch(`http://127.0.0.1:${bound}/readyz`)
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // Not listening yet.
    }
    await sleep(5)
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await exited
}

async function startOnce(target: Target, settleMs: number): Promise<StartSample> {
  const started = performance.now()
  const { child, port, output } = spawnTarget(target)
  try {
    await waitReady(child, port, output, target.name)
    const readyMs = performance.now() - started
    const cpuMs = processCpuMs(child.pid ?? 0)
    await sleep(settleMs)
    return { readyMs, cpuMs, rssMiB: residentMiB(child.pid ?? 0) }
  } finally {
    await stop(child)
  }
}

async function countModules(target: Target, hook: string, file: string): Promise<number> {
  const { child, port, output } = spawnTarget(
    { ...target, env: { ...target.env, MODULE_COUNT_FILE: file } },
    ['--import', pathToFileURL(hook).href],
  )
  try {
    await waitReady(child, port, output, target.name)
    child.kill('SIGUSR2')
    for (let waited = 0; waited < 5000; waited += 20) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as string[]).length
      } catch {
        await sleep(20)
      }
    }
    throw new Error(`${target.name} wrote no module count`)
  } finally {
    await stop(child)
    rmSync(file, { force: true })
  }
}

/** User + system CPU time of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function residentMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1]) / 1024
}

/** The start-up section of `npm run bench`: each figure beside the bare Fastify process. */
export function formatStartupSection(figures: StartupFigures): string {
  const { bare } = figures
  const spread = (s: Spread, digits = 0) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`
  const row = (f: StartFigures) =>
    `| ${f.name} | ${spread(f.readyMs)} | ${spread(f.cpuMs)} | ${spread(f.rssMiB, 1)} | ${f.modules} |`
  const lines = [
    `Start-up: spawn → /readyz 200 on a warm store, ${figures.pairs} interleaved rounds; resident ` +
      `memory after ${figures.settleMs} ms at rest; load average ${figures.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    '| process | to /readyz, ms | CPU to /readyz, ms | idle RSS, MiB | modules loaded |',
    '| --- | --- | --- | --- | --- |',
    row(bare),
    ...figures.servers.map(row),
    '',
  ]
  for (const server of figures.servers) {
    const ratio = (pick: (s: StartSample) => number, peer: Spread) =>
      median(server.samples.map(pick)) / peer.median
    const wall = ratio((s) => s.readyMs, bare.readyMs)
    const cpu = ratio((s) => s.cpuMs, bare.cpuMs)
    const memory = ratio((s) => s.rssMiB, bare.rssMiB)
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
    lines.push(
      `${server.name}: to /readyz ${wall.toFixed(2)}× bare (limit ${STARTUP_RATIO_LIMIT}×: ` +
        `${verdict(wall <= STARTUP_RATIO_LIMIT)}), median ${server.readyMs.median.toFixed(0)} ms ` +
        `(limit ${STARTUP_MS_LIMIT} ms: ${verdict(server.readyMs.median < STARTUP_MS_LIMIT)}); ` +
        `CPU to /readyz ${cpu.toFixed(2)}× bare; idle memory ${memory.toFixed(2)}× bare ` +
        `(limit ${MEMORY_RATIO_LIMIT}×: ${verdict(memory <= MEMORY_RATIO_LIMIT)})`,
    )
  }
  return lines.join('\n')
}
