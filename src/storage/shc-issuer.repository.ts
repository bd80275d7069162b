import type { ShcIssuerRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import type { RepositoryContext } from './repository-context.js'

/** The SMART Health Card issuers we trust (`shc_issuers`). */
export class KyselyShcIssuerRepository implements ShcIssuerRepository {
  constructor(private readonly context: RepositoryContext) {}

  async save(issuer: { iss: string; jwks: unknown; crls: unknown[]; at: string }): Promise<void> {
    const values = {
      jwks: JSON.stringify(issuer.jwks),
      crls: JSON.stringify(issuer.crls),
      imported_at: isoTimestamp(issuer.at),
    }
    await this.context.db
      .insertInto('shc_issuers')
      .values({ iss: issuer.iss, ...values })
      .onConflict((conflict) => conflict.column('iss').doUpdateSet(values))
      .execute()
  }

  async list(): Promise<{ iss: string; jwks: unknown; crls: unknown[]; importedAt: string }[]> {
    const rows = await this.context.db
      .selectFrom('shc_issuers')
      .selectAll()
      .orderBy('iss')
      .execute()
    return rows.map((row) => ({
      iss: row.iss,
      jwks: JSON.parse(row.jwks),
      crls: JSON.parse(row.crls),
      importedAt: row.imported_at,
    }))
  }

  async remove(iss: string): Promise<boolean> {
    const result = await this.context.db
      .deleteFrom('shc_issuers')
      .where('iss', '=', iss)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }
}
