import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { KeyVault } from '../keys/key-vault.js'
import type { Store } from '../ports.js'
import { authorize } from '../policy/policy.js'
import { generateClaimCode, hashClaimCode } from './claim-code.js'
import type { Person } from './person.js'
import { type PersonInput, newPersonFrom } from './person-input.js'
import { storeClaimCode } from './stored-claim-code.js'

/** Staff roles that may register and edit people, and that may read them. */
export { readerRoles, registrarRoles } from '../policy/role-sets.js'

/** A new person record with the claim code printed on the registration slip. */
export type RegisteredPerson = Person & { readonly claimCode: string }

/**
 * The people of the register, as staff reach them: registered from an identity document (with the
 * claim code of the registration slip), read, listed and corrected, each within the staff's own
 * region. How an account comes to hold its record is `PersonClaimService`'s.
 */
export class PeopleService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Seals claim codes so that the clinic can print them again; without it they are not printed. */
    private readonly vault?: KeyVault,
  ) {}

  /**
   * Registers a person from an identity document: clinic staff do this for people without an
   * account. Staff register into their own issuer's register.
   */
  async register(actor: Actor, input: PersonInput): Promise<RegisteredPerson> {
    const issuerId = input.issuerId ?? actor.issuerId
    if (!issuerId) throw new DomainError('ERR_INVALID_FIELD', 'expected an issuerId', 'issuerId')
    const claimCode = generateClaimCode()
    const codeHash = await hashClaimCode(claimCode)
    return this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'create', { kind: 'person', issuerId })
      const person = newPersonFrom(input, issuerId, this.clock())
      if (await tx.people.findByDocument(person.document)) {
        throw new DomainError(
          'ERR_CONFLICT',
          'a person with this identity document is already registered',
          'document',
        )
      }
      const created = await tx.people.create(person)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'person.create',
          entityType: 'person',
          entityId: created.id,
          reason: undefined,
          data: created,
        },
        this.clock().toISOString(),
      )
      await storeClaimCode(
        tx,
        created.id,
        claimCode,
        codeHash,
        actor.accountId,
        this.clock().toISOString(),
        this.vault,
      )
      return { ...created, claimCode }
    })
  }

  /** Reads a person: staff of their issuer, or the account that claimed the record. */
  async get(actor: Actor, id: string): Promise<Person> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(id)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${id}`)
      await authorize(tx, actor, 'read', {
        kind: 'person',
        id,
        issuerId: person.issuerId,
        holders: [person.accountId],
      })
      return person
    })
  }

  /** Lists the people of the actor's issuer (or a region under it), newest first. */
  async list(
    actor: Actor,
    issuerId: string | undefined,
    page: { limit: number; offset: number },
  ): Promise<Person[]> {
    const target = issuerId ?? actor.issuerId
    if (!target) throw new DomainError('ERR_FORBIDDEN', 'only staff of an issuer list people')
    return this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'list', { kind: 'person', issuerId: target })
      return tx.people.list(target, page)
    })
  }

  /** Changes a person's details, with the reason recorded in the audit log. */
  async update(
    actor: Actor,
    id: string,
    changes: Partial<PersonInput>,
    reason: string,
  ): Promise<Person> {
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(id)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${id}`)
      await authorize(tx, actor, 'update', { kind: 'person', id, issuerId: person.issuerId })
      const merged = newPersonFrom(
        {
          familyName: changes.familyName ?? person.familyName,
          givenName: changes.givenName ?? person.givenName,
          familyNameIcao:
            changes.familyNameIcao ?? (changes.familyName ? undefined : person.familyNameIcao),
          givenNameIcao:
            changes.givenNameIcao ?? (changes.givenName ? undefined : person.givenNameIcao),
          birthDate: changes.birthDate ?? person.birthDate,
          residency: changes.residency ?? person.residency,
          document: changes.document ?? person.document,
          phone: changes.phone ?? person.phone,
          email: changes.email ?? person.email,
          language: changes.language ?? person.language,
          district: changes.district ?? person.district,
        },
        person.issuerId,
        this.clock(),
      )
      const { issuerId: _issuer, ...fields } = merged
      const updated = await tx.people.update(id, fields)
      if (!updated) throw new DomainError('ERR_NOT_FOUND', `no person ${id}`)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'person.update',
          entityType: 'person',
          entityId: id,
          reason,
          data: changes,
        },
        this.clock().toISOString(),
      )
      return updated
    })
  }
}
