import { GENESIS_HASH, auditEntryHash, canonicalJson } from '../domain/audit/audit-chain.js'
import type { AuditEntry, NewAuditEntry } from '../domain/audit/audit-entry.js'
import type { AuditLog } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { AuditLogRow } from './schema.js'

/** Maps a row of `audit_log` to an {@link AuditEntry}. */
export function auditLogRowToAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    sequence: row.sequence,
    at: row.at,
    actorAccountId: optional(row.actor_account_id),
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    reason: optional(row.reason),
    data: JSON.parse(row.data),
    previousHash: row.previous_hash,
    hash: row.hash,
    ...(row.issuer_id === null ? {} : { issuerId: row.issuer_id }),
  }
}

/**
 * The data as it will read back from storage: what JSON keeps of it (`toJSON` applied, `undefined`
 * members dropped, `undefined` itself as null). The hash is computed over this, so that an entry
 * read back verifies.
 */
function storedData(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data) ?? 'null')
}

/** The hash-chained audit log in the `audit_log` table. */
export class KyselyAuditLog implements AuditLog {
  constructor(
    private readonly context: RepositoryContext,
    /** How many entries {@link all} reads per query. */
    private readonly pageSize = 1000,
  ) {}

  /**
   * Appends the next entry: sequence one more than the last, chained to its hash. The dialect
   * serialises appends first, so that concurrent transactions never both chain to the same entry.
   *
   * @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when `at` is not a date and time.
   */
  async append(entry: NewAuditEntry, at: string): Promise<AuditEntry> {
    const { db, dialect } = this.context
    const time = isoTimestamp(at)
    const issuerId = entry.issuerId ?? (await this.#owner(entry))
    await dialect.serialiseAuditAppend(db)
    const last = await db
      .selectFrom('audit_log')
      .select(['sequence', 'hash'])
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst()
    const unhashed: Omit<AuditEntry, 'hash'> = {
      sequence: (last?.sequence ?? 0) + 1,
      at: time,
      actorAccountId: entry.actorAccountId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      reason: entry.reason,
      data: storedData(entry.data),
      previousHash: last?.hash ?? GENESIS_HASH,
      ...(issuerId === undefined ? {} : { issuerId }),
    }
    const appended: AuditEntry = { ...unhashed, hash: auditEntryHash(unhashed) }
    await withConstraintErrors(
      this.context,
      db
        .insertInto('audit_log')
        .values({
          sequence: appended.sequence,
          at: appended.at,
          actor_account_id: appended.actorAccountId ?? null,
          action: appended.action,
          entity_type: appended.entityType,
          entity_id: appended.entityId,
          reason: appended.reason ?? null,
          data: canonicalJson(appended.data),
          previous_hash: appended.previousHash,
          hash: appended.hash,
          issuer_id: appended.issuerId ?? null,
        })
        .execute(),
    )
    return appended
  }

  /**
   * The issuer an entry belongs to when the caller names none: the person's issuer for an entry
   * about a person, a staff account's issuer for one about an account, else the acting account's
   * issuer, else the issuer of the person record the actor holds (a citizen's own actions).
   */
  async #owner(entry: NewAuditEntry): Promise<string | undefined> {
    const { db } = this.context
    if (entry.entityType === 'person') {
      const person = await db
        .selectFrom('people')
        .select('issuer_id')
        .where('id', '=', entry.entityId)
        .executeTakeFirst()
      if (person) return person.issuer_id
    }
    if (entry.entityType === 'account') {
      const account = await db
        .selectFrom('accounts')
        .select('issuer_id')
        .where('id', '=', entry.entityId)
        .executeTakeFirst()
      if (account?.issuer_id) return account.issuer_id
    }
    if (entry.actorAccountId === undefined) return undefined
    const actor = await db
      .selectFrom('accounts')
      .leftJoin('people', 'people.id', 'accounts.person_id')
      .select(['accounts.issuer_id as own', 'people.issuer_id as held'])
      .where('accounts.id', '=', entry.actorAccountId)
      .executeTakeFirst()
    return actor?.own ?? actor?.held ?? undefined
  }

  /**
   * Entries in sequence order from `fromSequence` (1 by default), at most `limit` (all if unset);
   * with `issuerIds`, only entries of those issuers (and, with `unowned`, entries of none).
   */
  async list(
    options: {
      fromSequence?: number
      limit?: number
      issuerIds?: readonly string[]
      unowned?: boolean
    } = {},
  ): Promise<AuditEntry[]> {
    let query = this.context.db
      .selectFrom('audit_log')
      .selectAll()
      .where('sequence', '>=', options.fromSequence ?? 1)
      .orderBy('sequence')
    const { issuerIds, unowned } = options
    if (issuerIds !== undefined) {
      query = query.where((eb) => {
        const owned = issuerIds.length === 0 ? eb.val(false) : eb('issuer_id', 'in', issuerIds)
        return unowned ? eb.or([owned, eb('issuer_id', 'is', null)]) : eb.or([owned])
      })
    }
    if (options.limit !== undefined) query = query.limit(options.limit)
    return (await query.execute()).map(auditLogRowToAuditEntry)
  }

  /** Every entry in sequence order, read a page at a time so that memory stays bounded. */
  async *all(): AsyncIterable<AuditEntry> {
    let after = 0
    for (;;) {
      const rows = await this.context.db
        .selectFrom('audit_log')
        .selectAll()
        .where('sequence', '>', after)
        .orderBy('sequence')
        .limit(this.pageSize)
        .execute()
      for (const row of rows) yield auditLogRowToAuditEntry(row)
      const last = rows.at(-1)
      if (!last || rows.length < this.pageSize) return
      after = last.sequence
    }
  }
}
