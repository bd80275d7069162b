import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Account, ApiToken, Language, Session } from '../people/person.js'
import type { Store, StoreTransaction } from '../ports.js'
import { authorize, scopeOf } from '../policy/policy.js'
import type { Actor } from './actor.js'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js'
import { type Role, staffRoles } from './roles.js'

/** The SHA-256 of a bearer secret, as stored: a stolen database yields no usable token. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Compares two texts in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** How often an API token's last use is written down. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000
/**
 * How long a token's actor is kept in memory. A device (a door scanner, a check-in client) calls
 * many times a second; reading the token and the account for each call would cost more than the
 * call. A revocation or an account change made through this process takes effect at once; one
 * made through another process of the same store, within this many milliseconds.
 */
const TOKEN_CACHE_MS = 5_000
const TOKEN_CACHE_SIZE = 100_000

/** A hash to compare against when the login is unknown, so that both cases take as long. */
let decoyHash: Promise<string> | undefined

/** Accounts, sign-in, sessions and API tokens. */
export class AccountService {
  readonly #tokenActors = new Map<string, { actor: Actor; tokenId: string; until: number }>()
  /** When this process last wrote each token's last use (ms), so that it writes it once a minute. */
  readonly #tokenTouchedAt = new Map<string, number>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessionTtlHours = 12,
    /** Told when a token was revoked here, after the commit (to tell other processes). */
    private readonly onTokenRevoked?: (tokenId: string) => void,
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

  async endSession(sessionId: string): Promise<void> {
    await this.store.transaction((tx) => tx.sessions.delete(sessionId))
  }

  /** Issues an API token for a device or partner app; the secret is shown once. */
  async createApiToken(actor: Actor, name: string): Promise<{ token: ApiToken; secret: string }> {
    const secret = `hct_${randomBytes(32).toString('base64url')}`
    const token = await this.store.transaction(async (tx) => {
      const created = await tx.apiTokens.create({
        accountId: actor.accountId,
        name: name.trim(),
        tokenHash: secretHash(secret),
        createdAt: this.clock().toISOString(),
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'token.create',
          entityType: 'api_token',
          entityId: created.id,
          reason: undefined,
          data: { name: created.name },
        },
        this.clock().toISOString(),
      )
      return created
    })
    return { token, secret }
  }

  async listApiTokens(actor: Actor): Promise<ApiToken[]> {
    return this.store.transaction((tx) => tx.apiTokens.listForAccount(actor.accountId))
  }

  /** Revokes a token: its owner, or an administrator. */
  async revokeApiToken(actor: Actor, id: string, reason: string | undefined): Promise<void> {
    let revoked = false
    await this.store.transaction(async (tx) => {
      const token = await tx.apiTokens.find(id)
      if (!token) throw new DomainError('ERR_NOT_FOUND', `no API token ${id}`)
      await authorize(tx, actor, 'revoke', {
        kind: 'api_token',
        id,
        issuerId: await issuerOfAccount(tx, token.accountId),
        holders: [token.accountId],
      })
      if (token.revokedAt) return
      await tx.apiTokens.revoke(id, this.clock().toISOString())
      this.forgetToken(id)
      revoked = true
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'token.revoke',
          entityType: 'api_token',
          entityId: id,
          reason,
          data: { name: token.name },
        },
        this.clock().toISOString(),
      )
    })
    if (revoked) {
      // Once more after the commit: a request in between may have cached the token again.
      this.forgetToken(id)
      this.onTokenRevoked?.(id)
    }
  }

  /** The actor behind a bearer token, or undefined when it is unknown or revoked. */
  async actorForApiToken(secret: string): Promise<Actor | undefined> {
    const hash = secretHash(secret)
    const cached = this.#tokenActors.get(hash)
    if (cached && cached.until > this.clock().getTime()) return cached.actor
    // Only reads in this transaction. Writing the last use here would upgrade a deferred read to
    // a write, which SQLite refuses at once (SQLITE_BUSY_SNAPSHOT, no busy wait) whenever another
    // connection, such as the check-in writer, committed since the read began.
    const found = await this.store.read(async (tx) => {
      const token = await tx.apiTokens.findByTokenHash(hash)
      if (!token || token.revokedAt) return undefined
      const account = await tx.accounts.find(token.accountId)
      if (!account || account.disabled) return undefined
      return { actor: actorOf(account, 'token'), tokenId: token.id, lastUsedAt: token.lastUsedAt }
    })
    if (found) await this.#recordTokenUse(found.tokenId, found.lastUsedAt)
    if (!found) return undefined
    if (this.#tokenActors.size >= TOKEN_CACHE_SIZE) this.#tokenActors.clear()
    this.#tokenActors.set(hash, {
      actor: found.actor,
      tokenId: found.tokenId,
      until: this.clock().getTime() + TOKEN_CACHE_MS,
    })
    return found.actor
  }

  /**
   * Writes down a token's last use, at most once a minute per token (a scanner calls many times a
   * minute), in a commit of its own. The last use is a convenience for administrators: the write
   * never holds up the thread that serves requests (see `Store.touchApiTokens`), and when it fails
   * it is skipped, to be tried again at a later lookup, and the request goes on.
   */
  async #recordTokenUse(tokenId: string, lastUsedAt: string | undefined): Promise<void> {
    const now = this.clock()
    const last = Math.max(
      lastUsedAt === undefined ? -Infinity : Date.parse(lastUsedAt),
      this.#tokenTouchedAt.get(tokenId) ?? -Infinity,
    )
    if (now.getTime() - last < TOKEN_TOUCH_INTERVAL_MS) return
    if (this.#tokenTouchedAt.size >= TOKEN_CACHE_SIZE) this.#tokenTouchedAt.clear()
    // Claimed before the write, so that requests arriving meanwhile do not write it again.
    this.#tokenTouchedAt.set(tokenId, now.getTime())
    try {
      await this.store.touchApiTokens([{ id: tokenId, at: now.toISOString() }])
    } catch {
      this.#tokenTouchedAt.delete(tokenId)
    }
  }

  /** Forgets the cached actor of a token, after it was revoked. */
  forgetToken(tokenId: string): void {
    for (const [hash, cached] of this.#tokenActors) {
      if (cached.tokenId === tokenId) this.#tokenActors.delete(hash)
    }
  }

  /** Forgets the cached actors of an account, after its roles or person record change. */
  forgetAccount(accountId: string): void {
    for (const [hash, cached] of this.#tokenActors) {
      if (cached.actor.accountId === accountId) this.#tokenActors.delete(hash)
    }
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

/**
 * The issuer an account belongs to: a staff account's own, else the issuer of the person record
 * it holds (a citizen's), else none.
 */
async function issuerOfAccount(
  tx: StoreTransaction,
  accountId: string,
): Promise<string | undefined> {
  const account = await tx.accounts.find(accountId)
  if (!account) return undefined
  if (account.issuerId !== undefined) return account.issuerId
  if (account.personId === undefined) return undefined
  return (await tx.people.find(account.personId))?.issuerId
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

/** An account without its secrets, as the audit log and the API show it. */
export function publicAccount(account: Account): Omit<Account, 'passwordHash'> {
  const { passwordHash: _hash, ...rest } = account
  return rest
}
