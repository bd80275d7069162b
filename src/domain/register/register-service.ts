import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type {
  CertificateEffects,
  CertificateIssuingService,
} from '../certificates/certificate-issuing-service.js'
import { DomainError } from '../errors.js'
import { type RecordEvents, recordAdded } from '../events/record-events.js'
import { authorize } from '../policy/policy.js'
import type { Store } from '../ports.js'
import type { RecordDataByKind, RecordKind, RegisterRecord } from './register-record.js'
import { validateRecord } from './register-validation.js'

/** Staff roles that enter records: clinicians (and administrators correcting the register). */
export { recorderRoles } from '../policy/role-sets.js'

/** The medical register: clinicians enter a person's records; every entry is audited. */
export class RegisterService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly certificates?: CertificateIssuingService,
    /**
     * Where a new record is announced (the health code recomputes; a positive test opens a
     * case): in the record's transaction, delivered after the commit and retried until it works.
     */
    private readonly events?: RecordEvents,
  ) {}

  /**
   * Enters a record for a person of the clinician's issuer.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (naming the field).
   */
  async record<K extends RecordKind>(
    actor: Actor,
    personId: string,
    kind: K,
    data: RecordDataByKind[K],
  ): Promise<{ record: RegisterRecord; effects: CertificateEffects }> {
    const result = await this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await authorize(tx, actor, 'create', { kind: 'record', issuerId: person.issuerId })
      const now = this.clock()
      validateRecord(kind, data, person.birthDate, now)
      const record = await tx.records.create({
        personId,
        issuerId: person.issuerId,
        kind,
        data,
        recordedBy: actor.accountId,
        recordedAt: now.toISOString(),
      } as Omit<RegisterRecord, 'id'>)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: person.issuerId,
          action: `record.create`,
          entityType: kind,
          entityId: record.id,
          reason: undefined,
          data: { personId, ...data },
        },
        now.toISOString(),
      )
      const effects = this.certificates
        ? await this.certificates.afterRecord(tx, actor, record, person)
        : { issued: undefined, suspended: [], reinstated: [] }
      const eventId = await this.events?.add(tx, recordAdded(actor, record))
      return { record, effects, eventId }
    })
    this.certificates?.statusChanged(result.effects)
    if (result.eventId !== undefined) await this.events?.deliver(result.eventId)
    return { record: result.record, effects: result.effects }
  }

  /** A person's records: staff of their issuer, or the person themselves. */
  async list(actor: Actor, personId: string): Promise<RegisterRecord[]> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await authorize(tx, actor, 'read', {
        kind: 'record',
        issuerId: person.issuerId,
        holders: [person.accountId],
      })
      return tx.records.listForPerson(personId)
    })
  }
}
