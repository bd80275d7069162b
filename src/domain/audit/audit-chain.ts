import { createHash } from 'node:crypto'
import type { AuditEntry } from './audit-entry.js'

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * The hash of an audit entry: SHA-256 over the previous entry's hash and this entry's fields, in a
 * fixed order, as canonical JSON (keys sorted), so that changing any field, or removing or
 * reordering an entry, breaks the chain from there on. The owning issuer is hashed after the other
 * fields when the entry has one; entries without one (written before issuers were kept, or by the
 * system) hash exactly as they always did, so the chain of an existing log stays intact, and
 * setting or clearing an issuer afterwards breaks it.
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const fields: unknown[] = [
    entry.previousHash,
    entry.sequence,
    entry.at,
    entry.actorAccountId ?? null,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.reason ?? null,
    canonicalJson(entry.data),
  ]
  if (entry.issuerId !== undefined) fields.push(entry.issuerId)
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}

/** JSON with object keys sorted at every level, so that equal data always hashes alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value) ?? null)
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeys((value as Record<string, unknown>)[key])
    }
    return sorted
  }
  return value
}

/** The result of checking a chain: intact, or the first entry that does not fit. */
export type AuditChainCheck =
  | { readonly intact: true; readonly entries: number }
  | {
      readonly intact: false
      readonly entries: number
      readonly firstBadSequence: number
      readonly problem: string
    }

/**
 * Checks entries one at a time, in sequence order from the first: consecutive sequence numbers,
 * each previous hash equal to the hash before it, each hash recomputed from the fields. Memory stays
 * constant however long the log is.
 */
export class AuditChainChecker {
  #expectedSequence = 1
  #previousHash = GENESIS_HASH
  #count = 0
  #failure: AuditChainCheck | undefined

  /** Takes the next entry; returns false once the chain is broken (later entries are ignored). */
  add(entry: AuditEntry): boolean {
    if (this.#failure) return false
    this.#count++
    const bad = (problem: string): false => {
      this.#failure = {
        intact: false,
        entries: this.#count,
        firstBadSequence: entry.sequence,
        problem,
      }
      return false
    }
    if (entry.sequence !== this.#expectedSequence) {
      return bad(
        `expected entry ${this.#expectedSequence} next, but found entry ${entry.sequence} (an entry was removed or reordered)`,
      )
    }
    if (entry.previousHash !== this.#previousHash) {
      return bad(
        `expected previous hash ${this.#previousHash}, but the entry names ${entry.previousHash}`,
      )
    }
    const { hash, ...rest } = entry
    const recomputed = auditEntryHash(rest)
    if (recomputed !== hash) {
      return bad(
        `expected hash ${recomputed} from the entry's fields, but it stores ${hash} (the entry was altered)`,
      )
    }
    this.#previousHash = hash
    this.#expectedSequence++
    return true
  }

  result(): AuditChainCheck {
    return this.#failure ?? { intact: true, entries: this.#count }
  }
}

/** Checks a whole chain held in memory (see {@link AuditChainChecker}). */
export function checkAuditChain(entries: Iterable<AuditEntry>): AuditChainCheck {
  const checker = new AuditChainChecker()
  for (const entry of entries) if (!checker.add(entry)) break
  return checker.result()
}

/** Checks a chain streamed from storage (see {@link AuditChainChecker}). */
export async function checkAuditChainStream(
  entries: AsyncIterable<AuditEntry>,
): Promise<AuditChainCheck> {
  const checker = new AuditChainChecker()
  for await (const entry of entries) if (!checker.add(entry)) break
  return checker.result()
}
