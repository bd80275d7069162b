import { CompiledQuery, type Kysely } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import type { Database } from '../schema.js'

/** A value of a seeded column: text, an integer, or NULL. */
export type CellValue = string | number | null

/** A table and the columns a bulk insert fills, with their SQL types (PostgreSQL casts arrays). */
export interface BulkTable<T extends keyof Database> {
  readonly table: T
  readonly columns: readonly {
    readonly name: keyof Database[T] & string
    readonly type: 'text' | 'integer'
  }[]
  /**
   * `add`: on a clash of the primary key (`day, district, metric`), add `value` to the row that is
   * there, as `KyselyCounterRepository.add` does. Only for `daily_counters`.
   */
  readonly onConflict?: 'add'
}

/**
 * Rows of one table, row after row in one flat array (`columns.length` values per row): no object
 * per row, so that millions of rows cost the garbage collector little.
 */
export class RowBuffer<T extends keyof Database> {
  readonly values: CellValue[] = []

  constructor(readonly spec: BulkTable<T>) {}

  get rows(): number {
    return this.values.length / this.spec.columns.length
  }

  /** Appends one row: its values in the order of `spec.columns`. */
  push(...row: CellValue[]): void {
    if (row.length !== this.spec.columns.length) {
      throw new RangeError(
        `expected ${this.spec.columns.length} values for ${this.spec.table}, but found ${row.length}`,
      )
    }
    for (const value of row) this.values.push(value)
  }

  clear(): void {
    this.values.length = 0
  }
}

/** Writes buffers of rows in as few statements as the dialect allows. */
export interface BulkInserter {
  /** Inserts every row of `buffer` on `trx` (a transaction) and empties the buffer. */
  insert<T extends keyof Database>(trx: Kysely<Database>, buffer: RowBuffer<T>): Promise<void>
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32: the parameters of one statement. */
const SQLITE_MAX_PARAMETERS = 32_766
/** PostgreSQL: rows per `INSERT … SELECT FROM unnest(…)`, one round trip each. */
const POSTGRES_ROWS_PER_STATEMENT = 20_000

/**
 * The bulk writer for a dialect. The one place in the seeder that knows which database it talks
 * to (`dialects/` is closed to it): SQLite takes multi-row `VALUES` lists of at most 32,766
 * parameters; PostgreSQL takes one array per column and `unnest`s them, so a statement has as many
 * parameters as the table has columns however many rows it carries. Both go through Kysely's
 * executor as precompiled SQL, which skips building a query tree per row.
 */
export function bulkInserter(dialect: StorageDialect): BulkInserter {
  return dialect.name === 'postgres' ? new PostgresBulkInserter() : new SqliteBulkInserter()
}

class SqliteBulkInserter implements BulkInserter {
  readonly #statements = new Map<string, string>()

  async insert<T extends keyof Database>(
    trx: Kysely<Database>,
    buffer: RowBuffer<T>,
  ): Promise<void> {
    const width = buffer.spec.columns.length
    const perStatement = Math.floor(SQLITE_MAX_PARAMETERS / width)
    const values = buffer.values
    for (let start = 0; start < buffer.rows; start += perStatement) {
      const rows = Math.min(perStatement, buffer.rows - start)
      const parameters = values.slice(start * width, (start + rows) * width)
      await trx.executeQuery(CompiledQuery.raw(this.#statement(buffer.spec, rows), parameters))
    }
    buffer.clear()
  }

  #statement<T extends keyof Database>(spec: BulkTable<T>, rows: number): string {
    const key = `${spec.table}:${rows}`
    let text = this.#statements.get(key)
    if (text === undefined) {
      const row = `(${spec.columns.map(() => '?').join(',')})`
      text =
        `insert into ${quote(spec.table)} (${spec.columns.map((c) => quote(c.name)).join(', ')}) values ` +
        Array.from({ length: rows }, () => row).join(',') +
        conflictClause(spec)
      this.#statements.set(key, text)
    }
    return text
  }
}

class PostgresBulkInserter implements BulkInserter {
  async insert<T extends keyof Database>(
    trx: Kysely<Database>,
    buffer: RowBuffer<T>,
  ): Promise<void> {
    const spec = buffer.spec
    const width = spec.columns.length
    const values = buffer.values
    const text =
      `insert into ${quote(spec.table)} (${spec.columns.map((c) => quote(c.name)).join(', ')}) ` +
      `select * from unnest(${spec.columns.map((c, i) => `string_to_array($${i + 1}, chr(31), '')::${c.type}[]`).join(', ')})` +
      conflictClause(spec)
    for (let start = 0; start < buffer.rows; start += POSTGRES_ROWS_PER_STATEMENT) {
      const rows = Math.min(POSTGRES_ROWS_PER_STATEMENT, buffer.rows - start)
      const columns: string[] = []
      for (let c = 0; c < width; c++) {
        let column = ''
        for (let r = 0; r < rows; r++) {
          const value = values[(start + r) * width + c]
          column += (r === 0 ? '' : UNIT_SEPARATOR) + (value === null || value === undefined ? '' : String(value))
        }
        columns.push(column)
      }
      await trx.executeQuery(CompiledQuery.raw(text, columns))
    }
    buffer.clear()
  }
}

const UNIT_SEPARATOR = '\x1f'

function conflictClause<T extends keyof Database>(spec: BulkTable<T>): string {
  if (spec.onConflict !== 'add') return ''
  return ` on conflict (day, district, metric) do update set value = ${quote(spec.table)}.value + excluded.value`
}

/** Table and column names are the schema's own plain identifiers; quoted all the same. */
function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) {
    throw new TypeError(`expected a plain identifier, but found ${JSON.stringify(identifier)}`)
  }
  return `"${identifier}"`
}
