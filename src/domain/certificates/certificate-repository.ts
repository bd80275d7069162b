import type {
  CertificateSearch,
  CertificateStatus,
  CertificateWithHolder,
  HealthCertificate,
  NewHealthCertificate,
} from './certificate.js'

/** Issued certificates. */
export interface CertificateRepository {
  create(certificate: NewHealthCertificate): Promise<HealthCertificate>
  find(id: string): Promise<HealthCertificate | undefined>
  findByUvci(uvci: string): Promise<HealthCertificate | undefined>
  /** A person's certificates, newest first. */
  listForPerson(personId: string): Promise<HealthCertificate[]>
  listForRecord(recordId: string): Promise<HealthCertificate[]>
  /**
   * An issuer's certificates with their holders, narrowed by the search: newest first (by issue),
   * or, when narrowed to revoked or suspended ones, by the latest change of status first.
   */
  search(
    issuerId: string,
    search: CertificateSearch,
    page: { limit: number; offset: number },
  ): Promise<CertificateWithHolder[]>
  /**
   * Changes the status of one certificate if it is in one of `from`; tells whether it did (so
   * that two concurrent changes cannot both succeed).
   */
  setStatus(
    id: string,
    from: readonly CertificateStatus[],
    change: { status: CertificateStatus; reason: string | undefined; at: string; by: string },
  ): Promise<boolean>
  /** The ids of a person's certificates in a status. */
  idsForPerson(personId: string, status: CertificateStatus): Promise<string[]>
  /** The hashes of every certificate in the statuses (revoked, suspended), in order of change. */
  hashesInStatus(
    statuses: readonly CertificateStatus[],
  ): Promise<HealthCertificate['revocationHashes'][]>
  /**
   * Every certificate whose status was ever changed (revoked, suspended, or valid again), with
   * what a DCC Gateway revocation batch names: its signer's kid and its issuer's country.
   */
  statusChanges(): Promise<CertificateStatusChange[]>
}

/** A certificate whose status changed, as a revocation batch names it. */
export interface CertificateStatusChange {
  readonly id: string
  readonly status: CertificateStatus
  readonly statusChangedAt: string
  readonly expiresAt: string
  /** Base64 of the 8-byte kid of the document signer that signed it. */
  readonly kid: string
  /** The issuer's country (ISO 3166-1 alpha-2). */
  readonly country: string
  readonly revocationHashes: HealthCertificate['revocationHashes']
}
