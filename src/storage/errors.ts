import { HealthcodeError } from '../codec/healthcode-error.js'
/** The codes of storage failures a caller may want to tell apart. */
export type StorageErrorCode =
  /** A row with the same value in a unique column (or set of columns) already exists. */
  | 'ERR_STORAGE_UNIQUE'
  /** A row names another that does not exist (an unknown issuer, account, …). */
  | 'ERR_STORAGE_FOREIGN_KEY'
  /** Something tried to change or remove an audit entry; the database refused. */
  | 'ERR_STORAGE_APPEND_ONLY'
  /** A timestamp given to storage is not a date and time. */
  | 'ERR_STORAGE_TIMESTAMP'
  /** The database URL names no dialect Healthcode speaks. */
  | 'ERR_STORAGE_URL'
  /** Bringing the schema up to date failed; the store was not opened. */
  | 'ERR_STORAGE_MIGRATION'

/**
 * A storage failure with a stable code. The driver's own error, when there is one, is the `cause`:
 * it may hold the offending values (personal data), so log it with care.
 */
export class StorageError extends HealthcodeError<StorageErrorCode> {
  override readonly name = 'StorageError'
  /** The table a constraint failed on, when the driver says. */
  readonly table: string | undefined
  /** The columns of the failed constraint, when the driver says. */
  readonly columns: readonly string[] | undefined

  constructor(
    code: StorageErrorCode,
    message: string,
    options: {
      cause?: unknown
      table?: string | undefined
      columns?: readonly string[] | undefined
    } = {},
  ) {
    super(code, message, { cause: options.cause })
    this.table = options.table
    this.columns = options.columns
  }
}

/** What a dialect found a driver error to be: a constraint failure, named as well as it can. */
export interface ConstraintFailure {
  readonly code: 'ERR_STORAGE_UNIQUE' | 'ERR_STORAGE_FOREIGN_KEY' | 'ERR_STORAGE_APPEND_ONLY'
  readonly table: string | undefined
  readonly columns: readonly string[] | undefined
}

/** Turns a constraint failure a dialect recognised into a {@link StorageError}. */
export function storageErrorFrom(failure: ConstraintFailure, cause: unknown): StorageError {
  const where = failure.table ? ` in ${failure.table}` : ''
  const columns = failure.columns?.length ? ` (${failure.columns.join(', ')})` : ''
  const message = {
    ERR_STORAGE_UNIQUE: `expected no other row${where} with the same${columns || ' key'}, but one exists`,
    ERR_STORAGE_FOREIGN_KEY: `expected the row${where} to name rows that exist${columns}, but one does not (or is still named by another row)`,
    ERR_STORAGE_APPEND_ONLY:
      'expected audit entries to be only appended, but a change or removal was attempted',
  }[failure.code]
  return new StorageError(failure.code, message, {
    cause,
    table: failure.table,
    columns: failure.columns,
  })
}

/**
 * Normalises a timestamp to the one form storage keeps, `YYYY-MM-DDTHH:mm:ss.sssZ`, so that text
 * order is time order on both dialects.
 *
 * @throws {StorageError} `ERR_STORAGE_TIMESTAMP` when the text is not a date and time.
 */
export function isoTimestamp(text: string): string {
  const time = Date.parse(text)
  if (Number.isNaN(time)) {
    throw new StorageError(
      'ERR_STORAGE_TIMESTAMP',
      `expected an ISO 8601 date and time, but found ${JSON.stringify(text)}`,
    )
  }
  return new Date(time).toISOString()
}
