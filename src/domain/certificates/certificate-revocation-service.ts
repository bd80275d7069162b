import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { authorize } from '../policy/policy.js'
import type { Store } from '../ports.js'
import type { CertificateSearch, CertificateWithHolder, HealthCertificate } from './certificate.js'
import { normaliseUvci, uvciCheck } from './uvci.js'

/** Staff who withdraw certificates (wrong data, fraud). */
export { revokerRoles } from '../policy/role-sets.js'

/**
 * Revoking certificates, for good, with a reason (wrong data, fraud), and finding them for the
 * staff who revoke. Every revocation is audited in its transaction.
 */
export class CertificateRevocationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Called after a revocation commits, so that verifiers drop their cached revocation list. */
    private readonly onStatusChange: () => void = () => {},
  ) {}

  /**
   * Finds an issuer's certificates with their holders, for staff who revoke: one by its UVCI (as
   * typed: case and the `URN:UVCI:` prefix do not matter), or those in a status (the revoked ones,
   * latest first). The issuer is the actor's own unless another is named (a region under it).
   *
   * @throws {DomainError} `ERR_FORBIDDEN` for other staff or another issuer, `ERR_INVALID_FIELD`
   *   for an unknown issuer, `ERR_UVCI_CHECK` for a UVCI whose check character does not check.
   */
  async search(
    actor: Actor,
    search: CertificateSearch & { issuerId?: string | undefined },
    page: { limit: number; offset: number },
  ): Promise<CertificateWithHolder[]> {
    const issuerId = search.issuerId ?? actor.issuerId
    if (issuerId === undefined) {
      throw new DomainError('ERR_FORBIDDEN', 'only staff of an issuer search its certificates')
    }
    const uvci = search.uvci === undefined ? undefined : normaliseUvci(search.uvci)
    // A mistyped UVCI is told apart from one we never issued. Both check characters count: the
    // guidelines' Luhn mod 38, and the Luhn mod 36 of the certificates issued before it.
    if (uvci !== undefined && uvciCheck(uvci) === 'wrong') {
      throw new DomainError(
        'ERR_UVCI_CHECK',
        `expected the character after "#" to be the UVCI's check character (Luhn mod N over the whole UVCI, UVCI guidelines Annex 2), but ${JSON.stringify(uvci)} does not check: a character was mistyped`,
        'uvci',
      )
    }
    return this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'list', { kind: 'certificate', issuerId })
      return tx.certificates.search(
        issuerId,
        {
          uvci,
          status: search.status,
        },
        page,
      )
    })
  }

  /**
   * Revokes a certificate, for good, with a reason.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_CERTIFICATE_ALREADY_REVOKED`.
   */
  async revoke(actor: Actor, certificateId: string, reason: string): Promise<HealthCertificate> {
    const revoked = await this.store.transaction(async (tx) => {
      const certificate = await tx.certificates.find(certificateId)
      if (!certificate) throw new DomainError('ERR_NOT_FOUND', `no certificate ${certificateId}`)
      await authorize(tx, actor, 'revoke', {
        kind: 'certificate',
        id: certificateId,
        issuerId: certificate.issuerId,
      })
      const at = this.clock().toISOString()
      const changed = await tx.certificates.setStatus(certificateId, ['valid', 'suspended'], {
        status: 'revoked',
        reason,
        at,
        by: actor.accountId,
      })
      if (!changed) {
        throw new DomainError(
          'ERR_CERTIFICATE_ALREADY_REVOKED',
          `certificate ${certificateId} is revoked already`,
        )
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'certificate.revoke',
          entityType: 'certificate',
          entityId: certificateId,
          reason,
          data: { uvci: certificate.uvci, personId: certificate.personId },
        },
        at,
      )
      return (await tx.certificates.find(certificateId)) as HealthCertificate
    })
    this.onStatusChange()
    return revoked
  }
}
