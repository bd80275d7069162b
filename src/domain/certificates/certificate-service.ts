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
import type { Issuer, Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { StoreTransaction, Store } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type { CertificateSearch, CertificateWithHolder, HealthCertificate } from './certificate.js'
import {
  type CertificatePolicy,
  certificateExpiry,
  certificatePayload,
  isPositiveTest,
  yieldsCertificate,
} from './certificate-policy.js'
import { newUvci, normaliseUvci, uvciCheck } from './uvci.js'

/** Staff who withdraw certificates (wrong data, fraud), and who issue them by hand. */
export { issuerRoles, revokerRoles } from '../policy/role-sets.js'

/** What happened to certificates when a record was entered. */
export interface CertificateEffects {
  /** The certificate the record yielded, if any. */
  readonly issued: HealthCertificate | undefined
  /** Ids of certificates a positive test suspended, or a recovery reinstated. */
  readonly suspended: readonly string[]
  readonly reinstated: readonly string[]
}

/**
 * Certificates: each vaccination, negative test, recovery and sufficient antibody test yields a
 * signed code; a positive test suspends the holder's certificates until a recovery (by policy);
 * authorised staff revoke. Every change is audited in the transaction that makes it.
 */
export class CertificateService {
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

  /** A person's certificates: the person themselves, or staff of their issuer. */
  async listForPerson(actor: Actor, personId: string): Promise<HealthCertificate[]> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await requireHolderOrStaff(tx, actor, person)
      return tx.certificates.listForPerson(personId)
    })
  }

  /** One certificate with its holder: the holder, or staff of the issuer. */
  async find(
    actor: Actor,
    certificateId: string,
  ): Promise<{
    certificate: HealthCertificate
    person: Person
    record: RegisterRecord
    issuer: Issuer | undefined
  }> {
    return this.store.transaction(async (tx) => {
      const certificate = await tx.certificates.find(certificateId)
      if (!certificate) throw new DomainError('ERR_NOT_FOUND', `no certificate ${certificateId}`)
      const person = await tx.people.find(certificate.personId)
      const record = await tx.records.find(certificate.recordId)
      if (!person || !record)
        throw new DomainError('ERR_NOT_FOUND', `no certificate ${certificateId}`)
      await authorize(tx, actor, 'read', {
        kind: 'certificate',
        id: certificateId,
        issuerId: person.issuerId,
        holders: [person.accountId],
      })
      return { certificate, person, record, issuer: await tx.issuers.find(certificate.issuerId) }
    })
  }

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
    this.statusChanged()
    return revoked
  }
}

/** Lets the person who holds the record through, and staff of the person's issuer. */
export async function requireHolderOrStaff(
  tx: StoreTransaction,
  actor: Actor,
  person: Person,
): Promise<void> {
  await authorize(tx, actor, 'read', {
    kind: 'person',
    id: person.id,
    issuerId: person.issuerId,
    holders: [person.accountId],
  })
}

/**
 * The list whose signer signs a record's certificate: EU DCCs (vaccination, test, recovery) are
 * signed by the EU-facing document signer, our antibody certificate by the domestic one.
 */
function signerListOf(record: RegisterRecord): SignerList {
  return record.kind === 'antibody' ? 'domestic' : 'eu'
}
