import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { demoPassword } from '../../src/demo/demo-data.js'

/** The CLI entry a user runs: it runs the bundle `dist/server/main.js` (built before the tests). */
export const cli = fileURLToPath(new URL('../../bin/healthcode.js', import.meta.url))

/** A `healthcode serve --demo` process started by a test, and how to reach it. */
export interface ServerProcess {
  readonly process: ChildProcess
  /** The base URL it serves on, `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Settles when the process has exited (made at spawn, so an early exit is not missed). */
  readonly exited: Promise<unknown>
  /** Sends SIGTERM and waits until the process has exited. */
  stop(): Promise<void>
}

/** What {@link startServerProcess} starts the server with. */
export interface ServerProcessOptions {
  /** The store, passed as `--database`; without it the server takes `DATABASE_URL` from `env`. */
  readonly database?: string
  /** Variables added to this process's environment (`LOG_LEVEL` is `warn` unless set here). */
  readonly env?: Readonly<Record<string, string>>
  /** The working directory; this process's by default. */
  readonly cwd?: string
}

/**
 * Starts `healthcode serve --demo` on a free port of 127.0.0.1, as a user would (bin/healthcode.js),
 * and waits until it says where it serves.
 *
 * @throws {Error} when the process exits before that, with what it printed.
 * @example
 * ```ts
 * const server = await startServerProcess({ database: join(folder, 'store.sqlite') })
 * try {
 *   const token = await demoApiToken(server.url, 'clinician@spb.demo')
 * } finally {
 *   await server.stop()
 * }
 * ```
 */
export async function startServerProcess(
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const database = options.database === undefined ? [] : ['--database', options.database]
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--demo', '--port', '0', '--host', '127.0.0.1', ...database],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    // Both streams are read, whichever says it: a pipe nobody reads would stall the server once full.
    const read = (chunk: string) => {
      output += chunk
      const match = /serving on (http:\/\/\S+)/.exec(output)
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'))
    }
    child.stdout?.setEncoding('utf8').on('data', read)
    child.stderr?.setEncoding('utf8').on('data', read)
    child.once('error', reject)
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return {
    process: child,
    url,
    exited,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

/**
 * Signs a demo account in at `url` (its password from `demoPassword`) and makes an API token in
 * that session, asserting the sign-in's 200 and the token's 201 exactly.
 *
 * @returns the token's secret, for `authorization: Bearer <secret>`.
 */
export async function demoApiToken(url: string, login: string): Promise<string> {
  const signIn = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: demoPassword(login) }),
  })
  assert.equal(signIn.status, 200, `sign-in of ${login}`)
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string
  const { csrfToken } = (await signIn.json()) as { csrfToken: string }
  const created = await fetch(`${url}/api/v1/api-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: `test (${login})` }),
  })
  assert.equal(created.status, 201, `API token of ${login}`)
  return ((await created.json()) as { secret: string }).secret
}
