import {
  type JsonValue,
  decodeBase45,
  decodeCoseSign1,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../../codec/hc1/index.js'
import { revocationHashes } from '../../codec/revocation/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { SignerList } from '../keys/signing-key.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import type { Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { StoreTransaction, Store } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type { HealthCertificate } from './certificate.js'
import {
  type CertificatePolicy,
  certificateExpiry,
  certificatePayload,
  isPositiveTest,
  yieldsCertificate,
} from './certificate-policy.js'
import { newUvci } from './uvci.js'

/** Staff who issue certificates by hand. */
export { issuerRoles } from '../policy/role-sets.js'

/** What happened to certificates when a record was entered. */
export interface CertificateEffects {
  /** The certificate the record yielded, if any. */
  readonly issued: HealthCertificate | undefined
  /** Ids of certificates a positive test suspended, or a recovery reinstated. */
  readonly suspended: readonly string[]
  readonly reinstated: readonly string[]
}

/**
 * Issuing certificates: each vaccination, negative test, recovery and sufficient antibody test
 * yields a signed code; a positive test suspends the holder's certificates until a recovery (by
 * policy). Every change is audited in the transaction that makes it. Reading certificates is
 * `CertificateLookupService`, revoking them `CertificateRevocationService`.
 */
export class CertificateIssuingService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly policy: CertificatePolicy,
    /** Called after a status change commits, so that verifiers drop their cached revocation list. */
    private readonly onStatusChange: () => void = () => {},
  ) {}

  /**
   * Applies a new record's consequences inside the caller's transaction: issues its certificate
   * (when it yields one and the issuer has a signing key), suspends on a positive test, reinstates
   * on a recovery.
   */
  async afterRecord(
    tx: StoreTransaction,
    actor: Actor,
    record: RegisterRecord,
    person: Person,
  ): Promise<CertificateEffects> {
    const now = this.clock().toISOString()
    let suspended: string[] = []
    let reinstated: string[] = []
    if (isPositiveTest(record) && this.policy.suspendOnPositiveTest) {
      suspended = await this.#changeAll(tx, actor, person.id, 'valid', 'suspended', now, {
        reason: `positive test sampled ${record.kind === 'test' ? record.data.sampledAt : ''}`,
        recordId: record.id,
      })
    }
    if (record.kind === 'recovery') {
      reinstated = await this.#changeAll(tx, actor, person.id, 'suspended', 'valid', now, {
        reason: 'recovery recorded',
        recordId: record.id,
      })
    }
    let issued: HealthCertificate | undefined
    if (yieldsCertificate(record) && this.keys.canSign) {
      const signer = await this.keys.findSigner(tx, record.issuerId, signerListOf(record))
      if (signer) issued = await this.#issue(tx, actor, record, person)
    }
    return { issued, suspended, reinstated }
  }

  async #changeAll(
    tx: StoreTransaction,
    actor: Actor,
    personId: string,
    from: 'valid' | 'suspended',
    to: 'valid' | 'suspended',
    at: string,
    why: { reason: string; recordId: string },
  ): Promise<string[]> {
    const ids = await tx.certificates.idsForPerson(personId, from)
    for (const id of ids) {
      await tx.certificates.setStatus(id, [from], {
        status: to,
        reason: why.reason,
        at,
        by: actor.accountId,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: to === 'suspended' ? 'certificate.suspend' : 'certificate.reinstate',
          entityType: 'certificate',
          entityId: id,
          reason: why.reason,
          data: { personId, recordId: why.recordId },
        },
        at,
      )
    }
    return ids
  }

  /** Tells listeners (cached revocation lists) that statuses changed; call after the commit. */
  statusChanged(effects?: CertificateEffects): void {
    if (!effects || effects.suspended.length > 0 || effects.reinstated.length > 0) {
      this.onStatusChange()
    }
  }

  /** Signs and stores the certificate of a record, in the caller's transaction. */
  async #issue(
    tx: StoreTransaction,
    actor: Actor,
    record: RegisterRecord,
    person: Person,
  ): Promise<HealthCertificate> {
    const issuer = await tx.issuers.find(record.issuerId)
    if (!issuer) throw new DomainError('ERR_NOT_FOUND', `no issuer ${record.issuerId}`)
    const signer = await this.keys.signerFor(tx, record.issuerId, signerListOf(record))
    const issuedAt = new Date(Math.floor(this.clock().getTime() / 1000) * 1000)
    const expiry = Math.min(
      certificateExpiry(record, issuedAt, this.policy).getTime(),
      Date.parse(signer.key.notAfter),
    )
    const expiresAt = new Date(Math.floor(expiry / 1000) * 1000)
    if (expiresAt.getTime() <= issuedAt.getTime()) {
      throw new DomainError(
        'ERR_RECORD_EXPIRED',
        `the ${record.kind} record ${record.id} is no longer valid: its certificate would expire at once`,
      )
    }
    const uvci = newUvci(issuer.country, issuer.id)
    const { payloadType, payload } = certificatePayload(record, person, uvci, issuer.name)
    const qrText = signHc1(
      { dcc: payload as JsonValue, payloadType, issuer: issuer.country, issuedAt, expiresAt },
      { privateKey: signer.privateKey, kid: signer.kid },
    )
    const signature = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(qrText)))).signature
    const certificate = await tx.certificates.create({
      uvci,
      personId: person.id,
      recordId: record.id,
      issuerId: issuer.id,
      kind: record.kind,
      signingKeyId: signer.key.id,
      qrText,
      revocationHashes: revocationHashes({
        uvci,
        country: issuer.country,
        signature,
        algorithm: 'ES256',
      }),
      issuedAt: issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    })
    await tx.audit.append(
      {
        actorAccountId: actor.accountId,
        action: 'certificate.issue',
        entityType: 'certificate',
        entityId: certificate.id,
        reason: undefined,
        data: {
          uvci,
          personId: person.id,
          recordId: record.id,
          kind: record.kind,
          kid: signer.key.kid,
          expiresAt: certificate.expiresAt,
        },
      },
      issuedAt.toISOString(),
    )
    return certificate
  }

  /**
   * Issues the certificate of an existing record by hand (for a record entered while its issuer had
   * no key, or after a revocation for wrong data was corrected by a new record).
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_RECORD_YIELDS_NO_CERTIFICATE`,
   *   `ERR_RECORD_HAS_CERTIFICATE`, `ERR_RECORD_EXPIRED`, `ERR_SIGNING_UNAVAILABLE`.
   */
  async issueForRecord(actor: Actor, recordId: string): Promise<HealthCertificate> {
    return this.store.transaction(async (tx) => {
      const record = await tx.records.find(recordId)
      if (!record) throw new DomainError('ERR_NOT_FOUND', `no record ${recordId}`)
      await authorize(tx, actor, 'issue', {
        kind: 'certificate',
        id: recordId,
        issuerId: record.issuerId,
      })
      if (!yieldsCertificate(record)) {
        throw new DomainError(
          'ERR_RECORD_YIELDS_NO_CERTIFICATE',
          `a ${record.kind} record like this one yields no certificate (a positive test, or an antibody level below its threshold)`,
        )
      }
      const existing = await tx.certificates.listForRecord(recordId)
      if (existing.some((certificate) => certificate.status !== 'revoked')) {
        throw new DomainError(
          'ERR_RECORD_HAS_CERTIFICATE',
          `record ${recordId} already has a certificate`,
        )
      }
      const person = await tx.people.find(record.personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${record.personId}`)
      return this.#issue(tx, actor, record, person)
    })
  }
}

/**
 * The list whose signer signs a record's certificate: EU DCCs (vaccination, test, recovery) are
 * signed by the EU-facing document signer, our antibody certificate by the domestic one.
 */
function signerListOf(record: RegisterRecord): SignerList {
  return record.kind === 'antibody' ? 'domestic' : 'eu'
}
