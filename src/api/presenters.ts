import type { AuditEntry } from '../domain/audit/audit-entry.js'
import type { HealthCertificate } from '../domain/certificates/certificate.js'
import type { Account, ApiToken, Person } from '../domain/people/person.js'
import type { Presented } from './type-provider.js'

/** A person as the API shows it: the account link becomes a flag. */
export function presentPerson(person: Person): Presented<'Person'> {
  const { accountId, ...rest } = person
  return { ...rest, hasAccount: accountId !== undefined }
}

/** An account without secrets. */
export function presentAccount(account: Account): Presented<'Account'> {
  return {
    id: account.id,
    login: account.login,
    displayName: account.displayName,
    roles: account.roles,
    issuerId: account.issuerId,
    personId: account.personId,
    signsInWith: [
      ...(account.passwordHash ? (['password'] as const) : []),
      ...(account.oidcSubject ? (['oidc'] as const) : []),
    ],
    createdAt: account.createdAt,
  }
}

/** A token without its hash. */
export function presentApiToken(token: ApiToken): Presented<'ApiToken'> {
  return {
    id: token.id,
    name: token.name,
    createdAt: token.createdAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  }
}

/** An audit entry as it is stored: every field is public to those who may read it. */
export function presentAuditEntry(entry: AuditEntry): AuditEntry & Presented<'AuditEntry'> {
  return entry
}

/** A certificate: its QR text and status, without the revocation hashes or signing key id. */
export function presentCertificate(certificate: HealthCertificate): Presented<'Certificate'> {
  return {
    id: certificate.id,
    uvci: certificate.uvci,
    personId: certificate.personId,
    recordId: certificate.recordId,
    issuerId: certificate.issuerId,
    kind: certificate.kind,
    payloadType: certificate.kind === 'antibody' ? 'healthcode-antibody' : 'eu-dcc',
    qr: certificate.qrText,
    status: certificate.status,
    statusReason: certificate.statusReason,
    statusChangedAt: certificate.statusChangedAt,
    issuedAt: certificate.issuedAt,
    expiresAt: certificate.expiresAt,
  }
}
