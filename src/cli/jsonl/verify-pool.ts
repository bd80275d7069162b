import * as nodeModule from 'node:module'
import { Worker } from 'node:worker_threads'
import {
  noSharedTrust,
  verifyContextOf,
  type SharedTrust,
  type VerifyContext,
} from './shared-trust.js'
import { TrustCertificateCache, verifyJsonLine } from './verify-line.js'

/**
 * Lines sent to a verifier: their bytes joined by newlines (one transferable buffer, so the reading
 * thread neither decodes nor copies them), and answers already made for lines that could not be
 * read, by their position in the batch.
 */
export interface LineBatch {
  readonly batch: number
  readonly bytes: Uint8Array
  readonly preAnswered: ReadonlyArray<readonly [index: number, answer: string]>
}

/**
 * A batch's answers, in order, each followed by a newline: UTF-8 bytes, handed over to the writing
 * thread (not copied) and written as they are.
 */
export interface BatchAnswers {
  readonly batch: number
  readonly answers: Uint8Array
}

/** Verifies every line of a batch in order and joins the answers. */
export async function verifyBatch(
  batch: LineBatch,
  cache: TrustCertificateCache,
  context: VerifyContext,
): Promise<BatchAnswers> {
  const lines = linesOf(batch.bytes)
  const answers: string[] = []
  let next = 0
  for (const [index, answer] of batch.preAnswered) {
    while (answers.length < index)
      answers.push(await verifyJsonLine(lines[next++] ?? '', cache, now, context))
    answers.push(answer)
  }
  while (next < lines.length)
    answers.push(await verifyJsonLine(lines[next++] as string, cache, now, context))
  return { batch: batch.batch, answers: joinedLines(answers) }
}

/**
 * The answers as UTF-8 lines in one buffer of its own (one the worker can hand over), each written
 * straight into it: joining them into one string first (some 190 KB of full answers a batch) made
 * a string in fresh memory of V8's, copied again to reach the writing thread and encoded there
 * (docs/benchmarks.md, verify --jsonl).
 */
function joinedLines(lines: readonly string[]): Uint8Array {
  let size = 0
  for (const line of lines) size += Buffer.byteLength(line) + 1
  const bytes = Buffer.from(new ArrayBuffer(size))
  let offset = 0
  for (const line of lines) {
    offset += bytes.write(line, offset)
    bytes[offset++] = 0x0a
  }
  return bytes
}

/**
 * The batch's lines, each decoded on its own: V8 makes a string of over some 128 KiB in memory of
 * its own, fresh each time, and decoding a whole batch (some 440 KB) into one cost 17 times as much
 * as its lines one by one (docs/benchmarks.md, verify --jsonl).
 */
function linesOf(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return []
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const lines: string[] = []
  let start = 0
  for (let end = buffer.indexOf(0x0a); end !== -1; end = buffer.indexOf(0x0a, start)) {
    lines.push(buffer.toString('utf8', start, end))
    start = end + 1
  }
  lines.push(buffer.toString('utf8', start))
  return lines
}

function now(): Date {
  return new Date()
}

/** What a worker thread is started with: the shared trust, and the answers' form. */
export interface VerifyWorkerData {
  readonly shared: SharedTrust
  readonly compact: boolean
  /** The starting thread's compile cache folder, when it has one (verify-worker-start.ts). */
  readonly compileCache?: string
}

/** Something that verifies a batch of lines: a worker thread, or this thread. */
interface BatchVerifier {
  verify(batch: LineBatch): Promise<BatchAnswers>
  close(): Promise<void>
}

/** Verifies in this thread: for one core. */
class InlineVerifier implements BatchVerifier {
  readonly #cache = new TrustCertificateCache()
  readonly #context: VerifyContext

  constructor(shared: SharedTrust, compact: boolean) {
    this.#context = verifyContextOf(shared, compact)
  }

  verify(batch: LineBatch): Promise<BatchAnswers> {
    return verifyBatch(batch, this.#cache, this.#context)
  }

  async close(): Promise<void> {}
}

/** Node's compile cache API (Node 22.8 and later; @types/node 20 does not name it). */
export interface CompileCacheApi {
  enableCompileCache(directory?: string): unknown
  getCompileCacheDir(): string | undefined
}

/** Verifies in a worker thread, one batch at a time. */
class WorkerVerifier implements BatchVerifier {
  readonly #worker: Worker
  #pending: { resolve: (answers: BatchAnswers) => void; reject: (error: Error) => void } | undefined

  constructor(shared: SharedTrust, compact: boolean) {
    // Under tsx (tests) this module is TypeScript; built, it is JavaScript.
    const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
    // The worker parses the shared trust once, when it starts (verify-worker.ts).
    const compileCache = (nodeModule as unknown as CompileCacheApi).getCompileCacheDir()
    this.#worker = new Worker(new URL(`./verify-worker-start.${extension}`, import.meta.url), {
      workerData: {
        shared,
        compact,
        ...(compileCache === undefined ? {} : { compileCache }),
      } satisfies VerifyWorkerData,
    })
    this.#worker.on('message', (answers: BatchAnswers) => {
      const pending = this.#pending
      this.#pending = undefined
      pending?.resolve(answers)
    })
    this.#worker.on('error', (error) => {
      const pending = this.#pending
      this.#pending = undefined
      pending?.reject(error)
    })
  }

  verify(batch: LineBatch): Promise<BatchAnswers> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#worker.postMessage(batch, [batch.bytes.buffer as ArrayBuffer])
    })
  }

  async close(): Promise<void> {
    await this.#worker.terminate()
  }
}

