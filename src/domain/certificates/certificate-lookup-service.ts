import type { Actor } from '../access/actor.js'
import { DomainError } from '../errors.js'
import type { Issuer, Person } from '../people/person.js'
import { authorize } from '../policy/policy.js'
import type { Store } from '../ports.js'
import type { RegisterRecord } from '../register/register-record.js'
import type { HealthCertificate } from './certificate.js'
import { requireHolderOrStaff } from './holder-or-staff.js'

/** Certificates read by their holder, or by staff of the holder's issuer. */
export class CertificateLookupService {
  constructor(private readonly store: Store) {}

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
}
