import cluster, { type Worker } from 'node:cluster'
import type { Config } from '../config/config.js'
import { systemClock } from '../domain/clock.js'
import { openStore } from '../storage/open-store.js'
import { type Prepared, prepareStore, startServer } from './server.js'

/** A message a worker sends its primary once it listens. */
interface ListeningMessage {
  readonly type: 'healthcode:listening'
  readonly url: string
}

function isListening(message: unknown): message is ListeningMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'healthcode:listening'
  )
}

/** Several processes serving one store, started by {@link startPrimary}. */
export interface RunningCluster {
  /** Where the workers listen (they share one port). */
  readonly url: string
  readonly workers: number
  readonly prepared: Prepared
  /** Resolves with the exit status once every worker has gone after a shutdown. */
  readonly stopped: Promise<number>
}

/**
 * The primary of `serve --workers N`: prepares the store once (migrations, demo data, keys), forks
 * `workers` processes that serve on one shared port (node:cluster hands them the connections),
 * replaces a worker that dies, and on SIGTERM or SIGINT tells every worker to finish its requests
 * in flight and close, then exits when the last one has.
 */
export async function startPrimary(config: Config, workers: number): Promise<RunningCluster> {
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  let prepared: Prepared
  try {
    prepared = await prepareStore(store, config, systemClock)
  } finally {
    await store.close()
  }
  let shuttingDown = false
  let failed = false
  const alive = new Set<Worker>()
  let resolveStopped: (status: number) => void = () => {}
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve))
  let url: string | undefined
  let firstListening: (url: string) => void = () => {}
  let firstFailure: (error: Error) => void = () => {}
  const listening = new Promise<string>((resolve, reject) => {
    firstListening = resolve
    firstFailure = reject
  })
  let listeningCount = 0

  const fork = (): void => {
    const worker = cluster.fork({ HEALTHCODE_WORKER: '1' })
    alive.add(worker)
    worker.on('message', (message: unknown) => {
      if (!isListening(message)) return
      url = message.url
      listeningCount++
      if (listeningCount === workers) firstListening(url)
    })
    worker.on('exit', (code, signal) => {
      alive.delete(worker)
      if (shuttingDown) {
        if (code !== 0) failed = true
        if (alive.size === 0) resolveStopped(failed ? 1 : 0)
        return
      }
      if (url === undefined) {
        // A worker that fails before the first start completes would fail again: stop.
        shuttingDown = true
        for (const other of alive) other.process.kill('SIGTERM')
        firstFailure(new Error(`a worker exited with ${signal ?? code} before serving`))
        if (alive.size === 0) resolveStopped(1)
        return
      }
      process.stderr.write(
        `healthcode: worker ${worker.process.pid} exited with ${signal ?? code}; starting another\n`,
      )
      fork()
    })
  }
  for (let i = 0; i < workers; i++) fork()

  const shutDown = (): void => {
    if (shuttingDown) return
    shuttingDown = true
    if (alive.size === 0) resolveStopped(failed ? 1 : 0)
    // Each worker closes gracefully on SIGTERM (see startServer): its requests in flight finish.
    for (const worker of alive) worker.process.kill('SIGTERM')
  }
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)
  return { url: await listening, workers, prepared, stopped }
}

/**
 * A worker of `serve --workers N`: serves without preparing the store (the primary did), tells
 * the primary where it listens, and stops when the primary goes.
 */
export async function startWorker(config: Config): Promise<void> {
  const server = await startServer(config, { worker: true })
  process.send?.({ type: 'healthcode:listening', url: server.url } satisfies ListeningMessage)
  // The primary is gone (killed without passing a signal on): close rather than serve alone.
  process.once('disconnect', () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

/** Whether this process is a worker forked by {@link startPrimary}. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env['HEALTHCODE_WORKER'] === '1'
}
