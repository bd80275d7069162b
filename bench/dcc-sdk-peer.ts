import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import {
  decodeBase45,
  decodeCoseSign1,
  inflateZlib,
  stripHc1Prefix,
} from '../src/codec/hc1/index.js'
import type { BenchVector } from './vectors.js'

/** The npm peer the codec is compared with, as published. */
export const PEER_PACKAGE = '@pathcheck/dcc-sdk@0.0.27'

/**
 * Installs the peer in a scratch folder outside the project (`$TMPDIR/healthcode-bench-dcc-sdk`),
 * once: it is GPL-3.0, so it is never one of our dependencies nor committed.
 *
 * @returns the folder, or why it could not be installed.
 */
export function preparePeer(): { folder: string } | { problem: string } {
  const folder = join(tmpdir(), 'healthcode-bench-dcc-sdk')
  if (existsSync(join(folder, 'node_modules', '@pathcheck', 'dcc-sdk', 'package.json'))) {
    return { folder }
  }
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'package.json'), '{"private":true}\n')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const installed = spawnSync(
    npm,
    ['install', '--prefix', folder, '--no-audit', '--no-fund', '--ignore-scripts', PEER_PACKAGE],
    { encoding: 'utf8', timeout: 600_000 },
  )
  if (installed.status !== 0) {
    return {
      problem: `npm install ${PEER_PACKAGE} failed: ${(installed.stderr || '').trim().split('\n').at(-1)}`,
    }
  }
  return { folder }
}

/** The peer running in its own process, measured on request. */
export class PeerProcess {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>
  readonly #lines: Interface
  readonly #pending: ((line: string) => void)[] = []

  private constructor(child: ChildProcessByStdio<Writable, Readable, null>) {
    this.#child = child
    this.#lines = createInterface({ input: child.stdout })
    this.#lines.on('line', (line) => this.#pending.shift()?.(line))
    // A peer that stops answers NaN, so that the bench reports it rather than waits for ever.
    child.on('exit', () => {
      for (const resolve of this.#pending.splice(0)) resolve('NaN')
    })
  }

  /** Starts the peer on the vectors; resolves with how many of them it verifies. */
  static async start(
    folder: string,
    vectors: readonly BenchVector[],
  ): Promise<{ peer: PeerProcess; verified: number }> {
    const file = join(folder, 'vectors.json')
    writeFileSync(
      file,
      JSON.stringify(
        vectors.map((vector) => {
          const kid = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(vector.qr)))).kid
          return {
            qr: vector.qr,
            kid: kid ? Buffer.from(kid).toString('base64') : '',
            certificate: vector.certificate,
          }
        }),
      ),
    )
    const child = spawn(
      process.execPath,
      [new URL('./dcc-sdk-peer-child.js', import.meta.url).pathname, folder, file],
      {
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    )
    const peer = new PeerProcess(child)
    const ready = await peer.#next()
    const verified = Number(ready.replace(/^ready /, ''))
    if (!(verified > 0)) throw new Error(`${PEER_PACKAGE} did not start or verified no vector`)
    return { peer, verified }
  }

  /** The peer's `unpackAndVerify` calls per CPU second over `durationMs` of its CPU time. */
  async measure(durationMs: number): Promise<number> {
    const answer = this.#next()
    this.#child.stdin.write(`${durationMs}\n`)
    return Number(await answer)
  }

  stop(): void {
    this.#child.stdin.end()
  }

  #next(): Promise<string> {
    return new Promise((resolve) => this.#pending.push(resolve))
  }
}
