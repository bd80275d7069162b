import { randomUUID } from 'node:crypto'
import { isRole } from '../domain/access/roles.js'
import type { Account, NewAccount } from '../domain/people/person.js'
import type { AccountRepository } from '../domain/ports.js'
import {
  type RepositoryContext,
  findRowBy,
  optional,
  withConstraintErrors,
} from './repository-context.js'
import type { AccountRow } from './schema.js'

/**
 * Maps a row of `accounts` to an {@link Account}. Roles are a JSON array; a name that is no longer
 * a role is dropped, so that an account never holds more than the code knows how to check.
 */
export function accountRowToAccount(row: AccountRow): Account {
  const roles: unknown = JSON.parse(row.roles)
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    passwordHash: optional(row.password_hash),
    roles: Array.isArray(roles) ? roles.filter(isRole) : [],
    issuerId: optional(row.issuer_id),
    personId: optional(row.person_id),
    oidcIssuer: optional(row.oidc_issuer),
    oidcSubject: optional(row.oidc_subject),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  }
}

/** Accounts in the `accounts` table. */
export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Stores a new, enabled account with a fresh id, created now.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when the login, or the OIDC issuer and subject,
   *   belong to another account; `ERR_STORAGE_FOREIGN_KEY` when the issuer is unknown.
   */
  async create(account: NewAccount): Promise<Account> {
    const row: AccountRow = {
      id: randomUUID(),
      login: account.login,
      display_name: account.displayName,
      password_hash: account.passwordHash ?? null,
      roles: JSON.stringify(account.roles),
      issuer_id: account.issuerId ?? null,
      person_id: account.personId ?? null,
      oidc_issuer: account.oidcIssuer ?? null,
      oidc_subject: account.oidcSubject ?? null,
      disabled: 0,
      created_at: this.context.clock().toISOString(),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('accounts').values(row).execute(),
    )
    return accountRowToAccount(row)
  }

  async find(id: string): Promise<Account | undefined> {
    const row = await findRowBy(this.context, 'accounts', 'id', id)
    return row && accountRowToAccount(row)
  }

  /** The account with this login, compared exactly (logins are stored lower case). */
  async findByLogin(login: string): Promise<Account | undefined> {
    const row = await this.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('login', '=', login)
      .executeTakeFirst()
    return row && accountRowToAccount(row)
  }

  /** The account linked to this external identity. */
  async findByOidc(issuer: string, subject: string): Promise<Account | undefined> {
    const row = await this.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('oidc_issuer', '=', issuer)
      .where('oidc_subject', '=', subject)
      .executeTakeFirst()
    return row && accountRowToAccount(row)
  }

  /** Links the account to the person record it claimed. */
  async setPerson(id: string, personId: string): Promise<void> {
    await this.context.db
      .updateTable('accounts')
      .set({ person_id: personId })
      .where('id', '=', id)
      .execute()
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.context.db
      .updateTable('accounts')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute()
  }

  /** Accounts, oldest first (ties broken by id, so that pages do not overlap). */
  async list(page: { limit: number; offset: number }): Promise<Account[]> {
    const rows = await this.context.db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
    return rows.map(accountRowToAccount)
  }
}
