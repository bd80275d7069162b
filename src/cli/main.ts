import { readFileSync } from 'node:fs'
import { accountsCommand, accountsUsage } from './commands/accounts.js'
import { auditCommand, auditUsage } from './commands/audit.js'
import { issuersCommand, issuersUsage } from './commands/issuers.js'
import { keysCommand, keysUsage } from './commands/keys.js'
import { rulesCommand, rulesUsage } from './commands/rules.js'
import { seedCommand } from './commands/seed.js'
import { serveCommand, serveUsage } from './commands/serve.js'
import { trustCommand, trustUsage } from './commands/trust.js'
import { verifyCommand, verifyUsage } from './commands/verify.js'
import { UsageError, type CommandIo } from './command-io.js'

const usage = `healthcode — health QR codes: verify EU DCCs and more.

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

const commands: Record<string, (args: string[], io: CommandIo) => Promise<number>> = {
  verify: verifyCommand,
  serve: serveCommand,
  audit: auditCommand,
  keys: keysCommand,
  trust: trustCommand,
  seed: seedCommand,
  issuers: issuersCommand,
  accounts: accountsCommand,
  rules: rulesCommand,
}

/**
 * Runs the `healthcode` CLI and returns its exit status: 0 success (a valid code), 1 a negative
 * answer (an invalid code), 2 a usage error.
 */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(usage)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(version() + '\n')
    return 0
  }
  const run = commands[command]
  if (!run) {
    io.stderr.write(`healthcode: unknown command ${JSON.stringify(command)}\n\n${usage}`)
    return 2
  }
  try {
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`healthcode ${command}: ${(error as Error).message}\n(see healthcode help)\n`)
      return 2
    }
    io.stderr.write(`healthcode ${command}: ${(error as Error).stack ?? String(error)}\n`)
    return 1
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

function processIo(): CommandIo {
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
