import { randomUUID } from 'node:crypto'
import type { Session } from '../domain/people/person.js'
import type { SessionRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, withConstraintErrors } from './repository-context.js'
import type { SessionRow } from './schema.js'

/** Maps a row of `sessions` to a {@link Session}. */
export function sessionRowToSession(row: SessionRow): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    tokenHash: row.token_hash,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}

/** Web sessions in the `sessions` table. */
export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Stores a new session with a fresh id. Timestamps are stored as `YYYY-MM-DDTHH:mm:ss.sssZ`.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when the token hash is taken;
   *   `ERR_STORAGE_FOREIGN_KEY` when the account is unknown; `ERR_STORAGE_TIMESTAMP`.
   */
  async create(session: Omit<Session, 'id'>): Promise<Session> {
    const row: SessionRow = {
      id: randomUUID(),
      account_id: session.accountId,
      token_hash: session.tokenHash,
      csrf_token: session.csrfToken,
      created_at: isoTimestamp(session.createdAt),
      expires_at: isoTimestamp(session.expiresAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('sessions').values(row).execute(),
    )
    return sessionRowToSession(row)
  }

  /** The session with this token hash, expired or not: the caller decides what expiry means. */
  async findByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const row = await this.context.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst()
    return row && sessionRowToSession(row)
  }

  async delete(id: string): Promise<void> {
    await this.context.db.deleteFrom('sessions').where('id', '=', id).execute()
  }

  /**
   * Deletes the sessions that expire at or before `now`.
   *
   * @returns how many were deleted.
   * @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when `now` is not a date and time.
   */
  async deleteExpired(now: string): Promise<number> {
    const result = await this.context.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', isoTimestamp(now))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
