import type { ValidityRuleSetRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'

/** Validity rule sets, every version of each, per issuer (`validity_rulesets`). */
export class KyselyValidityRuleSetRepository implements ValidityRuleSetRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` when the version exists (a concurrent import). */
  async add(ruleSet: {
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

  async latest(): Promise<
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
