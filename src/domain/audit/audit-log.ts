import type { AuditEntry, NewAuditEntry } from './audit-entry.js'

/** The append-only, hash-chained audit log. */
export interface AuditLog {
  /** Appends an entry at `at`, chaining it to the last one; serialised across concurrent writers. */
  append(entry: NewAuditEntry, at: string): Promise<AuditEntry>
  /** Entries in sequence order, from `fromSequence` (1 by default), at most `limit`. */
  list(options?: {
    fromSequence?: number
    limit?: number
    /** Only entries of these issuers… */
    issuerIds?: readonly string[]
    /** …and, when true, entries that belong to no issuer (the root's). */
    unowned?: boolean
  }): Promise<AuditEntry[]>
  /** Every entry in sequence order, streamed in pages, for verification. */
  all(): AsyncIterable<AuditEntry>
}
