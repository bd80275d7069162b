import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type { Store } from '../ports.js'
import type { Notification } from './tracing.js'

/**
 * A person's feed: what tracing, the colour engine and the commission told them (exposures,
 * colour changes, decisions), and which of it they have read. An actor without a person record
 * has an empty feed.
 */
export class NotificationFeedService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The person's feed, newest first; each item says when it was read (`readAt`), if it was. */
  async feed(actor: Actor): Promise<Notification[]> {
    if (actor.personId === undefined) return []
    const personId = actor.personId
    return this.store.transaction((tx) => tx.tracing.feed(personId, 100))
  }

  /** How many notifications of the actor's feed are unread (the app's badge). */
  async unreadCount(actor: Actor): Promise<number> {
    if (actor.personId === undefined) return 0
    const personId = actor.personId
    return this.store.transaction((tx) => tx.tracing.unreadCount(personId))
  }

  /**
   * Marks notifications of the actor's own feed read, now; ids of someone else's feed, unknown
   * ids and items read before are left as they are (a second call changes nothing).
   *
   * @returns how many remain unread.
   */
  async markRead(actor: Actor, ids: readonly string[]): Promise<number> {
    if (actor.personId === undefined) return 0
    const personId = actor.personId
    const at = this.clock().toISOString()
    return this.store.transaction(async (tx) => {
      await tx.tracing.markRead(personId, ids, at)
      return tx.tracing.unreadCount(personId)
    })
  }
}
