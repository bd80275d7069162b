import type { RecordKind } from '../register/register-record.js'

/** Where a certificate stands: valid, suspended (a positive test, until recovery) or revoked. */
export type CertificateStatus = 'valid' | 'suspended' | 'revoked'

/** A signed certificate we issued for a register record. */
export interface HealthCertificate {
  readonly id: string
  /** The unique vaccination certificate identifier (`URN:UVCI:01:RU:…`), the DCC `ci`. */
  readonly uvci: string
  readonly personId: string
  readonly recordId: string
  readonly issuerId: string
  readonly kind: RecordKind
  readonly signingKeyId: string
  /** The `HC1:` text the QR code holds. */
  readonly qrText: string
  /** The DCC revocation hashes (first 128 bits of SHA-256, base64) of this certificate. */
  readonly revocationHashes: {
    readonly UCI: string
    readonly COUNTRYCODEUCI: string
    readonly SIGNATURE: string
  }
  readonly status: CertificateStatus
  readonly statusReason: string | undefined
  readonly statusChangedAt: string | undefined
  readonly statusChangedBy: string | undefined
  readonly issuedAt: string
  readonly expiresAt: string
}

export type NewHealthCertificate = Omit<
  HealthCertificate,
  'id' | 'status' | 'statusReason' | 'statusChangedAt' | 'statusChangedBy'
>

/** The holder of a certificate as staff who search certificates see them. */
export interface CertificateHolder {
  readonly personId: string
  readonly familyName: string
  readonly givenName: string
  readonly familyNameIcao: string
  readonly givenNameIcao: string
  readonly birthDate: string
}

/** A certificate with its holder, as a search of an issuer's certificates finds it. */
export interface CertificateWithHolder {
  readonly certificate: HealthCertificate
  readonly holder: CertificateHolder
}

/** What a search of an issuer's certificates narrows to: one UVCI, one status, or both. */
export interface CertificateSearch {
  readonly uvci?: string | undefined
  readonly status?: CertificateStatus | undefined
}