/** How many lines may wait for a verifier before reading pauses: this bounds memory. */
const QUEUE_LIMIT = 4096
/** The most lines one verifier takes at once: enough to spread the cost of messages. */
const BATCH_LIMIT = 256

/** A queued line: its bytes, or the answer already made for it. */
type QueuedLine = Uint8Array | string

/**
 * Verifies JSON lines on several verifiers at once and hands back the answers in input order.
 * Memory stays bounded whatever the input size: reading waits while {@link QUEUE_LIMIT} lines are
 * queued, and a batch's answers are written as soon as all earlier batches' are.
 */
export class VerifyPool {
  readonly #all: BatchVerifier[]
  readonly #idle: BatchVerifier[]
  #queue: QueuedLine[] = []
  #nextBatch = 0
  #nextToWrite = 0
  readonly #done = new Map<number, Uint8Array>()
  #spaceWaiter: (() => void) | undefined
  #drainWaiter: (() => void) | undefined
  #failure: Error | undefined

  constructor(
    workers: number,
    /** Receives answers in input order, many at once, each line ending in a newline. */
    private readonly write: (answers: Uint8Array) => void,
    /** The command line's trust and revocation lists, applied to every line. */
    shared: SharedTrust = noSharedTrust,
    /** `--compact`: answers carry id, valid, stage and the error code only. */
    compact = false,
  ) {
    this.#all =
      workers <= 1
        ? [new InlineVerifier(shared, compact)]
        : Array.from({ length: workers }, () => new WorkerVerifier(shared, compact))
    this.#idle = [...this.#all]
  }

  /** Queues one line's bytes; resolves once there is room for more. */
  push(bytes: Uint8Array): Promise<void> {
    return this.#enqueue(bytes)
  }

  /** Queues the answer for a line that needs no verification, keeping its place in the order. */
  pushAnswer(answer: string): Promise<void> {
    return this.#enqueue(answer)
  }

  /** Waits for every queued line to be answered, then stops the workers. */
  async finish(): Promise<void> {
    this.#schedule()
    if (this.#nextToWrite < this.#nextBatch || this.#queue.length > 0) {
      await new Promise<void>((resolve) => (this.#drainWaiter = resolve))
    }
    await Promise.all(this.#all.map((verifier) => verifier.close()))
    if (this.#failure) throw this.#failure
  }

  async #enqueue(item: QueuedLine): Promise<void> {
    if (this.#failure) throw this.#failure
    this.#queue.push(item)
    this.#schedule()
    if (this.#queue.length >= QUEUE_LIMIT) {
      await new Promise<void>((resolve) => (this.#spaceWaiter = resolve))
      if (this.#failure) throw this.#failure
    }
  }

  #schedule(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const verifier = this.#idle.pop() as BatchVerifier
      const lines = this.#queue.splice(0, BATCH_LIMIT)
      this.#run(verifier, this.#makeBatch(lines))
    }
    if (this.#spaceWaiter && this.#queue.length < QUEUE_LIMIT / 2) {
      const resolve = this.#spaceWaiter
      this.#spaceWaiter = undefined
      resolve()
    }
  }

  #makeBatch(lines: QueuedLine[]): LineBatch {
    const preAnswered: [number, string][] = []
    let size = 0
    lines.forEach((line, index) => {
      if (typeof line === 'string') preAnswered.push([index, line])
      else size += line.length + 1
    })
    const bytes = new Uint8Array(Math.max(0, size - 1))
    let offset = 0
    for (const line of lines) {
      if (typeof line === 'string') continue
      if (offset > 0) bytes[offset - 1] = 0x0a
      bytes.set(line, offset)
      offset += line.length + 1
    }
    return { batch: this.#nextBatch++, bytes, preAnswered }
  }

  #run(verifier: BatchVerifier, batch: LineBatch): void {
    verifier
      .verify(batch)
      .then((result) => {
        this.#done.set(result.batch, result.answers)
        this.#idle.push(verifier)
        this.#flush()
        this.#schedule()
      })
      .catch((error: Error) => {
        this.#failure = error
        this.#spaceWaiter?.()
        this.#drainWaiter?.()
      })
  }

  #flush(): void {
    let answers = this.#done.get(this.#nextToWrite)
    while (answers !== undefined) {
      this.#done.delete(this.#nextToWrite)
      this.write(answers)
      this.#nextToWrite++
      answers = this.#done.get(this.#nextToWrite)
    }
    if (this.#drainWaiter && this.#nextToWrite === this.#nextBatch && this.#queue.length === 0) {
      const resolve = this.#drainWaiter
      this.#drainWaiter = undefined
      resolve()
    }
  }
}
