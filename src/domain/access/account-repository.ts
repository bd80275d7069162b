import type { Account, ApiToken, NewAccount, Session } from '../people/person.js'

export interface AccountRepository {
  create(account: NewAccount): Promise<Account>
  find(id: string): Promise<Account | undefined>
  findByLogin(login: string): Promise<Account | undefined>
  findByOidc(issuer: string, subject: string): Promise<Account | undefined>
  setPerson(id: string, personId: string): Promise<void>
  setPasswordHash(id: string, passwordHash: string): Promise<void>
  list(page: { limit: number; offset: number }): Promise<Account[]>
}

export interface SessionRepository {
  create(session: Omit<Session, 'id'>): Promise<Session>
  findByTokenHash(tokenHash: string): Promise<Session | undefined>
  delete(id: string): Promise<void>
  deleteExpired(now: string): Promise<number>
}

export interface ApiTokenRepository {
  create(token: Omit<ApiToken, 'id' | 'revokedAt' | 'lastUsedAt'>): Promise<ApiToken>
  findByTokenHash(tokenHash: string): Promise<ApiToken | undefined>
  find(id: string): Promise<ApiToken | undefined>
  listForAccount(accountId: string): Promise<ApiToken[]>
  revoke(id: string, at: string): Promise<void>
  touch(id: string, at: string): Promise<void>
}
