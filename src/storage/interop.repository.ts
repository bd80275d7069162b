import type { InteropRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'

/** Trusted SMART Health Card issuers and validity rule sets. */
export class KyselyInteropRepository implements InteropRepository {
  constructor(private readonly context: RepositoryContext) {}

  async saveShcIssuer(issuer: {
    iss: string
    jwks: unknown
    crls: unknown[]
    at: string
  }): Promise<void> {
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

  async shcIssuers(): Promise<
    { iss: string; jwks: unknown; crls: unknown[]; importedAt: string }[]
  > {
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

  async removeShcIssuer(iss: string): Promise<boolean> {
    const result = await this.context.db
      .deleteFrom('shc_issuers')
      .where('iss', '=', iss)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` when the version exists (a concurrent import). */
  async addValidityRuleSet(ruleSet: {
    issuerId?: string | undefined
    id: string
    version: number
    rules: unknown
    note: string | undefined
    createdBy: string | undefined
    createdAt: string
  }): Promise<void> {
    await withConstraintErrors(
      this.context,
      this.context.db
        .insertInto('validity_rulesets')
        .values({
          id: ruleSet.id,
          version: ruleSet.version,
          rules: JSON.stringify(ruleSet.rules),
          note: ruleSet.note ?? null,
          created_by: ruleSet.createdBy ?? null,
          created_at: isoTimestamp(ruleSet.createdAt),
          issuer_id: ruleSet.issuerId ?? null,
        })
        .execute(),
    )
  }

  async latestValidityRuleSets(): Promise<
    {
      id: string
      version: number
      rules: unknown
      note: string | undefined
      createdAt: string
      issuerId: string | undefined
    }[]
  > {
    const rows = await this.context.db
      .selectFrom('validity_rulesets')
      .selectAll()
      .orderBy('id')
      .orderBy('version', 'desc')
      .execute()
    const latest = new Map<string, (typeof rows)[number]>()
    for (const row of rows) {
      const key = JSON.stringify([row.id, row.issuer_id])
      if (!latest.has(key)) latest.set(key, row)
    }
    return [...latest.values()].map((row) => ({
      id: row.id,
      version: row.version,
      rules: JSON.parse(row.rules),
      note: optional(row.note),
      createdAt: row.created_at,
      issuerId: optional(row.issuer_id),
    }))
  }
}
