import { join } from 'node:path'
import { measureCodecVersusEcdsa, type RoundPlan } from './codec-vs-ecdsa.js'
import { buildJsonlInput, measureVerifyJsonl } from './jsonl-throughput.js'
import { describeMachine } from './machine.js'
import { findRepositoryRoot } from './paths.js'
import {
  formatCodecSection,
  formatJsonlSection,
  formatMachineSection,
  formatMarkdownTable,
} from './report.js'
import { formatSigningSection, measureSigningVersusEcdsa } from './signing-vs-ecdsa.js'
import { selectValidEs256Vectors } from './vectors.js'
import { type CityFigures, measureCity } from './city-bench.js'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { formatWebSection, measureWeb } from './web-bench.js'
import { runVerifierBench } from './verifier-bench.js'
import { formatStartupSection, measureStartup } from './startup-bench.js'
import { runCheckinBench } from './checkins-vs-ceiling.js'
import {
  formatDeflateSection,
  measureDeflateVersusZlib,
  readVectorCoseMessages,
} from './deflate-vs-zlib.js'

// `npm run bench`: the codec against raw ECDSA on one core, then the CLI's batch throughput.
// About 30 s in all: 2 s of warm-up, 5 rounds of 2 + 2 s, then two runs of the CLI. Then the
// city, and the web app's budgets in headless Chromium (BENCH_ONLY=web for those alone).

const CODEC_PLAN: RoundPlan = { warmUpMs: 1000, roundMs: 2000, rounds: 5 }
const JSONL_LINES = 20_000

async function measureCodecSections(
  vectors: Parameters<typeof measureCodecVersusEcdsa>[0],
  cli: string,
  machine: ReturnType<typeof describeMachine>,
): Promise<void> {
  const codec = measureCodecVersusEcdsa(vectors, CODEC_PLAN)
  console.log(formatCodecSection(codec, CODEC_PLAN, vectors.length) + '\n')

  const input = buildJsonlInput(vectors, JSONL_LINES)
  const jsonlSingle = await measureVerifyJsonl(cli, input, JSONL_LINES, 1)
  const jsonlDefault = await measureVerifyJsonl(cli, input, JSONL_LINES, undefined)
  console.log(formatJsonlSection(jsonlSingle, jsonlDefault, codec.ecdsaPerSecond, machine) + '\n')

  console.log(
    formatSigningSection(measureSigningVersusEcdsa({ warmUpMs: 1000, roundMs: 1000, rounds: 3 })) +
      '\n',
  )
  console.log('Markdown, for docs/benchmarks.md:\n')
  console.log(
    formatMarkdownTable({
      vectorsUsed: vectors.length,
      codec,
      jsonlSingle,
      jsonlDefault,
      machine,
    }) + '\n',
  )
}

async function runStartupBench(root: string): Promise<void> {
  const figures = await measureStartup(
    join(root, 'bin', 'healthcode.js'),
    join(root, 'dist', 'bench', 'bare-fastify.js'),
    join(root, 'dist', 'bench', 'module-count-hook.js'),
    {
      pairs: Number(process.env['BENCH_STARTUP_PAIRS'] ?? 7),
      settleMs: 2000,
      postgresUrl: process.env['BENCH_STARTUP_POSTGRES'],
    },
  )
  console.log(formatStartupSection(figures) + '\n')
}

