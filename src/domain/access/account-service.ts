import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Account, Language } from '../people/person.js'
import type { Store } from '../ports.js'
import { authorize, scopeOf } from '../policy/policy.js'
import type { Actor } from './actor.js'
import { hashPassword, passwordProblem } from './passwords.js'
import { type Role, staffRoles } from './roles.js'

/**
 * Accounts: citizens register themselves, administrators create staff and partner accounts within
 * their issuer and list the accounts they oversee. Signing in is `SignInService`'s; API tokens are
 * `ApiTokenService`'s.
 */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Creates a citizen account that signs in with a password. */
  async registerCitizen(input: {
    login: string
    password: string
    displayName: string
    language?: Language
  }): Promise<Account> {
    const problem = passwordProblem(input.password)
    if (problem) throw new DomainError('ERR_INVALID_FIELD', problem, 'password')
    const passwordHash = await hashPassword(input.password)
    return this.store.transaction(async (tx) => {
      const login = input.login.trim().toLowerCase()
      if (await tx.accounts.findByLogin(login)) {
        throw new DomainError('ERR_CONFLICT', 'an account with this login exists', 'login')
      }
      const account = await tx.accounts.create({
        login,
        displayName: input.displayName.trim(),
        passwordHash,
        roles: ['citizen'],
        issuerId: undefined,
        personId: undefined,
        oidcIssuer: undefined,
        oidcSubject: undefined,
      })
      await tx.audit.append(
        {
          actorAccountId: account.id,
          action: 'account.create',
          entityType: 'account',
          entityId: account.id,
          reason: 'self-registration',
          data: publicAccount(account),
        },
        this.clock().toISOString(),
      )
      return account
    })
  }

  /** Creates a staff or partner account: administrators only, within their own issuer. */
  async createAccount(
    actor: Actor,
    input: {
      login: string
      password: string
      displayName: string
      roles: Role[]
      issuerId?: string
    },
  ): Promise<Account> {
    const problem = passwordProblem(input.password)
    if (problem) throw new DomainError('ERR_INVALID_FIELD', problem, 'password')
    const needsIssuer = input.roles.some((role) => staffRoles.includes(role))
    const issuerId = needsIssuer ? (input.issuerId ?? actor.issuerId) : input.issuerId
    const passwordHash = await hashPassword(input.password)
    return this.store.transaction(async (tx) => {
      // An account without an issuer (a partner's) is made within the administrator's own.
      await authorize(tx, actor, 'create', {
        kind: 'account',
        issuerId: issuerId ?? actor.issuerId,
      })
      const login = input.login.trim().toLowerCase()
      if (await tx.accounts.findByLogin(login))
        throw new DomainError('ERR_CONFLICT', 'an account with this login exists', 'login')
      const account = await tx.accounts.create({
        login,
        displayName: input.displayName.trim(),
        passwordHash,
        roles: input.roles,
        issuerId,
        personId: undefined,
        oidcIssuer: undefined,
        oidcSubject: undefined,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'account.create',
          entityType: 'account',
          entityId: account.id,
          reason: undefined,
          data: publicAccount(account),
        },
        this.clock().toISOString(),
      )
      return account
    })
  }

  /**
   * Accounts an administrator oversees: staff of their issuer and every issuer below it, and the
   * accounts that belong to no issuer (citizens and partners).
   */
  async listAccounts(actor: Actor, page: { limit: number; offset: number }): Promise<Account[]> {
    return this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'list', { kind: 'account', issuerId: actor.issuerId })
      const scope = new Set(await scopeOf(tx, actor))
      const accounts = await tx.accounts.list(page)
      return accounts.filter(
        (account) => account.issuerId === undefined || scope.has(account.issuerId),
      )
    })
  }
}

/** An account without its secrets, as the audit log and the API show it. */
export function publicAccount(account: Account): Omit<Account, 'passwordHash'> {
  const { passwordHash: _hash, ...rest } = account
  return rest
}
