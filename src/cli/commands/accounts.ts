import { randomBytes } from 'node:crypto'
import { compose } from '../../composition/compose.js'
import { parseArgs } from 'node:util'
import { passwordProblem } from '../../domain/access/passwords.js'
import { isRole, roles, type Role } from '../../domain/access/roles.js'
import { systemClock } from '../../domain/clock.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'
import { operatorAt, refusalStatus, storeCommandConfig } from '../command-line-actor.js'

export const accountsUsage = `Usage:
  healthcode accounts add --issuer ID --role ROLE --login LOGIN [--name NAME]
                          [--password-stdin] [--database URL]
                                     add an account of the issuer: staff (clinician,
                                     commission_member, health_authority, administrator) or
                                     another role (${roles.join(', ')}); --role may repeat

The password is generated and printed once, or read from stdin with --password-stdin (one line,
at least 10 characters). Accounts have no "must change the password" mark: sign-in does not force
a change, so hand a generated password over safely. The account is audited as made by the
deployment operator at the command line. Exit status: 0 done, 1 refused (the login exists, the
issuer is unknown), 2 usage error.`

/** The length of a generated password, in bytes of randomness (base64url: 4 characters per 3). */
const GENERATED_PASSWORD_BYTES = 18

/** `healthcode accounts`: accounts of the store, made without the API. */
export async function accountsCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      issuer: { type: 'string' },
      role: { type: 'string', multiple: true },
      login: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(accountsUsage + '\n')
    return 0
  }
  if (positionals.length !== 1 || positionals[0] !== 'add') {
    throw new UsageError('expected: healthcode accounts add (see --help)')
  }
  if (values.issuer === undefined || values.role === undefined || values.login === undefined) {
    throw new UsageError('accounts add: give --issuer ID, --role ROLE and --login LOGIN')
  }
  const accountRoles: Role[] = []
  for (const role of values.role) {
    if (!isRole(role)) {
      throw new UsageError(
        `accounts add: no role ${JSON.stringify(role)}; one of ${roles.join(', ')}`,
      )
    }
    if (!accountRoles.includes(role)) accountRoles.push(role)
  }
  const login = values.login.trim().toLowerCase()
  // The same bounds as the API's AccountCreateBody, and no control characters.
  // eslint-disable-next-line no-control-regex
  if (login.length < 3 || login.length > 200 || /[\s\u0000-\u001f\u007f-\u009f]/.test(login)) {
    throw new UsageError('accounts add: --login is 3 to 200 characters without spaces')
  }
  const displayName = (values.name ?? login).trim()
  if (displayName.length === 0 || displayName.length > 120) {
    throw new UsageError('accounts add: --name is 1 to 120 characters')
  }
  let password: string
  const generated = values['password-stdin'] !== true
  if (generated) password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url')
  else {
    password = await firstLine(io.stdin)
    const problem = passwordProblem(password)
    if (problem) throw new UsageError(`accounts add: the password on stdin: ${problem}`)
  }
  const config = storeCommandConfig(values.database)
  const store = await openStore(config.databaseUrl)
  try {
    const services = compose(config, store, systemClock)
    const issuer = await services.issuers.find(values.issuer)
    if (!issuer) {
      io.stderr.write(
        `healthcode accounts: no issuer ${values.issuer} (see healthcode issuers list) [ERR_NOT_FOUND]\n`,
      )
      return 1
    }
    const account = await services.accounts.createAccount(operatorAt(issuer.id), {
      login,
      password,
      displayName,
      roles: accountRoles,
      issuerId: issuer.id,
    })
    io.stdout.write(`added account ${account.login}: ${account.roles.join(', ')} of ${issuer.id}\n`)
    if (generated) {
      io.stdout.write(`password (shown once; no change is forced at sign-in): ${password}\n`)
    }
    return 0
  } catch (error) {
    const status = refusalStatus('accounts', error, io, {
      login: '--login',
      password: '--password-stdin',
      issuerId: '--issuer',
    })
    if (status === undefined) throw error
    return status
  } finally {
    await store.close()
  }
}

/** The first line of the input, without its line break: what `echo secret |` or a file gives. */
async function firstLine(input: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    chunks.push(Buffer.from(chunk))
    size += chunk.length
    // A password is short; stop reading a stream that is clearly something else.
    if (size > 64 * 1024) break
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text.split(/\r?\n/)[0] ?? ''
}
