import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../config/config.js'
import { startServer } from '../../api/server.js'
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
  let config
  try {
    config = loadConfig({
      ...process.env,
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
    `  store: ${server.store.dialect} (${redact(config.databaseUrl)})`,
  ]
  if (server.demoSignIns) {
    lines.push('  demo sign-ins (POST /api/v1/auth/sign-in with {"login","password"}):')
    for (const signIn of server.demoSignIns) {
      lines.push(
        `    ${signIn.roles.join(',').padEnd(18)} ${signIn.login.padEnd(24)} ${signIn.password}`,
      )
    }
  } else if (config.demo) {
    lines.push('  demo data: the store already holds data; left as it is')
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
