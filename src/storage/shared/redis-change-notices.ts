import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import {
  type ChangeNotice,
  type ChangeNotices,
  readChangeNotice,
} from '../../domain/changes/change-notices.js'

/**
 * Change notices through Redis pub/sub: one connection subscribes (a subscribed connection can do
 * nothing else), the other publishes. The channel is named for the deployment (`namespace`), so
 * that deployments sharing one Redis never hear each other.
 */
export class RedisChangeNotices implements ChangeNotices {
  readonly #origin = randomUUID()
  readonly #listeners = new Set<(notice: ChangeNotice) => void>()
  readonly #channel: string

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    namespace: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.#channel = `healthcode:${namespace}:changes`
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#heard(message)
    })
  }

  /** Subscribes (ioredis subscribes again by itself after a reconnection). */
  static async open(
    publisher: Redis,
    subscriber: Redis,
    namespace: string,
    onError: (error: Error) => void = () => {},
  ): Promise<RedisChangeNotices> {
    const notices = new RedisChangeNotices(publisher, subscriber, namespace, onError)
    await subscriber.subscribe(notices.#channel)
    return notices
  }

  #heard(message: string): void {
    let parsed: unknown
    try {
      parsed = JSON.parse(message)
    } catch {
      return
    }
    if ((parsed as { origin?: unknown }).origin === this.#origin) return
    const notice = readChangeNotice(parsed)
    if (!notice) return
    for (const listener of this.#listeners) listener(notice)
  }

  publish(notice: ChangeNotice): void {
    this.publisher
      .publish(this.#channel, JSON.stringify({ origin: this.#origin, ...notice }))
      .catch((error: unknown) =>
        this.onError(error instanceof Error ? error : new Error(String(error))),
      )
  }

  subscribe(listener: (notice: ChangeNotice) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.#listeners.clear()
    await this.subscriber.unsubscribe(this.#channel).catch(() => undefined)
  }
}
