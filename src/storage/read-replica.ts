import { type Kysely, sql } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { DomainError } from '../domain/errors.js'
import type { Store, StoreTransaction } from '../domain/ports.js'
import { KyselyStore } from './kysely-store.js'
import { openDatabase } from './open-store.js'
import type { Database } from './schema.js'

/** What the last check of the replica found. */
export interface ReplicaState {
  /** Whether reads go to the replica: it answered, is in recovery, and is close enough behind. */
  readonly up: boolean
  /** How far its replay is behind the primary's WAL, in bytes; undefined when it did not answer. */
  readonly lagBytes: number | undefined
  /** Why it is not used, when it is not. */
  readonly problem: string | undefined
  /** How many reads went to the primary because the replica was not up, since the start. */
  readonly skippedReads: number
}

/** How long a check waits for the replica's answer before counting it as down. */
const CHECK_TIMEOUT_MS = 1_000

/**
 * A PostgreSQL streaming replica of the store (`DATABASE_READ_URL`), checked every `checkMs`: it is
 * used while it answers, is in recovery (a replica, not a promoted or unrelated server) and its
 * replay is at most `maxLagBytes` behind the primary's WAL. {@link store} is a Store that reads
 * from the replica while it is up and from the primary otherwise (and when a read on the replica
 * fails for want of a connection, the read runs again on the primary). The replica is never
 * migrated or written: its schema comes from the primary.
 */
export class ReadReplica {
  #state: ReplicaState = {
    up: false,
    lagBytes: undefined,
    problem: 'not checked yet',
    skippedReads: 0,
  }
  #timer: NodeJS.Timeout | undefined
  #checking: Promise<void> | undefined
  readonly store: Store

  private constructor(
    private readonly primary: Store,
    private readonly primaryDb: Kysely<Database>,
    private readonly replica: Store,
    private readonly replicaDb: Kysely<Database>,
    private readonly maxLagBytes: number,
  ) {
    this.store = this.#routedStore()
  }

  /**
   * Opens the replica beside an open primary store and checks it once (so that the first reads
   * already know where to go), then every `checkMs`.
   */
  static async open(
    primary: Store,
    primaryUrl: string,
    replicaUrl: string,
    options: { clock: Clock; maxLagBytes: number; checkMs: number },
  ): Promise<ReadReplica> {
    const timeouts = {
      statementMs: 4_000,
      idleInTransactionMs: 10_000,
      connectMs: CHECK_TIMEOUT_MS,
    }
    const replica = await openDatabase(replicaUrl, { timeouts })
    const primaryWal = await openDatabase(primaryUrl, { timeouts })
    const readReplica = new ReadReplica(
      primary,
      primaryWal.db,
      new KyselyStore(replica.db, replica.dialect, options.clock),
      replica.db,
      options.maxLagBytes,
    )
    await readReplica.check()
    readReplica.#timer = setInterval(() => void readReplica.check(), options.checkMs)
    readReplica.#timer.unref()
    return readReplica
  }

  /** What the last check found. */
  state(): ReplicaState {
    return this.#state
  }

  /** Checks the replica now (one check at a time). */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined))
    return this.#checking
  }

  async #check(): Promise<void> {
    let lsn: string
    try {
      const primaryRow = await sql<{
        lsn: string
      }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primaryDb)
      lsn = primaryRow.rows[0]?.lsn ?? '0/0'
    } catch (error) {
      // Without the primary there is nothing to compare with; reads fail on the primary anyway.
      this.#set(false, undefined, `the primary did not answer: ${message(error)}`)
      return
    }
    try {
      const answer = await withTimeout(
        sql<{ recovery: boolean; lag: number | null }>`
          select pg_is_in_recovery() as recovery,
                 pg_wal_lsn_diff(${lsn}::pg_lsn, pg_last_wal_replay_lsn())::float8 as lag
        `.execute(this.replicaDb),
        CHECK_TIMEOUT_MS,
      )
      const row = answer.rows[0]
      if (!row?.recovery) {
        this.#set(false, undefined, 'the read database is not a replica in recovery')
        return
      }
      const lag = Math.max(0, Number(row.lag ?? Infinity))
      if (lag > this.maxLagBytes) {
        this.#set(false, lag, `the replica is ${lag} bytes behind (over ${this.maxLagBytes})`)
        return
      }
      this.#set(true, lag, undefined)
    } catch (error) {
      this.#set(false, undefined, `the replica did not answer: ${message(error)}`)
    }
  }

  #set(up: boolean, lagBytes: number | undefined, problem: string | undefined): void {
    this.#state = { up, lagBytes, problem, skippedReads: this.#state.skippedReads }
  }

  #skipped(): void {
    this.#state = { ...this.#state, skippedReads: this.#state.skippedReads + 1 }
  }

  #routedStore(): Store {
    const primary = this.primary
    const transaction = async <T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      if (!this.#state.up) {
        this.#skipped()
        return primary.transaction(work)
      }
      try {
        return await this.replica.transaction(work)
      } catch (error) {
        // The domain's own refusals pass through; a replica that failed under the read (it
        // stopped, the network broke) is checked again and the read goes to the primary.
        if (error instanceof DomainError) throw error
        this.#set(false, undefined, `a read failed on the replica: ${message(error)}`)
        this.#skipped()
        void this.check()
        return primary.transaction(work)
      }
    }
    return {
      get dialect() {
        return primary.dialect
      },
      transaction,
      // Tokens and colours: what a user just wrote, read at once, so from the primary.
      read: (work) => primary.read(work),
      ping: () => primary.ping(),
      close: () => this.close(),
      appendCheckins: (items) => primary.appendCheckins(items),
      touchApiTokens: (touches) => primary.touchApiTokens(touches),
      preparePartitions: (now) => primary.preparePartitions(now),
      runAlone: (name, work) => primary.runAlone(name, work),
      limitCounters: primary.limitCounters,
    }
  }

  /**
   * Waits until the replica has replayed everything the primary had written when called, polling
   * every 10 ms for at most `timeoutMs`; answers whether it got there. For tools and tests that
   * must read their own writes through the replica.
   */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    const primaryRow = await sql<{
      lsn: string
    }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primaryDb)
    const lsn = primaryRow.rows[0]?.lsn ?? '0/0'
    const end = Date.now() + timeoutMs
    for (;;) {
      const answer = await sql<{
        behind: number
      }>`select pg_wal_lsn_diff(${lsn}::pg_lsn, pg_last_wal_replay_lsn())::float8 as behind`.execute(
        this.replicaDb,
      )
      if (Number(answer.rows[0]?.behind ?? 1) <= 0) return true
      if (Date.now() > end) return false
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /** Stops checking and closes the replica's connections (not the primary's store). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.#checking
    await this.replica.close()
    await this.primaryDb.destroy()
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}
