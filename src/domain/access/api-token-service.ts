import { randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { ApiToken } from '../people/person.js'
import type { Store, StoreTransaction } from '../ports.js'
import { authorize } from '../policy/policy.js'
import { type Actor, actorOf } from './actor.js'
import { secretHash } from './bearer-secrets.js'

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

/**
 * API tokens for devices and partner apps: issued (the secret shown once), listed, revoked; and the
 * actor behind a bearer token, kept in memory a few seconds (dropped on a revocation or an account
 * change here or in another process).
 */
export class ApiTokenService {
  readonly #tokenActors = new Map<string, { actor: Actor; tokenId: string; until: number }>()
  /** When this process last wrote each token's last use (ms), so that it writes it once a minute. */
  readonly #tokenTouchedAt = new Map<string, number>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Told when a token was revoked here, after the commit (to tell other processes). */
    private readonly onTokenRevoked?: (tokenId: string) => void,
  ) {}

  /** Issues an API token for a device or partner app; the secret is shown once. */
  async create(actor: Actor, name: string): Promise<{ token: ApiToken; secret: string }> {
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

  /** The actor's own tokens. */
  async list(actor: Actor): Promise<ApiToken[]> {
    return this.store.transaction((tx) => tx.apiTokens.listForAccount(actor.accountId))
  }

  /** Revokes a token: its owner, or an administrator. */
  async revoke(actor: Actor, id: string, reason: string | undefined): Promise<void> {
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
  async actorForSecret(secret: string): Promise<Actor | undefined> {
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
