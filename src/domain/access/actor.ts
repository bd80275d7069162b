import type { Account } from '../people/person.js'
import type { Role } from './roles.js'

/**
 * Who is making a request: an account signed in by session or by API token, or the deployment
 * operator at the command line (`healthcode issuers add`, `healthcode accounts add`).
 */
export interface Actor {
  readonly accountId: string
  readonly login: string
  readonly roles: readonly Role[]
  /** The issuer a staff account acts for. */
  readonly issuerId: string | undefined
  /** The person record the account has claimed. */
  readonly personId: string | undefined
  readonly via: 'session' | 'token' | 'command-line'
}

/** Tells whether the actor holds any of the roles. */
export function hasAnyRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.roles.some((role) => roles.includes(role))
}

/** The actor an account acts as. */
export function actorOf(account: Account, via: Actor['via']): Actor {
  return {
    accountId: account.id,
    login: account.login,
    roles: account.roles,
    issuerId: account.issuerId,
    personId: account.personId,
    via,
  }
}
