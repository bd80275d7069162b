import { userInfo } from 'node:os'
import { ConfigError, loadConfig, type Config } from '../config/config.js'
import type { Actor } from '../domain/access/actor.js'
import { commandLineOperator } from '../domain/access/command-line-operator.js'
import { DomainError } from '../domain/errors.js'
import { StorageError } from '../storage/errors.js'
import { UsageError, type CommandIo } from './command-io.js'

/** The configuration of a store command: the environment, with `--database` over `DATABASE_URL`. */
export function storeCommandConfig(database: string | undefined): Config {
  try {
    return loadConfig({ ...process.env, ...(database ? { DATABASE_URL: database } : {}) })
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
}

/** The deployment operator running this command, named by their operating-system user. */
export function operatorAt(issuerId: string | undefined): Actor {
  let user: string
  try {
    user = userInfo().username
  } catch {
    // A container may run as a user id without a name.
    user = process.env['USER'] ?? `uid-${process.getuid?.() ?? 'unknown'}`
  }
  return commandLineOperator(issuerId, user)
}

/**
 * The exit status of a refusal the domain or the store reported: 2 for a malformed value (a usage
 * error, naming the option), 1 for everything refused on the merits (a taken id or login, an
 * unknown issuer); undefined for anything else, which the caller rethrows.
 */
export function refusalStatus(
  command: string,
  error: unknown,
  io: CommandIo,
  options: Record<string, string> = {},
): number | undefined {
  if (error instanceof DomainError) {
    const option = error.field === undefined ? undefined : (options[error.field] ?? error.field)
    io.stderr.write(
      `healthcode ${command}: ${error.message}${option ? ` (${option})` : ''} [${error.code}]\n`,
    )
    return error.code === 'ERR_INVALID_FIELD' ? 2 : 1
  }
  if (
    error instanceof StorageError &&
    (error.code === 'ERR_STORAGE_UNIQUE' || error.code === 'ERR_STORAGE_FOREIGN_KEY')
  ) {
    // Another writer got there between the check and the insert.
    io.stderr.write(`healthcode ${command}: ${error.message} [ERR_CONFLICT]\n`)
    return 1
  }
  return undefined
}
