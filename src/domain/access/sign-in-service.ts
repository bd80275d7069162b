import { randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Account, Session } from '../people/person.js'
import type { Store } from '../ports.js'
import { publicAccount } from './account-service.js'
import { type Actor, actorOf } from './actor.js'
import { secretHash } from './bearer-secrets.js'
import { hashPassword, verifyPassword } from './passwords.js'

/** A hash to compare against when the login is unknown, so that both cases take as long. */
let decoyHash: Promise<string> | undefined

/**
 * Signing in: a login and password, or an identity provider's identity (a citizen account made on
 * first sign-in); and the web sessions that follow, looked up by the hash of their cookie's token.
 */
export class SignInService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessionTtlHours = 12,
  ) {}

  /**
   * Checks a login and password.
   *
   * @throws {DomainError} `ERR_SIGN_IN_FAILED`, the same for an unknown login and a wrong password.
   */
  async checkPassword(login: string, password: string): Promise<Account> {
    const account = await this.store.transaction((tx) =>
      tx.accounts.findByLogin(login.trim().toLowerCase()),
    )
    if (!account || !account.passwordHash || account.disabled) {
      decoyHash ??= hashPassword('decoy password that matches nothing')
      await verifyPassword(password, await decoyHash)
      throw new DomainError('ERR_SIGN_IN_FAILED', 'the login or the password is wrong')
    }
    if (!(await verifyPassword(password, account.passwordHash))) {
      throw new DomainError('ERR_SIGN_IN_FAILED', 'the login or the password is wrong')
    }
    return account
  }

  /** Finds the account linked to an external identity, creating a citizen account on first sign-in. */
  async accountForOidc(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
  }): Promise<Account> {
    return this.store.transaction(async (tx) => {
      const existing = await tx.accounts.findByOidc(identity.issuer, identity.subject)
      if (existing) return existing
      const login = `${identity.subject}@${new URL(identity.issuer).host}`.toLowerCase()
      const account = await tx.accounts.create({
        login,
        displayName: identity.name ?? identity.email ?? identity.subject,
        passwordHash: undefined,
        roles: ['citizen'],
        issuerId: undefined,
        personId: undefined,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      })
      await tx.audit.append(
        {
          actorAccountId: account.id,
          action: 'account.create',
          entityType: 'account',
          entityId: account.id,
          reason: 'first sign-in through the identity provider',
          data: publicAccount(account),
        },
        this.clock().toISOString(),
      )
      return account
    })
  }

  /** Starts a web session; returns the session and the secret token for the cookie. */
  async startSession(account: Account): Promise<{ session: Session; token: string }> {
    const token = randomBytes(32).toString('base64url')
    const now = this.clock()
    const session = await this.store.transaction((tx) =>
      tx.sessions.create({
        accountId: account.id,
        tokenHash: secretHash(token),
        csrfToken: randomBytes(24).toString('base64url'),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.sessionTtlHours * 3600_000).toISOString(),
      }),
    )
    return { session, token }
  }

  /** The actor behind a session token, or undefined when it is unknown or expired. */
  async actorForSession(token: string): Promise<{ actor: Actor; session: Session } | undefined> {
    return this.store.transaction(async (tx) => {
      const session = await tx.sessions.findByTokenHash(secretHash(token))
      if (!session || session.expiresAt <= this.clock().toISOString()) return undefined
      const account = await tx.accounts.find(session.accountId)
      if (!account || account.disabled) return undefined
      return { actor: actorOf(account, 'session'), session }
    })
  }

  /** Ends a session (signing out). */
  async endSession(sessionId: string): Promise<void> {
    await this.store.transaction((tx) => tx.sessions.delete(sessionId))
  }
}
