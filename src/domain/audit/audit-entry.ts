/** One entry of the append-only audit log: who changed what, when, and why. */
export interface AuditEntry {
  /** 1, 2, 3, … in the order entries were appended. */
  readonly sequence: number
  readonly at: string
  /**
   * The issuer (region) the entry belongs to: staff read entries of their issuer and below only.
   * Undefined for entries of the system itself and for entries written before issuers were kept,
   * which belong to the deployment's root issuer.
   */
  readonly issuerId?: string | undefined
  /** The account that made the change; undefined for the system itself (migrations, demo data). */
  readonly actorAccountId: string | undefined
  /** What happened, such as `person.create`, `account.create`, `token.revoke`. */
  readonly action: string
  readonly entityType: string
  readonly entityId: string
  readonly reason: string | undefined
  /** The change itself (the new values), as JSON. */
  readonly data: unknown
  /** The hash of the previous entry (64 zeros for the first). */
  readonly previousHash: string
  /** SHA-256 over the previous hash and this entry's fields (see `auditEntryHash`). */
  readonly hash: string
}

/** What a caller gives to append an entry; the log fills in sequence, time and hashes. */
export type NewAuditEntry = Pick<
  AuditEntry,
  'actorAccountId' | 'action' | 'entityType' | 'entityId' | 'reason' | 'data' | 'issuerId'
>
