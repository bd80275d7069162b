/**
 * What changed, for the caches that hold it: every server process keeps short-lived copies of the
 * trust lists, revocations, rules and policies, and drops its copy when any process says the
 * original changed.
 */
export type ChangeTopic =
  /** Trust lists: signing keys, partners' lists, SMART issuers, certificate statuses (revocation). */
  | 'trust'
  /** Validity rule sets (EU CertLogic rules). */
  | 'validity-rules'
  /** Health-code risk rules. */
  | 'risk-rules'
  /** Risk areas. */
  | 'risk-areas'
  /** Venues' entry policies. */
  | 'entry-policies'
  /** One venue (`subject`: its id). */
  | 'venue'
  /** People's health-code colours (`subject`: ids separated by commas; none: everyone). */
  | 'colours'
  /** One API token (`subject`: its id), revoked. */
  | 'api-token'
  /** One account (`subject`: its id): roles or person record changed. */
  | 'account'

/** The topics, for readers of notices from elsewhere. */
export const changeTopics: readonly ChangeTopic[] = [
  'trust',
  'validity-rules',
  'risk-rules',
  'risk-areas',
  'entry-policies',
  'venue',
  'colours',
  'api-token',
  'account',
]

/** One change: what changed and, for per-item caches, which item. */
export interface ChangeNotice {
  readonly topic: ChangeTopic
  readonly subject?: string
}

/**
 * Tells every server process on one store about changes, and hears theirs. Notices are sent after
 * the change commits; delivery is at most once and carries no data beyond the notice, so a
 * process that missed one still catches up when its cache's time runs out.
 */
export interface ChangeNotices {
  /** Sends a notice to every other process (and not back to this one). */
  publish(notice: ChangeNotice): void
  /** Calls `listener` for every notice from another process; returns how to stop. */
  subscribe(listener: (notice: ChangeNotice) => void): () => void
  /** Stops sending and hearing. */
  close(): Promise<void>
}

/** Reads a notice sent by another process; undefined for anything else. */
export function readChangeNotice(value: unknown): ChangeNotice | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { topic, subject } = value as { topic?: unknown; subject?: unknown }
  if (!changeTopics.includes(topic as ChangeTopic)) return undefined
  if (subject !== undefined && typeof subject !== 'string') return undefined
  return subject === undefined
    ? { topic: topic as ChangeTopic }
    : { topic: topic as ChangeTopic, subject }
}

/** One process alone: nothing to tell anyone (SQLite, or a test app). */
export class SingleProcessChangeNotices implements ChangeNotices {
  publish(): void {}

  subscribe(): () => void {
    return () => {}
  }

  async close(): Promise<void> {}
}
