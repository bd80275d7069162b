import { randomUUID } from 'node:crypto'
import type { ApiToken } from '../domain/people/person.js'
import type { ApiTokenRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import {
  type RepositoryContext,
  findRowBy,
  optional,
  withConstraintErrors,
} from './repository-context.js'
import type { ApiTokenRow } from './schema.js'

/** Maps a row of `api_tokens` to an {@link ApiToken}. */
export function apiTokenRowToApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    revokedAt: optional(row.revoked_at),
    lastUsedAt: optional(row.last_used_at),
  }
}

/** API tokens in the `api_tokens` table. */
export class KyselyApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Stores a new, unrevoked, unused token with a fresh id.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when the token hash is taken;
   *   `ERR_STORAGE_FOREIGN_KEY` when the account is unknown; `ERR_STORAGE_TIMESTAMP`.
   */
  async create(token: Omit<ApiToken, 'id' | 'revokedAt' | 'lastUsedAt'>): Promise<ApiToken> {
    const row: ApiTokenRow = {
      id: randomUUID(),
      account_id: token.accountId,
      name: token.name,
      token_hash: token.tokenHash,
      created_at: isoTimestamp(token.createdAt),
      revoked_at: null,
      last_used_at: null,
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('api_tokens').values(row).execute(),
    )
    return apiTokenRowToApiToken(row)
  }

  /** The token with this secret hash, revoked or not: the caller checks `revokedAt`. */
  async findByTokenHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await findRowBy(this.context, 'api_tokens', 'token_hash', tokenHash)
    return row && apiTokenRowToApiToken(row)
  }

  async find(id: string): Promise<ApiToken | undefined> {
    const row = await this.context.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && apiTokenRowToApiToken(row)
  }

  /** The account's tokens, oldest first. */
  async listForAccount(accountId: string): Promise<ApiToken[]> {
    const rows = await this.context.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(apiTokenRowToApiToken)
  }

  /**
   * Marks the token revoked at `at`. Revoking it again keeps the first time.
   *
   * @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when `at` is not a date and time.
   */
  async revoke(id: string, at: string): Promise<void> {
    await this.context.db
      .updateTable('api_tokens')
      .set({ revoked_at: isoTimestamp(at) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute()
  }

  /**
   * Records that the token was used at `at`. A convenience for administrators, so it never waits
   * for another connection's write: when the database is busy it fails at once (SQLite
   * `SQLITE_BUSY`) and the caller may skip it.
   *
   * @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when `at` is not a date and time.
   */
  async touch(id: string, at: string): Promise<void> {
    const lastUsedAt = isoTimestamp(at)
    await this.context.dialect.writeUnlessBusy(this.context.db, () =>
      this.context.db
        .updateTable('api_tokens')
        .set({ last_used_at: lastUsedAt })
        .where('id', '=', id)
        .execute(),
    )
  }
}
