import type { Issuer } from '../domain/people/person.js'
import type { IssuerRepository } from '../domain/ports.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { IssuerRow } from './schema.js'

/** Maps a row of `issuers` to an {@link Issuer}. */
export function issuerRowToIssuer(row: IssuerRow): Issuer {
  return {
    id: row.id,
    name: row.name,
    level: row.level,
    country: row.country,
    parentId: optional(row.parent_id),
  }
}

/** Issuers in the `issuers` table. */
export class KyselyIssuerRepository implements IssuerRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Inserts the issuer, or replaces the stored one with the same id.
   *
   * @throws {StorageError} `ERR_STORAGE_FOREIGN_KEY` when the parent is unknown.
   */
  async upsert(issuer: Issuer): Promise<void> {
    const values = {
      name: issuer.name,
      level: issuer.level,
      country: issuer.country,
      parent_id: issuer.parentId ?? null,
    }
    await withConstraintErrors(
      this.context,
      this.context.db
        .insertInto('issuers')
        .values({ id: issuer.id, ...values })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
        .execute(),
    )
  }

  /**
   * Inserts a new issuer.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when the id is taken, `ERR_STORAGE_FOREIGN_KEY`
   *   when the parent is unknown.
   */
  async create(issuer: Issuer): Promise<void> {
    await withConstraintErrors(
      this.context,
      this.context.db
        .insertInto('issuers')
        .values({
          id: issuer.id,
          name: issuer.name,
          level: issuer.level,
          country: issuer.country,
          parent_id: issuer.parentId ?? null,
        })
        .execute(),
    )
  }

  async find(id: string): Promise<Issuer | undefined> {
    const row = await this.context.db
      .selectFrom('issuers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && issuerRowToIssuer(row)
  }

  /** Every issuer, by id. */
  async list(): Promise<Issuer[]> {
    const rows = await this.context.db.selectFrom('issuers').selectAll().orderBy('id').execute()
    return rows.map(issuerRowToIssuer)
  }
}
