import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type CityChunk, type CityJob, cityChunks } from './city-chunks.js'

/** Chunks the generator may make ahead of the writer: enough to keep both busy, few in memory. */
const CHUNKS_AHEAD = 4

/** The city's chunks in order, made on another thread when one can be started. */
export interface CityStream extends AsyncIterable<CityChunk> {
  /** Whether a worker thread makes the chunks (else this thread makes each when asked). */
  readonly threaded: boolean
}

/**
 * Makes the chunks of `job` on a worker thread, up to four ahead of the consumer, so that making
 * rows (and the rules engine's assessments) and writing them use a core each. Where the worker's
 * file cannot run (a bundle without it), or with `threaded: false`, the chunks are made here as
 * they are asked for; the rows are the same either way. Ending the iteration early stops the
 * worker.
 */
export function cityStream(job: CityJob, options: { threaded?: boolean } = {}): CityStream {
  const file = options.threaded === false ? undefined : workerFile()
  if (file === undefined) {
    return {
      threaded: false,
      async *[Symbol.asyncIterator]() {
        yield* cityChunks(job)
      },
    }
  }
  return { threaded: true, [Symbol.asyncIterator]: () => fromWorker(file, job) }
}

/**
 * The worker's file beside this one: compiled JavaScript, or TypeScript when this module itself
 * runs as TypeScript (under tsx, whose loader the worker inherits through `execArgv`).
 */
function workerFile(): string | undefined {
  const here = import.meta.url
  const extension = here.endsWith('.ts') ? '.ts' : '.js'
  const file = fileURLToPath(new URL(`./city-worker${extension}`, here))
  return existsSync(file) ? file : undefined
}

type WorkerMessage = { chunk: CityChunk } | { end: true } | { error: string }

async function* fromWorker(file: string, job: CityJob): AsyncGenerator<CityChunk> {
  const pending = new SharedArrayBuffer(4)
  const unwritten = new Int32Array(pending)
  const worker = new Worker(file, { workerData: { job, pending, ahead: CHUNKS_AHEAD } })
  const queue: WorkerMessage[] = []
  let failure: Error | undefined
  let ended = false
  let wake: (() => void) | undefined
  const notify = () => {
    const waiting = wake
    wake = undefined
    waiting?.()
  }
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message)
    notify()
  })
  worker.on('error', (error) => {
    failure ??= error
    notify()
  })
  worker.on('exit', (code) => {
    if (!ended) failure ??= new Error(`the seed generator's thread stopped (exit code ${code})`)
    notify()
  })
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure
        await new Promise<void>((resolve) => (wake = resolve))
      }
      const message = queue.shift() as WorkerMessage
      if ('error' in message) throw new Error(`the seed generator failed: ${message.error}`)
      if ('end' in message) {
        ended = true
        return
      }
      yield message.chunk
      // Written: the generator may make one more.
      Atomics.sub(unwritten, 0, 1)
      Atomics.notify(unwritten, 0)
    }
  } finally {
    ended = true
    await worker.terminate()
  }
}
