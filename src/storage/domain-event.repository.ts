import type { Actor } from '../domain/access/actor.js'
import type {
  DomainEvent,
  DomainEventRepository,
  PendingEvent,
} from '../domain/events/domain-event.js'
import type { RepositoryContext } from './repository-context.js'
import type { DomainEventTable } from './schema.js'

/** The outbox of domain events in `domain_events`. */
export class KyselyDomainEventRepository implements DomainEventRepository {
  constructor(private readonly context: RepositoryContext) {}

  async add(event: { id: string; event: DomainEvent; createdAt: string }): Promise<void> {
    await this.context.db
      .insertInto('domain_events')
      .values({
        id: event.id,
        kind: event.event.kind,
        payload: JSON.stringify(event.event),
        created_at: event.createdAt,
        attempts: 0,
        next_attempt_at: event.createdAt,
        last_error: null,
      })
      .execute()
  }

  async find(id: string): Promise<PendingEvent | undefined> {
    const row = await this.context.db
      .selectFrom('domain_events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && pendingEventOf(row)
  }

  async due(at: string, limit: number): Promise<PendingEvent[]> {
    const rows = await this.context.db
      .selectFrom('domain_events')
      .selectAll()
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map(pendingEventOf)
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.context.db
      .deleteFrom('domain_events')
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  async failed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.context.db
      .updateTable('domain_events')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error,
        next_attempt_at: nextAttemptAt,
      }))
      .where('id', '=', id)
      .execute()
  }
}

function pendingEventOf(row: DomainEventTable): PendingEvent {
  const payload = JSON.parse(row.payload) as DomainEvent & { actor: Actor }
  // JSON drops the actor's properties that were undefined: give them back.
  const actor: Actor = {
    ...payload.actor,
    issuerId: payload.actor.issuerId ?? undefined,
    personId: payload.actor.personId ?? undefined,
  }
  return {
    id: row.id,
    event: { ...payload, actor },
    createdAt: row.created_at,
    attempts: Number(row.attempts),
  }
}
