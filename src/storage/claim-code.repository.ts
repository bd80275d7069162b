import type { ClaimCodeRepository, StoredClaimCode } from '../domain/people/claim-code.js'
import { type RepositoryContext, optional } from './repository-context.js'

/** Claim codes in `claim_codes`, one row per person record. */
export class KyselyClaimCodeRepository implements ClaimCodeRepository {
  constructor(private readonly context: RepositoryContext) {}

  async find(personId: string): Promise<StoredClaimCode | undefined> {
    const row = await this.context.db
      .selectFrom('claim_codes')
      .selectAll()
      .where('person_id', '=', personId)
      .executeTakeFirst()
    return (
      row && {
        personId: row.person_id,
        codeHash: row.code_hash,
        sealedCode: optional(row.sealed_code),
        issuedBy: optional(row.issued_by),
        issuedAt: row.issued_at,
      }
    )
  }

  async put(code: StoredClaimCode): Promise<void> {
    const values = {
      code_hash: code.codeHash,
      sealed_code: code.sealedCode ?? null,
      issued_by: code.issuedBy ?? null,
      issued_at: code.issuedAt,
    }
    await this.context.db
      .insertInto('claim_codes')
      .values({ person_id: code.personId, ...values })
      .onConflict((conflict) => conflict.column('person_id').doUpdateSet(values))
      .execute()
  }

  async delete(personId: string): Promise<void> {
    await this.context.db.deleteFrom('claim_codes').where('person_id', '=', personId).execute()
  }
}
