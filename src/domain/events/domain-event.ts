import type { Actor } from '../access/actor.js'

/**
 * What happened in the register that other parts of the domain react to. An event is written in
 * the transaction that makes the change (an outbox), so that a reaction is never lost: delivered
 * right after the commit, and again by a job while it fails.
 */
export type DomainEvent = RecordAdded

/** A register record was added (by a clinic, or by the commission's approval). */
export interface RecordAdded {
  readonly kind: 'record.added'
  /** Who added it: reactions act in their name (a positive test's case is theirs). */
  readonly actor: Actor
  readonly recordId: string
  readonly personId: string
  /** A positive test: the person becomes a confirmed case and is traced. */
  readonly positiveTest: boolean
}

/** An event as the outbox keeps it until every reaction succeeded. */
export interface PendingEvent {
  readonly id: string
  readonly event: DomainEvent
  readonly createdAt: string
  /** Deliveries tried so far (0 before the first). */
  readonly attempts: number
}

/** The outbox in the store: events written with their change, removed once delivered. */
export interface DomainEventRepository {
  add(event: { id: string; event: DomainEvent; createdAt: string }): Promise<void>
  find(id: string): Promise<PendingEvent | undefined>
  /** Events due for delivery at `at`, oldest first. */
  due(at: string, limit: number): Promise<PendingEvent[]>
  /** Removes a delivered event; false when another process delivered it first. */
  remove(id: string): Promise<boolean>
  /** Records a failed delivery and when to try again. */
  failed(id: string, error: string, nextAttemptAt: string): Promise<void>
}
