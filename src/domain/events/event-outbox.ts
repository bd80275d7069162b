import { randomUUID } from 'node:crypto'
import type { Clock } from '../clock.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { DomainEvent, PendingEvent } from './domain-event.js'

/** Reacts to one event; throws when the reaction failed (it is tried again later). */
export type EventReaction = (event: DomainEvent) => Promise<void>

/** Told about each failed delivery (the edge logs it and counts it in the metrics). */
export type DeliveryFailure = (failure: {
  readonly eventId: string
  readonly kind: DomainEvent['kind']
  readonly attempts: number
  readonly error: unknown
}) => void

/** The wait before the n-th retry: 30 s, doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
}

/**
 * The outbox of domain events: a service adds an event in the transaction of its change
 * ({@link EventOutbox.add}), and delivers it after the commit ({@link EventOutbox.deliver}). A
 * reaction that fails leaves the event stored with the time of its next try, and
 * {@link EventOutbox.deliverDue} (a job, and the server's start) delivers it then: a crash between
 * the commit and the reaction, or a reaction that fails, delays it and never drops it. Reactions
 * must be idempotent (a delivery may repeat after a crash).
 */
export class EventOutbox {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly react: EventReaction,
    private readonly onFailure: DeliveryFailure = () => {},
  ) {}

  /** Writes `event` in the caller's transaction; returns its id, for {@link deliver}. */
  async add(tx: StoreTransaction, event: DomainEvent): Promise<string> {
    const id = randomUUID()
    await tx.events.add({ id, event, createdAt: this.clock().toISOString() })
    return id
  }

  /**
   * Delivers one event after its change committed. Never throws for a failing reaction: the event
   * stays stored for {@link deliverDue}. Returns whether it was delivered now.
   */
  async deliver(id: string): Promise<boolean> {
    const pending = await this.store.transaction((tx) => tx.events.find(id))
    return pending ? this.#deliver(pending) : false
  }

  /** Delivers the events whose time has come (at most `limit`); returns how many succeeded. */
  async deliverDue(limit = 500): Promise<number> {
    const now = this.clock().toISOString()
    const due = await this.store.transaction((tx) => tx.events.due(now, limit))
    let delivered = 0
    for (const pending of due) if (await this.#deliver(pending)) delivered++
    return delivered
  }

  async #deliver(pending: PendingEvent): Promise<boolean> {
    try {
      await this.react(pending.event)
    } catch (error) {
      const attempts = pending.attempts + 1
      this.onFailure({ eventId: pending.id, kind: pending.event.kind, attempts, error })
      const next = new Date(this.clock().getTime() + retryDelayMs(attempts)).toISOString()
      await this.store
        .transaction((tx) => tx.events.failed(pending.id, describe(error), next))
        .catch(() => {
          // The store is out of reach: the event stays due as it was, and the job tries again.
        })
      return false
    }
    await this.store.transaction((tx) => tx.events.remove(pending.id))
    return true
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.slice(0, 1000)
}
