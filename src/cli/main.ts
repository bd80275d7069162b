import { readFileSync } from 'node:fs'
import { HealthcodeError } from '../codec/healthcode-error.js'
import { UsageError, type CommandIo } from './command-io.js'

/** The full help: every command's usage, so every command module is loaded to print it. */
async function usage(): Promise<string> {
  const [
    { verifyUsage },
    { serveUsage },
    { auditUsage },
    { keysUsage },
    { trustUsage },
    { issuersUsage },
    { accountsUsage },
    { rulesUsage },
  ] = await Promise.all([
    import('./commands/verify.js'),
    import('./commands/serve.js'),
    import('./commands/audit.js'),
    import('./commands/keys.js'),
    import('./commands/trust.js'),
    import('./commands/issuers.js'),
    import('./commands/accounts.js'),
    import('./commands/rules.js'),
  ])
  return `healthcode — health QR codes: verify EU DCCs and more.

Usage:
  healthcode verify [options] [QR | - | --image FILE]   verify one code
  healthcode verify --jsonl                           verify JSON lines from stdin
  healthcode serve [--port N] [--database URL] [--demo] run the server
  healthcode audit verify [--database URL]            check the audit log's hash chain
  healthcode keys init|rotate|list|new-kek            the signing keys
  healthcode trust import-jwks|list                   trusted SMART Health Card issuers
  healthcode seed --people N --checkins M [options]   fill a store with a synthetic city
  healthcode issuers add|list                         the issuers (regions) of the store
  healthcode accounts add                             an account of an issuer, with a password
  healthcode rules test DIR                           run EU validity rule test suites
  healthcode --version
  healthcode help [COMMAND]

${verifyUsage}

${serveUsage}

${auditUsage}

${keysUsage}

${trustUsage}

${issuersUsage}

${accountsUsage}

${rulesUsage}
`
}

type Command = (args: string[], io: CommandIo) => Promise<number>

// Each command is loaded when it is run: `verify` must not pay at start-up for the server, the
// store, PDF printing and certificate issuing that `serve`, `keys` and `seed` bring in (a
// `verify --jsonl` batch of 20,000 lines spent most of its time loading them).
const commands: Record<string, () => Promise<Command>> = {
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
  trust: async () => (await import('./commands/trust.js')).trustCommand,
  seed: async () => (await import('./commands/seed.js')).seedCommand,
  issuers: async () => (await import('./commands/issuers.js')).issuersCommand,
  accounts: async () => (await import('./commands/accounts.js')).accountsCommand,
  rules: async () => (await import('./commands/rules.js')).rulesCommand,
}

/**
 * Runs the `healthcode` CLI and returns its exit status: 0 success (a valid code), 1 a negative
 * answer (an invalid code), 2 a usage error.
 */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(await usage())
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(version() + '\n')
    return 0
  }
  const load = Object.hasOwn(commands, command) ? commands[command] : undefined
  if (!load) {
    io.stderr.write(`healthcode: unknown command ${JSON.stringify(command)}\n\n${await usage()}`)
    return 2
  }
  try {
    const run = await load()
    return await run(rest, io)
  } catch (error) {
    // A configuration the command cannot run with is a usage error, like a wrong argument.
    const usageError =
      error instanceof UsageError ||
      (error instanceof HealthcodeError && error.code === 'ERR_CONFIG') ||
      isParseArgsError(error)
    if (usageError) {
      io.stderr.write(`healthcode ${command}: ${(error as Error).message}\n(see healthcode help)\n`)
      return 2
    }
    // A refusal thrown on purpose (a domain rule, a list that does not check, the store out of
    // reach) says what and its code; anything else is a defect and shows its stack.
    if (error instanceof HealthcodeError) {
      io.stderr.write(`healthcode ${command}: ${error.message} [${error.code}]\n`)
      return 1
    }
    io.stderr.write(`healthcode ${command}: ${(error as Error).stack ?? String(error)}\n`)
    return 1
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

/** The exit status of a Unix tool stopped by SIGPIPE: 128 + 13. */
const BROKEN_PIPE_STATUS = 141

function processIo(): CommandIo {
  // The reader went away (`healthcode verify --jsonl | head -1`): stop quietly, as a Unix tool
  // that SIGPIPE stops, rather than with the stack of an unhandled write error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(BROKEN_PIPE_STATUS)
  })
  return {
    stdin: process.stdin,
    stdinIsTty: process.stdin.isTTY === true,
    stdout: process.stdout,
    stderr: process.stderr,
  }
}

/** The package version, from the nearest package.json above this module (built or not). */
function version(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'healthcode' && pkg.version) return pkg.version
    } catch {
      // not here: look one level up
    }
  }
  return 'unknown'
}
