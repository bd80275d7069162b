/** How long PostgreSQL may take, in milliseconds; 0 turns a limit off. */
export interface PostgresTimeouts {
  /**
   * The longest a statement may run on the server (`statement_timeout`). The client gives up a
   * second after it: a server that stopped answering (the connection open, no reply) cannot
   * cancel anything, so only the client's own clock ends the wait.
   */
  readonly statementMs: number
  /** The longest opening a connection, or waiting for a free one from the pool, may take. */
  readonly connectMs: number
  /** The longest a transaction may sit idle, holding its locks (`idle_in_transaction_session_timeout`). */
  readonly idleInTransactionMs: number
}

/**
 * The timeouts a store gets unless told otherwise: every answer of a database that went silent
 * comes within 5 s (a statement's 4 s and the client's second), and so does a checkout.
 */
export const defaultPostgresTimeouts: PostgresTimeouts = {
  statementMs: 4_000,
  connectMs: 3_000,
  idleInTransactionMs: 10_000,
}
