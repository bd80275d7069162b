import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'

/** A `healthcode serve` in a child process, so that the load generator has its own core. */
export interface ServerProcess {
  readonly url: string
  /** The process id, to read its CPU time from `/proc` (see `cpu-time.ts`). */
  readonly pid: number | undefined
  stop(): Promise<void>
}

/** Starts `healthcode serve` on a free port over `databaseUrl` and waits until it listens. */
export async function startServerProcess(
  cli: string,
  databaseUrl: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  serveArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      cli,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--database',
      databaseUrl,
      ...serveArgs,
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', DEMO: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /serving on (http:\/\/\S+)/.exec(output)
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'))
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)))
  })
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** What a load run measured. */
export interface LoadResult {
  readonly requestsPerSecond: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
  readonly requests: number
  /** Answers other than the expected status. */
  readonly errors: number
  readonly seconds: number
}

/**
 * Sends POST requests as fast as `connections` keep-alive connections allow for `seconds`, each
 * with the headers and body `next(i)` gives, and counts the answers with `expectedStatus`.
 */
export async function loadPost(
  url: string,
  path: string,
  next: (i: number) => { authorization?: string; body: unknown },
  options: { seconds: number; connections: number; expectedStatus: number },
): Promise<LoadResult> {
  let i = 0
  const result = await autocannon({
    url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          const { authorization, body } = next(i++)
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              ...(authorization ? { authorization } : {}),
            },
            body: JSON.stringify(body),
          }
        },
      },
    ],
  })
  const expected = result.statusCodeStats?.[String(options.expectedStatus) as '200']?.count ?? 0
  return {
    requestsPerSecond: expected / options.seconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.requests.total - expected,
    seconds: options.seconds,
  }
}

/** Check-ins by poster over HTTP: each request a new client id, visitors in turn. */
export function checkinRequests(
  visitors: readonly { token: string }[],
  venueCodes: readonly string[],
): (i: number) => { authorization: string; body: unknown } {
  return (i) => ({
    authorization: `Bearer ${(visitors[i % visitors.length] as { token: string }).token}`,
    body: { venueCode: venueCodes[i % venueCodes.length], clientId: randomUUID() },
  })
}
