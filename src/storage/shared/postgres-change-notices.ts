import { createHash, randomUUID } from 'node:crypto'
import pg from 'pg'
import {
  type ChangeNotice,
  type ChangeNotices,
  readChangeNotice,
} from '../../domain/changes/change-notices.js'

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 1_000

/**
 * Change notices through PostgreSQL's LISTEN/NOTIFY, on one connection of its own. The channel is
 * named for the store's schema, so that stores in other schemas of the same database never hear
 * each other. A dropped connection is opened again; notices sent meanwhile are lost, which the
 * caches' own time limits cover.
 */
export class PostgresChangeNotices implements ChangeNotices {
  readonly #origin = randomUUID()
  readonly #listeners = new Set<(notice: ChangeNotice) => void>()
  #client: pg.Client | undefined
  #channel: string | undefined
  #closed = false
  #ready: Promise<void>

  private constructor(
    private readonly url: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.#ready = this.#connect()
  }

  /** Connects and listens; resolves once notices are heard. */
  static async open(
    url: string,
    onError: (error: Error) => void = () => {},
  ): Promise<PostgresChangeNotices> {
    const notices = new PostgresChangeNotices(url, onError)
    await notices.#ready
    return notices
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true })
    client.on('error', (error) => this.#dropped(client, error))
    client.on('end', () => this.#dropped(client, new Error('the notice connection ended')))
    client.on('notification', (message) => this.#heard(message.payload))
    await client.connect()
    const { rows } = await client.query<{ schema: string }>('select current_schema() as schema')
    const schema = rows[0]?.schema ?? 'public'
    this.#channel = `hc_changes_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`
    await client.query(`LISTEN ${this.#channel}`)
    if (this.#closed) {
      await client.end()
      return
    }
    this.#client = client
  }

  #dropped(client: pg.Client, error: Error): void {
    if (this.#client !== client || this.#closed) return
    this.#client = undefined
    this.onError(error)
    const retry = (): void => {
      if (this.#closed) return
      this.#ready = this.#connect().catch((failure: unknown) => {
        this.onError(failure instanceof Error ? failure : new Error(String(failure)))
        setTimeout(retry, RECONNECT_MS).unref()
      })
    }
    setTimeout(retry, RECONNECT_MS).unref()
  }

  #heard(payload: string | undefined): void {
    if (payload === undefined) return
    let parsed: unknown
    try {
      parsed = JSON.parse(payload)
    } catch {
      return
    }
    if ((parsed as { origin?: unknown }).origin === this.#origin) return
    const notice = readChangeNotice(parsed)
    if (!notice) return
    for (const listener of this.#listeners) listener(notice)
  }

  publish(notice: ChangeNotice): void {
    const client = this.#client
    if (!client || !this.#channel) return
    const payload = JSON.stringify({ origin: this.#origin, ...notice })
    client
      .query('select pg_notify($1, $2)', [this.#channel, payload])
      .catch((error: unknown) =>
        this.onError(error instanceof Error ? error : new Error(String(error))),
      )
  }

  subscribe(listener: (notice: ChangeNotice) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#listeners.clear()
    const client = this.#client
    this.#client = undefined
    await this.#ready.catch(() => undefined)
    await client?.end().catch(() => undefined)
  }
}
