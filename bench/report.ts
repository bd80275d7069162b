import type { CodecVersusEcdsa, RoundPlan } from './codec-vs-ecdsa.js'
import type { JsonlRun } from './jsonl-throughput.js'
import type { Machine } from './machine.js'

/** The smallest codec/raw ECDSA ratio the codec aims for on one core. */
export const CODEC_RATIO_TARGET = 0.9

/** Everything one bench run measured. */
export interface BenchFigures {
  readonly vectorsUsed: number
  readonly codec: CodecVersusEcdsa
  readonly jsonlSingle: JsonlRun
  readonly jsonlDefault: JsonlRun
  readonly machine: Machine
}

const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function perSecond(rate: number): string {
  return `${wholeNumber.format(rate)}/s`
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT MET'
}

/** Whether the codec keeps to {@link CODEC_RATIO_TARGET} of raw ECDSA. */
export function codecTargetMet(codec: CodecVersusEcdsa): boolean {
  return codec.ratio >= CODEC_RATIO_TARGET
}

/** Whether `verify --jsonl` on all cores beats raw ECDSA on one. */
export function jsonlTargetMet(jsonlDefault: JsonlRun, ecdsaPerSecond: number): boolean {
  return jsonlDefault.linesPerSecond > ecdsaPerSecond
}

function workersLabel(run: JsonlRun, machine: Machine): string {
  return run.workers === undefined
    ? `default (${machine.availableParallelism} workers)`
    : `--workers ${run.workers}`
}

/** Section 1: `verifyHc1` against raw ECDSA on one core, round by round and in medians. */
export function formatCodecSection(
  codec: CodecVersusEcdsa,
  plan: RoundPlan,
  vectorsUsed: number,
): string {
  const rounds = codec.rounds.map(
    (round, index) =>
      `    ${String(index + 1).padEnd(6)}${perSecond(round.codecPerSecond).padStart(12)}` +
      `${perSecond(round.ecdsaPerSecond).padStart(14)}` +
      `${(round.codecPerSecond / round.ecdsaPerSecond).toFixed(3).padStart(8)}`,
  )
  return [
    '1. Codec vs raw ECDSA, one core',
    `  ${plan.rounds} interleaved rounds of ${plan.roundMs / 1000} s each, after a ` +
      `${plan.warmUpMs / 1000} s warm-up; medians reported.`,
    `    ${'round'.padEnd(6)}${'verifyHc1'.padStart(12)}${'raw ECDSA'.padStart(14)}${'ratio'.padStart(8)}`,
    ...rounds,
    `  verifyHc1, ${vectorsUsed} ES256 vectors in rotation:`.padEnd(62) +
      perSecond(codec.codecPerSecond),
    `  raw ECDSA P-256 crypto.verify, ${codec.messageBytes}-byte message:`.padEnd(62) +
      perSecond(codec.ecdsaPerSecond),
    `  ratio codec/raw:`.padEnd(62) +
      `${codec.ratio.toFixed(3)}  (target >= ${CODEC_RATIO_TARGET.toFixed(2)}: ` +
      `${verdict(codecTargetMet(codec))})`,
  ].join('\n')
}

/** Section 2: `verify --jsonl` throughput, one worker and all cores, against one-core ECDSA. */
export function formatJsonlSection(
  jsonlSingle: JsonlRun,
  jsonlDefault: JsonlRun,
  ecdsaPerSecond: number,
  machine: Machine,
): string {
  const runLine = (run: JsonlRun): string =>
    `  ${workersLabel(run, machine)}:`.padEnd(34) +
    `${wholeNumber.format(run.linesPerSecond)} lines/s`.padEnd(18) +
    `(${run.seconds.toFixed(2)} s, all ${wholeNumber.format(run.lines)} answers valid)`
  return [
    `2. verify --jsonl throughput, ${wholeNumber.format(jsonlSingle.lines)} lines`,
    '  node bin/healthcode.js verify --jsonl, input piped on stdin, timed from spawn to exit.',
    runLine(jsonlSingle),
    runLine(jsonlDefault),
    `  raw ECDSA P-256, one core:`.padEnd(34) + `${wholeNumber.format(ecdsaPerSecond)} verifies/s`,
    '  target: the default run exceeds raw ECDSA on one core: ' +
      verdict(jsonlTargetMet(jsonlDefault, ecdsaPerSecond)),
  ].join('\n')
}

/** Section 3: the machine. */
export function formatMachineSection(machine: Machine): string {
  return [
    '3. Machine',
    `  CPU:     ${machine.cpu}`,
    `  Cores:   ${machine.cores} logical (${machine.availableParallelism} available to Node)`,
    `  Memory:  ${machine.memoryGiB.toFixed(1)} GiB`,
    `  Node:    ${machine.node}`,
    `  Date:    ${machine.date}`,
  ].join('\n')
}

/** The figures as a markdown table, to paste into `docs/benchmarks.md`. */
export function formatMarkdownTable(figures: BenchFigures): string {
  const { codec, jsonlSingle, jsonlDefault, machine } = figures
  const lines = wholeNumber.format(jsonlSingle.lines)
  const rows: [string, string, string][] = [
    [
      `\`verifyHc1\`, one core (${figures.vectorsUsed} valid ES256 EU vectors in rotation)`,
      perSecond(codec.codecPerSecond),
      '',
    ],
    [
      `raw ECDSA P-256 \`crypto.verify\`, one core (${codec.messageBytes}-byte message)`,
      perSecond(codec.ecdsaPerSecond),
      '',
    ],
    [
      'codec / raw ECDSA',
      codec.ratio.toFixed(3),
      `≥ ${CODEC_RATIO_TARGET.toFixed(2)}: ${verdict(codecTargetMet(codec))}`,
    ],
    [
      `\`verify --jsonl --workers 1\`, ${lines} lines, spawn to exit`,
      `${wholeNumber.format(jsonlSingle.linesPerSecond)} lines/s`,
      '',
    ],
    [
      `\`verify --jsonl\` (${machine.availableParallelism} workers), ${lines} lines, spawn to exit`,
      `${wholeNumber.format(jsonlDefault.linesPerSecond)} lines/s`,
      `> ${perSecond(codec.ecdsaPerSecond)} (raw ECDSA, one core): ` +
        verdict(jsonlTargetMet(jsonlDefault, codec.ecdsaPerSecond)),
    ],
  ]
  return [
    '| Measure | Result | Target |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Machine: ${machine.cpu}, ${machine.cores} logical cores, ` +
      `${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, ${machine.date.slice(0, 10)}.`,
  ].join('\n')
}
