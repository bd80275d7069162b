import type { Redis } from 'ioredis'
import type {
  LimitCounterAddition,
  LimitCounterId,
  LimitCounterStore,
} from '../../domain/limits/limit-counter-store.js'

/**
 * Adds to a counter and sets its expiry in one step (a Lua script runs atomically), and notes the
 * counter's window under its bucket and key so that `clear` finds every window. The note lives as
 * long as the longest-lived counter it names.
 */
const ADD = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
local noteEnds = redis.call('PEXPIRETIME', KEYS[2])
if noteEnds < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[2], ARGV[2]) end
return value
`

/**
 * The limits' counters in Redis (`REDIS_URL`): one key per counter, expiring by itself when its
 * window ends, so that `deleteExpired` has nothing to do. Expiry follows Redis's clock; every
 * server process of a deployment counts in the same keys (named for the deployment's namespace).
 */
export class RedisLimitCounterStore implements LimitCounterStore {
  readonly #prefix: string

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.#prefix = `healthcode:${namespace}:limit`
  }

  #key(counter: LimitCounterId): string {
    return `${this.#prefix}:${encode(counter.bucket)}:${encode(counter.key)}:${encode(counter.window)}`
  }

  #windows(bucket: string, key: string): string {
    return `${this.#prefix}-windows:${encode(bucket)}:${encode(key)}`
  }

  async add(counter: LimitCounterId, by: number, expiresAt: Date): Promise<number> {
    const value = await this.redis.eval(
      ADD,
      2,
      this.#key(counter),
      this.#windows(counter.bucket, counter.key),
      String(Math.trunc(by)),
      String(expiresAt.getTime()),
      counter.window,
    )
    return Number(value)
  }

  async addMany(additions: readonly LimitCounterAddition[]): Promise<number[]> {
    // One script call each, sent together on the one connection (Redis answers them in order).
    return Promise.all(
      additions.map((addition) => this.add(addition.counter, addition.by, addition.expiresAt)),
    )
  }

  async find(counter: LimitCounterId): Promise<{ count: number; expiresAt: Date } | undefined> {
    const key = this.#key(counter)
    const [[, value], [, ends]] = (await this.redis.multi().get(key).pexpiretime(key).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ]
    if (value === null || ends < 0) return undefined
    return { count: Number(value), expiresAt: new Date(ends) }
  }

  async clear(bucket: string, key: string): Promise<void> {
    const windowsKey = this.#windows(bucket, key)
    const windows = await this.redis.smembers(windowsKey)
    const keys = windows.map((window) => this.#key({ bucket, key, window }))
    await this.redis.del(...keys, windowsKey)
  }

  async deleteExpired(): Promise<number> {
    // Redis deletes expired keys itself.
    return 0
  }
}

/** Keeps `:` inside a part from running into the next part. */
function encode(part: string): string {
  return encodeURIComponent(part)
}
