import { randomUUID } from 'node:crypto'
import type {
  CertificateSearch,
  CertificateStatus,
  CertificateWithHolder,
  HealthCertificate,
  NewHealthCertificate,
} from '../domain/certificates/certificate.js'
import type { CertificateRepository, CertificateStatusChange } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { CertificateRow } from './schema.js'

/** Maps a row of `certificates` to a {@link HealthCertificate}. */
export function certificateRowToCertificate(row: CertificateRow): HealthCertificate {
  return {
    id: row.id,
    uvci: row.uvci,
    personId: row.person_id,
    recordId: row.record_id,
    issuerId: row.issuer_id,
    kind: row.kind,
    signingKeyId: row.signing_key_id,
    qrText: row.qr_text,
    revocationHashes: {
      UCI: row.hash_uci,
      COUNTRYCODEUCI: row.hash_country_uci,
      SIGNATURE: row.hash_signature,
    },
    status: row.status,
    statusReason: optional(row.status_reason),
    statusChangedAt: optional(row.status_changed_at),
    statusChangedBy: optional(row.status_changed_by),
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  }
}

/** Certificates in the `certificates` table. */
export class KyselyCertificateRepository implements CertificateRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` for a UVCI already used. */
  async create(certificate: NewHealthCertificate): Promise<HealthCertificate> {
    const row: CertificateRow = {
      id: randomUUID(),
      uvci: certificate.uvci,
      person_id: certificate.personId,
      record_id: certificate.recordId,
      issuer_id: certificate.issuerId,
      kind: certificate.kind,
      signing_key_id: certificate.signingKeyId,
      qr_text: certificate.qrText,
      hash_uci: certificate.revocationHashes.UCI,
      hash_country_uci: certificate.revocationHashes.COUNTRYCODEUCI,
      hash_signature: certificate.revocationHashes.SIGNATURE,
      status: 'valid',
      status_reason: null,
      status_changed_at: null,
      status_changed_by: null,
      issued_at: isoTimestamp(certificate.issuedAt),
      expires_at: isoTimestamp(certificate.expiresAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('certificates').values(row).execute(),
    )
    return certificateRowToCertificate(row)
  }

  async find(id: string): Promise<HealthCertificate | undefined> {
    const row = await this.context.db
      .selectFrom('certificates')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && certificateRowToCertificate(row)
  }

  async findByUvci(uvci: string): Promise<HealthCertificate | undefined> {
    const row = await this.context.db
      .selectFrom('certificates')
      .selectAll()
      .where('uvci', '=', uvci)
      .executeTakeFirst()
    return row && certificateRowToCertificate(row)
  }

  async listForPerson(personId: string): Promise<HealthCertificate[]> {
    const rows = await this.context.db
      .selectFrom('certificates')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('issued_at', 'desc')
      .orderBy('id')
      .execute()
    return rows.map(certificateRowToCertificate)
  }

  async listForRecord(recordId: string): Promise<HealthCertificate[]> {
    const rows = await this.context.db
      .selectFrom('certificates')
      .selectAll()
      .where('record_id', '=', recordId)
      .orderBy('issued_at', 'desc')
      .orderBy('id')
      .execute()
    return rows.map(certificateRowToCertificate)
  }

  async search(
    issuerId: string,
    search: CertificateSearch,
    page: { limit: number; offset: number },
  ): Promise<CertificateWithHolder[]> {
    let query = this.context.db
      .selectFrom('certificates')
      .innerJoin('people', 'people.id', 'certificates.person_id')
      .selectAll('certificates')
      .select([
        'people.family_name',
        'people.given_name',
        'people.family_name_icao',
        'people.given_name_icao',
        'people.birth_date',
      ])
      .where('certificates.issuer_id', '=', issuerId)
    if (search.uvci !== undefined) query = query.where('certificates.uvci', '=', search.uvci)
    if (search.status !== undefined) query = query.where('certificates.status', '=', search.status)
    // A revoked or suspended certificate always has the time of its change; a valid one may not.
    query =
      search.status === 'revoked' || search.status === 'suspended'
        ? query.orderBy('certificates.status_changed_at', 'desc')
        : query.orderBy('certificates.issued_at', 'desc')
    const rows = await query
      .orderBy('certificates.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
    return rows.map(
      ({ family_name, given_name, family_name_icao, given_name_icao, birth_date, ...row }) => ({
        certificate: certificateRowToCertificate(row),
        holder: {
          personId: row.person_id,
          familyName: family_name,
          givenName: given_name,
          familyNameIcao: family_name_icao,
          givenNameIcao: given_name_icao,
          birthDate: birth_date,
        },
      }),
    )
  }

  async setStatus(
    id: string,
    from: readonly CertificateStatus[],
    change: { status: CertificateStatus; reason: string | undefined; at: string; by: string },
  ): Promise<boolean> {
    const result = await this.context.db
      .updateTable('certificates')
      .set({
        status: change.status,
        status_reason: change.reason ?? null,
        status_changed_at: isoTimestamp(change.at),
        status_changed_by: change.by,
      })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async idsForPerson(personId: string, status: CertificateStatus): Promise<string[]> {
    const rows = await this.context.db
      .selectFrom('certificates')
      .select('id')
      .where('person_id', '=', personId)
      .where('status', '=', status)
      .orderBy('issued_at')
      .execute()
    return rows.map((row) => row.id)
  }

  async hashesInStatus(
    statuses: readonly CertificateStatus[],
  ): Promise<HealthCertificate['revocationHashes'][]> {
    const rows = await this.context.db
      .selectFrom('certificates')
      .select(['hash_uci', 'hash_country_uci', 'hash_signature'])
      .where('status', 'in', [...statuses])
      .orderBy('status_changed_at')
      .orderBy('id')
      .execute()
    return rows.map((row) => ({
      UCI: row.hash_uci,
      COUNTRYCODEUCI: row.hash_country_uci,
      SIGNATURE: row.hash_signature,
    }))
  }

  async statusChanges(): Promise<CertificateStatusChange[]> {
    const rows = await this.context.db
      .selectFrom('certificates')
      .innerJoin('signing_keys', 'signing_keys.id', 'certificates.signing_key_id')
      .innerJoin('issuers', 'issuers.id', 'certificates.issuer_id')
      .select([
        'certificates.id as id',
        'certificates.status as status',
        'certificates.status_changed_at as status_changed_at',
        'certificates.expires_at as expires_at',
        'certificates.hash_uci as hash_uci',
        'certificates.hash_country_uci as hash_country_uci',
        'certificates.hash_signature as hash_signature',
        'signing_keys.kid as kid',
        'issuers.country as country',
      ])
      .where('certificates.status_changed_at', 'is not', null)
      .orderBy('certificates.status_changed_at')
      .orderBy('certificates.id')
      .execute()
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      // Never null: the query keeps only rows whose status changed.
      statusChangedAt: row.status_changed_at as string,
      expiresAt: row.expires_at,
      kid: row.kid,
      country: row.country,
      revocationHashes: {
        UCI: row.hash_uci,
        COUNTRYCODEUCI: row.hash_country_uci,
        SIGNATURE: row.hash_signature,
      },
    }))
  }
}