async function main(): Promise<void> {
  const root = findRepositoryRoot()
  const machine = describeMachine()

  // BENCH_ONLY=startup runs the start-up figures alone: `healthcode serve` on a warm SQLite store
  // (and on PostgreSQL when BENCH_STARTUP_POSTGRES names a database) against a bare Fastify process.
  if (process.env['BENCH_ONLY'] === 'startup') {
    await runStartupBench(root)
    console.log(formatMachineSection(machine))
    return
  }

  // BENCH_ONLY=web runs the web app's budgets alone (first-load JavaScript, scanner in Chromium).
  if (process.env['BENCH_ONLY'] === 'web') {
    console.log(formatWebSection(await measureWeb(root)) + '\n')
    console.log(formatMachineSection(machine))
    return
  }

  // BENCH_ONLY=deflate runs the compressor against zlib alone, on the EU vectors' COSE messages.
  if (process.env['BENCH_ONLY'] === 'deflate') {
    const messages = readVectorCoseMessages(join(root, 'test', 'vectors', 'dgc-testdata'))
    const plan = { warmUpMs: 1000, roundMs: 1000, rounds: 9 }
    console.log(formatDeflateSection(measureDeflateVersusZlib(messages, plan)) + '\n')
    console.log(formatMachineSection(machine))
    return
  }

  // BENCH_ONLY=checkins runs check-ins over HTTP against the ceiling alone.
  if (process.env['BENCH_ONLY'] === 'checkins') {
    await runCheckinBench(root, join(root, 'bin', 'healthcode.js'))
    console.log(formatMachineSection(machine))
    return
  }

  const selection = selectValidEs256Vectors(join(root, 'test', 'vectors', 'dgc-testdata'))
  const vectors = selection.valid
  if (vectors.length === 0) {
    throw new Error(`expected valid ES256 vectors, but none of ${selection.examined} verified`)
  }
  console.log(
    `healthcode bench: ${vectors.length} of ${selection.examined} raw EU test vectors verify as ` +
      'valid ES256 codes; the bench uses those.\n',
  )

  // BENCH_ONLY=verifier runs the verifier's and signer's figures alone, each beside its limit.
  if (process.env['BENCH_ONLY'] === 'verifier') {
    await runVerifierBench(root, vectors)
    console.log(formatMachineSection(machine))
    return
  }

  // BENCH_ONLY=city runs the city benchmark alone.
  const cityOnly = process.env['BENCH_ONLY'] === 'city'
  const cli = join(root, 'bin', 'healthcode.js')
  if (!cityOnly) {
    await measureCodecSections(vectors, cli, machine)
    await runVerifierBench(root, vectors)
    await runCheckinBench(root, cli)
  }

  // The city: BENCH_CITY_SQLITE / BENCH_CITY_POSTGRES name seeded stores (`healthcode seed
  // --people 1000000 --checkins 10000000`); without them a small city is seeded for the run.
  const cities: string[] = []
  if (process.env['BENCH_CITY_SQLITE']) cities.push(process.env['BENCH_CITY_SQLITE'])
  if (process.env['BENCH_CITY_POSTGRES']) cities.push(process.env['BENCH_CITY_POSTGRES'])
  if (cities.length === 0) {
    const small = join(mkdtempSync(join(tmpdir(), 'healthcode-bench-city-')), 'city.sqlite')
    console.log('Seeding a small city (20,000 people, 200,000 check-ins) for the city benchmark…')
    const seeded = spawnSync(
      process.execPath,
      [cli, 'seed', '--people', '20000', '--checkins', '200000', '--database', small],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    )
    if (seeded.status !== 0) throw new Error('seeding the small city failed')
    cities.push(small)
  }
  for (const city of cities) {
    const figures = await measureCity(cli, city, { seconds: 10, connections: 512, visitors: 500 })
    console.log(formatCitySection(figures) + '\n')
  }

  if (!cityOnly) {
    console.log(formatWebSection(await measureWeb(root)) + '\n')
    await runStartupBench(root)
  }

  console.log(formatMachineSection(machine))
}

await main()

function formatCitySection(city: CityFigures): string {
  const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
  const ms = (value: number) => `${value.toFixed(1)} ms`
  return [
    `City on ${city.dialect}: ${n.format(city.people)} people, ${n.format(city.checkins)} check-ins`,
    `  check-ins over HTTP (durable, group commit): ${n.format(city.checkinsOverHttp.requestsPerSecond)}/s` +
      ` (p50 ${city.checkinsOverHttp.latencyP50Ms} ms, p99 ${city.checkinsOverHttp.latencyP99Ms} ms, ${city.checkinsOverHttp.errors} errors)` +
      ` — target 10,000/s on SQLite: ${city.dialect !== 'sqlite' ? 'n/a' : city.checkinsOverHttp.requestsPerSecond >= 10_000 ? 'met' : 'NOT MET'}`,
    `  dynamic-code verifications over HTTP: ${n.format(city.verificationsOverHttp.requestsPerSecond)}/s` +
      ` (p50 ${city.verificationsOverHttp.latencyP50Ms} ms, p99 ${city.verificationsOverHttp.latencyP99Ms} ms)`,
    `  trace one case (close contacts, same venue): median ${ms(city.traceMs.median)}, max ${ms(city.traceMs.max)};` +
      ` with contacts of contacts: median ${ms(city.traceMs.withSecondaryMedian)} (${n.format(city.traceMs.exposures)} exposures over 7 cases)` +
      ` — target < 100 ms: ${city.traceMs.median < 100 ? 'met' : 'NOT MET'}`,
    `  company dashboard: ${ms(city.companyDashboardMs)}, authority dashboard: ${ms(city.authorityDashboardMs)}` +
      ` — target < 50 ms: ${city.companyDashboardMs < 50 && city.authorityDashboardMs < 50 ? 'met' : 'NOT MET'}`,
    `  check-ins table and indexes per million check-ins: ${city.bytesPerMillionCheckins === undefined ? 'unknown' : `${n.format(city.bytesPerMillionCheckins / 1024 / 1024)} MiB`}`,
  ].join('\n')
}
