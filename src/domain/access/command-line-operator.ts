import type { Actor } from './actor.js'

/**
 * The account id the audit log records for the deployment operator at the command line. No
 * account has it: the operator is whoever can reach the database with the `healthcode` CLI.
 */
export const COMMAND_LINE_OPERATOR_ID = 'command-line-operator'

/**
 * The actor of a `healthcode` command run by the deployment operator: an administrator who acts
 * for `issuerId` (the issuer the command works on), reached through the command line rather than
 * the API. Whoever can run the CLI against the database can already change anything in it, so the
 * operator is not confined to a region.
 *
 * @param issuerId the issuer the command acts on (undefined when it creates a root issuer)
 * @param user the operating-system user who ran the command, kept in the audit log
 * @example
 * ```ts
 * const operator = commandLineOperator('ru-mow', userInfo().username)
 * await accounts.createAccount(operator, { login, password, displayName, roles, issuerId })
 * ```
 */
export function commandLineOperator(issuerId: string | undefined, user: string): Actor {
  return {
    accountId: COMMAND_LINE_OPERATOR_ID,
    login: `${user}@command-line`,
    roles: ['administrator'],
    issuerId,
    personId: undefined,
    via: 'command-line',
  }
}
