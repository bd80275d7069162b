import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../config/config.js'
import { startServer } from '../../api/server.js'
import { demoClaimCode, demoShanghaiClaimCode } from '../../demo/demo-data.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const serveUsage = `Usage:
  healthcode serve [--port N] [--host H] [--database URL] [--demo]

Serves Healthcode over HTTP. Options override the environment (PORT, HOST, DATABASE_URL, DEMO; see
the README for every variable). --demo loads the demo data set into an empty store and prints the
demo sign-ins.`

/** `healthcode serve`: runs the server until SIGTERM or SIGINT. */
export async function serveCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      database: { type: 'string' },
      demo: { type: 'boolean' },
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
  const server = await startServer(config)
  const lines = [
    `Healthcode is serving on ${server.url}`,
    `  web app: ${server.url}/app/`,
    `  store: ${server.store.dialect} (${redact(config.databaseUrl)})`,
  ]
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
  if (server.madeKeys)
    lines.push(`  made ${server.madeKeys} signing keys (CSCA and document signers)`)
  if (!config.keyEncryptionKey) {
    lines.push('  no KEY_ENCRYPTION_KEY: certificates are verified but not issued')
  }
  io.stdout.write(lines.join('\n') + '\n')
  await new Promise<never>(() => {
    // Runs until a signal closes the server (see startServer).
  })
  return 0
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
