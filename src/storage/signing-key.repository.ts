import type { SigningKey, SigningKeyPurpose } from '../domain/keys/signing-key.js'
import type { SigningKeyRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { SigningKeyRow } from './schema.js'

/** Maps a row of `signing_keys` to a {@link SigningKey}. */
export function signingKeyRowToKey(row: SigningKeyRow): SigningKey {
  return {
    id: row.id,
    purpose: row.purpose,
    issuerId: optional(row.issuer_id),
    kid: row.kid,
    certificatePem: row.certificate,
    sealedPrivateKey: row.sealed_private_key,
    status: row.status,
    notBefore: row.not_before,
    notAfter: row.not_after,
    createdAt: row.created_at,
    retiredAt: optional(row.retired_at),
  }
}

/** Signing keys in the `signing_keys` table. */
export class KyselySigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` for a kid already stored. */
  async create(key: SigningKey): Promise<SigningKey> {
    const row: SigningKeyRow = {
      id: key.id,
      purpose: key.purpose,
      issuer_id: key.issuerId ?? null,
      kid: key.kid,
      certificate: key.certificatePem,
      sealed_private_key: key.sealedPrivateKey,
      status: key.status,
      not_before: isoTimestamp(key.notBefore),
      not_after: isoTimestamp(key.notAfter),
      created_at: isoTimestamp(key.createdAt),
      retired_at: key.retiredAt === undefined ? null : isoTimestamp(key.retiredAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('signing_keys').values(row).execute(),
    )
    return signingKeyRowToKey(row)
  }

  async find(id: string): Promise<SigningKey | undefined> {
    const row = await this.context.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && signingKeyRowToKey(row)
  }

  async findActive(purpose: SigningKeyPurpose, issuerId?: string): Promise<SigningKey | undefined> {
    const row = await this.context.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('status', '=', 'active')
      .where('issuer_id', issuerId === undefined ? 'is' : '=', issuerId ?? null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst()
    return row && signingKeyRowToKey(row)
  }

  async list(): Promise<SigningKey[]> {
    const rows = await this.context.db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(signingKeyRowToKey)
  }

  async retireOthers(
    purpose: SigningKeyPurpose,
    issuerId: string | undefined,
    keepId: string,
    at: string,
  ): Promise<number> {
    const result = await this.context.db
      .updateTable('signing_keys')
      .set({ status: 'retired', retired_at: isoTimestamp(at) })
      .where('purpose', '=', purpose)
      .where('status', '=', 'active')
      .where('issuer_id', issuerId === undefined ? 'is' : '=', issuerId ?? null)
      .where('id', '!=', keepId)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }
}
