import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../config/config.js'
import { availableParallelism } from 'node:os'
import { isClusterWorker, startPrimary, startWorker } from '../../api/cluster.js'
import { startServer } from '../../api/server.js'
import type { DemoSignIn } from '../../demo/demo-data.js'
import { parseStoreUrl } from '../../storage/open-store.js'
import { demoClaimCode, demoShanghaiClaimCode } from '../../demo/demo-data.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const serveUsage = `Usage:
  healthcode serve [--port N] [--host H] [--database URL] [--demo] [--workers N|auto]

Serves Healthcode over HTTP. Options override the environment (PORT, HOST, DATABASE_URL, DEMO; see
the README for every variable). --demo loads the demo data set into an empty store and prints the
demo sign-ins. --workers runs N server processes on one port (auto: one per CPU core; default 1);
more than one needs PostgreSQL, and they share limits and caches through it (or through Redis
when REDIS_URL is set).`

/** `healthcode serve`: runs the server until SIGTERM or SIGINT. */
export async function serveCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      database: { type: 'string' },
      demo: { type: 'boolean' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(serveUsage + '\n')
    return 0
  }
  const demo = values.demo === true || /^(1|true|yes)$/i.test(process.env['DEMO'] ?? '')
  let demoKek: { path: string; created: boolean } | undefined
  const env: Record<string, string | undefined> = { ...process.env }
  if (demo && !env['KEY_ENCRYPTION_KEY']) {
    demoKek = demoKeyEncryptionKey(values.database ?? env['DATABASE_URL'])
    env['KEY_ENCRYPTION_KEY'] = readFileSync(demoKek.path, 'utf8').trim()
  }
  let config
  try {
    config = loadConfig({
      ...env,
      ...(values.port !== undefined ? { PORT: values.port } : {}),
      ...(values.host !== undefined ? { HOST: values.host } : {}),
      ...(values.database !== undefined ? { DATABASE_URL: values.database } : {}),
      ...(values.demo ? { DEMO: 'true' } : {}),
    })
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
  const workers = readWorkers(values.workers ?? env['WORKERS'])
  if (workers > 1 && parseStoreUrl(config.databaseUrl).dialect === 'sqlite') {
    throw new UsageError(
      `--workers ${workers}: a SQLite store is served by one process; use a PostgreSQL DATABASE_URL for several`,
    )
  }
  if (config.databaseReadUrl && parseStoreUrl(config.databaseUrl).dialect === 'sqlite') {
    throw new UsageError(
      'DATABASE_READ_URL: a read replica needs a PostgreSQL DATABASE_URL (its primary)',
    )
  }
  if (isClusterWorker()) {
    await startWorker(config)
    return new Promise<never>(() => {
      // Runs until the primary stops it (see startPrimary).
    })
  }
  let server: {
    url: string
    dialect: string
    demoSignIns: DemoSignIn[] | undefined
    demoPartnerCertificate: string | undefined
  }
  let madeKeys: number | undefined
  let stopped: Promise<number> | undefined
  if (workers > 1) {
    const running = await startPrimary(config, workers)
    server = {
      url: running.url,
      dialect: 'postgres',
      demoSignIns: running.prepared.demoSignIns,
      demoPartnerCertificate: running.prepared.demoPartnerCertificate,
    }
    madeKeys = running.prepared.madeKeys
    stopped = running.stopped
  } else {
    const running = await startServer(config)
    server = {
      url: running.url,
      dialect: running.store.dialect,
      demoSignIns: running.demoSignIns,
      demoPartnerCertificate: running.demoPartnerCertificate,
    }
    madeKeys = running.madeKeys
  }
  const lines = [
    `Healthcode is serving on ${server.url}`,
    `  web app: ${server.url}/app/`,
    `  store: ${server.dialect} (${redact(config.databaseUrl)})`,
  ]
  if (workers > 1) {
    lines.push(
      `  workers: ${workers} processes; limits and cache notices shared through ${config.redisUrl ? `Redis (${redact(config.redisUrl)})` : 'PostgreSQL'}`,
    )
  }
  if (server.demoSignIns) {
    lines.push('  demo sign-ins (POST /api/v1/auth/sign-in with {"login","password"}):')
    for (const signIn of server.demoSignIns) {
      lines.push(
        `    ${signIn.roles.join(',').padEnd(18)} ${signIn.login.padEnd(24)} ${signIn.password}`,
      )
    }
    lines.push(
      `  the demo citizen links the clinic's record with national ID 4012 345678, RU, born 1985-03-14, claim code ${demoClaimCode}`,
      `  Shanghai (cn-sh): citizen@sh.demo links Anna Schmidt's record with passport C4J8K2L9M, DE, born 1988-04-12, claim code ${demoShanghaiClaimCode}`,
    )
    if (server.demoPartnerCertificate) {
      lines.push(
        `  the Yangtze River Delta partner Jiangsu (cn-js) is trusted (its list imported); its certificate to try at a door: ${server.demoPartnerCertificate}`,
      )
    }
  } else if (config.demo) {
    lines.push('  demo data: the store already holds data; left as it is')
  }
  if (demoKek) {
    lines.push(
      `  signing keys sealed with the demo key-encryption key in ${demoKek.path}${demoKek.created ? ' (new)' : ''}; set KEY_ENCRYPTION_KEY in production`,
    )
  }
  if (madeKeys)
    lines.push(
      `  made ${madeKeys} signing keys (CSCA, EU-facing and domestic signers, Gateway trust anchor and upload)`,
    )
  if (!config.keyEncryptionKey) {
    lines.push('  no KEY_ENCRYPTION_KEY: certificates are verified but not issued')
  }
  io.stdout.write(lines.join('\n') + '\n')
  if (stopped) return stopped
  await new Promise<never>(() => {
    // Runs until a signal closes the server (see startServer).
  })
  return 0
}

/** `--workers`: a whole number from 1 to 256, or `auto` (one per CPU core). */
function readWorkers(text: string | undefined): number {
  if (text === undefined || text === '') return 1
  if (text === 'auto') return availableParallelism()
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new UsageError(
      `--workers: expected a whole number from 1 to 256 or auto, but found ${JSON.stringify(text)}`,
    )
  }
  return value
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@')
}

/**
 * The demo's key-encryption key: kept in `demo-kek` beside the SQLite file (or in `./data` for
 * PostgreSQL), made on first use with owner-only permissions (the file 0600, a folder made for it
 * 0700). Production sets KEY_ENCRYPTION_KEY.
 */
export function demoKeyEncryptionKey(databaseUrl: string | undefined): {
  path: string
  created: boolean
} {
  const directory =
    databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)
      ? dirname(resolve(databaseUrl.replace(/^(sqlite|file):/, '')))
      : resolve('data')
  const path = resolve(directory, 'demo-kek')
  if (existsSync(path)) return { path, created: false }
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  return { path, created: true }
}
