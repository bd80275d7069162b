import { spawn } from 'node:child_process'
import type { BenchVector } from './vectors.js'

/** One timed run of `healthcode verify --jsonl`. */
export interface JsonlRun {
  /** `--workers` as given, or `undefined` for the default (one per core). */
  readonly workers: number | undefined
  readonly lines: number
  /** From spawn to exit, start-up included. */
  readonly seconds: number
  readonly linesPerSecond: number
}

/**
 * Builds `verify --jsonl` input: `lineCount` lines `{"id","qr","trust","at"}` cycling through the
 * vectors, each line with its vector's signer and clock.
 */
export function buildJsonlInput(vectors: readonly BenchVector[], lineCount: number): string {
  const lines: string[] = []
  for (let id = 0; id < lineCount; id++) {
    // In range: the index wraps at the length, and there is at least one vector.
    const vector = vectors[id % vectors.length] as BenchVector
    lines.push(JSON.stringify({ id, qr: vector.qr, trust: [vector.certificate], at: vector.at }))
  }
  return lines.join('\n') + '\n'
}

/**
 * Runs the built CLI on the input piped to its stdin and times it from spawn to exit.
 *
 * @throws {Error} when the CLI fails, or does not answer every line, in order, as valid.
 */
export async function measureVerifyJsonl(
  cliPath: string,
  input: string,
  lineCount: number,
  workers: number | undefined,
): Promise<JsonlRun> {
  const args = [
    cliPath,
    'verify',
    '--jsonl',
    ...(workers === undefined ? [] : ['--workers', String(workers)]),
  ]
  const run = await runTimed(process.execPath, args, input)
  const label = `healthcode ${args.slice(1).join(' ')}`
  if (run.exitCode !== 0) {
    throw new Error(`${label} exited with ${run.exitCode}: ${run.stderr.trim()}`)
  }
  checkAllValid(label, run.stdout, lineCount)
  return {
    workers,
    lines: lineCount,
    seconds: run.seconds,
    linesPerSecond: lineCount / run.seconds,
  }
}

interface TimedRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly seconds: number
}

/** One interleaved round of `verify --jsonl` (in full and `--compact`) and the reference. */
export interface JsonlPair {
  readonly fullPerSecond: number
  readonly compactPerSecond: number
  readonly referencePerSecond: number
  /** Bytes of answers, in full and compact, and the reference's. */
  readonly fullBytes: number
  readonly compactBytes: number
  readonly referenceBytes: number
}

/**
 * Runs `verify --jsonl` (default workers: one per core), `verify --jsonl --compact` and the
 * single-thread reference pipeline (`reference-pipeline.ts`) on the same lines, in turn, `pairs`
 * times, each timed from spawn to exit (start-up included).
 *
 * @throws {Error} when a run fails or does not answer every line as valid.
 */
export async function measureJsonlVersusReference(
  cliPath: string,
  referencePath: string,
  input: string,
  lineCount: number,
  pairs: number,
): Promise<JsonlPair[]> {
  const rounds: JsonlPair[] = []
  for (let pair = 0; pair < pairs; pair++) {
    const full = await runTimed(process.execPath, [cliPath, 'verify', '--jsonl'], input)
    checkAllValid('healthcode verify --jsonl', full.stdout, lineCount)
    const compact = await runTimed(
      process.execPath,
      [cliPath, 'verify', '--jsonl', '--compact'],
      input,
    )
    checkAllValid('healthcode verify --jsonl --compact', compact.stdout, lineCount)
    const reference = await runTimed(process.execPath, [referencePath], input)
    checkAllValid('reference pipeline', reference.stdout, lineCount)
    rounds.push({
      fullPerSecond: lineCount / full.seconds,
      compactPerSecond: lineCount / compact.seconds,
      referencePerSecond: lineCount / reference.seconds,
      fullBytes: Buffer.byteLength(full.stdout),
      compactBytes: Buffer.byteLength(compact.stdout),
      referenceBytes: Buffer.byteLength(reference.stdout),
    })
  }
  return rounds
}

/**
 * Start-up and shut-down alone: `verify --jsonl` and the reference on empty input, in turn,
 * `pairs` times; seconds from spawn to exit. What loading too much at start-up costs shows here
 * first (the 0.63× regression of `verify --jsonl` was modules of the server, the store and
 * certificate issuing loaded by every run and every worker).
 */
export async function measureJsonlStartUp(
  cliPath: string,
  referencePath: string,
  pairs: number,
): Promise<{ readonly cliSeconds: number; readonly referenceSeconds: number }[]> {
  const rounds: { cliSeconds: number; referenceSeconds: number }[] = []
  for (let pair = 0; pair < pairs; pair++) {
    const cli = await runTimed(process.execPath, [cliPath, 'verify', '--jsonl'], '')
    if (cli.exitCode !== 0)
      throw new Error(`verify --jsonl on no input exited with ${cli.exitCode}`)
    const reference = await runTimed(process.execPath, [referencePath], '')
    rounds.push({ cliSeconds: cli.seconds, referenceSeconds: reference.seconds })
  }
  return rounds
}

function runTimed(command: string, args: readonly string[], input: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.stdin.on('error', reject)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        seconds: (performance.now() - start) / 1000,
      })
    })
    child.stdin.end(input)
  })
}

/** The fields of an answer line the bench checks. */
interface Answer {
  id?: unknown
  valid?: unknown
  stage?: unknown
  error?: { code?: unknown }
}

function checkAllValid(label: string, stdout: string, lineCount: number): void {
  const lines = stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length !== lineCount) {
    throw new Error(`${label}: expected ${lineCount} answer lines, but found ${lines.length}`)
  }
  lines.forEach((line, index) => {
    const answer = JSON.parse(line) as Answer
    if (answer.id !== index || answer.valid !== true) {
      throw new Error(
        `${label}: expected answer ${index} to be valid for id ${index}, but found id ` +
          `${JSON.stringify(answer.id)}, stage ${JSON.stringify(answer.stage)}, error ` +
          `${JSON.stringify(answer.error?.code)}`,
      )
    }
  })
}
