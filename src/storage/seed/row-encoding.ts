// How the seeder's rows travel from the generator to the database: already in the form each
// database's bulk statement binds, so that the thread writing them does nothing but write. Pure:
// the generator's worker thread imports it without loading a database driver.

/** A value of a seeded column: text, an integer, or NULL. */
export type CellValue = string | number | null

/**
 * One bulk statement's rows: for SQLite a JSON array of rows (one parameter, taken apart by
 * `json_each`); for PostgreSQL one array per column (unnested).
 */
export type EncodedBatch = string | readonly (readonly CellValue[])[]

/** Rows of one table, encoded in batches of at most {@link ROWS_PER_STATEMENT}. */
export interface EncodedRows {
  readonly rows: number
  readonly batches: readonly EncodedBatch[]
}

/** Which database the rows are for. */
export type RowEncoding = 'sqlite' | 'postgres'

/** Rows per statement: a JSON text (SQLite) or one array per column (PostgreSQL) of this many. */
export const ROWS_PER_STATEMENT = 20_000

/** `rows` (each the values of a table's columns, in order) encoded for `encoding`. */
export function encodeRows(
  encoding: RowEncoding,
  columns: number,
  rows: readonly (readonly CellValue[])[],
): EncodedRows {
  const batches: EncodedBatch[] = []
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const batch =
      rows.length <= ROWS_PER_STATEMENT ? rows : rows.slice(start, start + ROWS_PER_STATEMENT)
    batches.push(
      encoding === 'sqlite'
        ? JSON.stringify(batch)
        : Array.from({ length: columns }, (_, c) => batch.map((row) => row[c] ?? null)),
    )
  }
  return { rows: rows.length, batches }
}
