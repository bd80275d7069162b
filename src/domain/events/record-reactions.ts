import type { DomainEvent } from './domain-event.js'
import type { EventReaction } from './event-outbox.js'

/** What the reactions to a new record need: the tracer and the colour engine. */
export interface RecordReactionTargets {
  readonly tracing: {
    confirmCase(
      actor: Extract<DomainEvent, { kind: 'record.added' }>['actor'],
      personId: string,
      source: 'test',
      recordId: string,
    ): Promise<unknown>
  }
  readonly colours: { reassess(personIds: readonly string[]): Promise<unknown> }
}

/**
 * What a new register record sets off: a positive test makes the person a confirmed case (the
 * tracer finds and notifies the close contacts and recomputes the person's colour; the contacts'
 * colours follow in its background work); any other record recomputes the holder's colour. Both are idempotent: a case is confirmed once (a repeat
 * finds it and only recomputes the colour), and recomputing twice gives the same colour.
 */
export function recordReactions(targets: RecordReactionTargets): EventReaction {
  return async (event) => {
    switch (event.kind) {
      case 'record.added':
        if (event.positiveTest) {
          await targets.tracing.confirmCase(event.actor, event.personId, 'test', event.recordId)
          await targets.colours.reassess([event.personId])
        } else {
          await targets.colours.reassess([event.personId])
        }
        return
    }
  }
}
