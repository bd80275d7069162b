import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { KeyVault } from '../keys/key-vault.js'
import type { Lockout } from '../limits/lockout.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import type { Store } from '../ports.js'
import { authorize, decide, issuerTree } from '../policy/policy.js'
import { claimCodeMatches, generateClaimCode, hashClaimCode } from './claim-code.js'
import type { Account, Person } from './person.js'
import { type PersonInput, newPersonFrom, normaliseDocument } from './person-input.js'
import { openClaimCode, storeClaimCode } from './stored-claim-code.js'

/** What guards claims: the lockouts per account and per target record, and the sealing key. */
export interface ClaimGuard {
  /** Failed claims per claiming account. */
  readonly perAccount: Lockout
  /** Failed claims per target record (its identity document), whichever account makes them. */
  readonly perRecord: Lockout
  /** Seals claim codes so that the clinic can print them again; without it they are not printed. */
  readonly vault: KeyVault | undefined
}

/** A hash no code matches, checked when there is no record so that both take as long. */
let decoyHash: Promise<string> | undefined

/**
 * How an account comes to hold its person record: a citizen claims the record staff made for them
 * with the one-time claim code staff issue (and print), or registers themselves; and what the
 * signed-in account holds.
 */
export class PersonClaimService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly guard?: ClaimGuard,
    /** Called after an account comes to hold a person record (claim, self-registration). */
    private readonly onAccountChanged: (accountId: string) => void = () => {},
  ) {}

  /**
   * Clinic staff of the person's issuer issue a new claim code for an unclaimed record (the slip
   * was lost); the code before it stops working.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_ALREADY_CLAIMED`.
   */
  async issueClaimCode(
    actor: Actor,
    personId: string,
  ): Promise<{ claimCode: string; issuedAt: string }> {
    const claimCode = generateClaimCode()
    const codeHash = await hashClaimCode(claimCode)
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
      await authorize(tx, actor, 'update', {
        kind: 'person',
        id: personId,
        issuerId: person.issuerId,
      })
      if (person.accountId !== undefined) {
        throw new DomainError('ERR_ALREADY_CLAIMED', 'this record is claimed already')
      }
      const issuedAt = this.clock().toISOString()
      await storeClaimCode(
        tx,
        personId,
        claimCode,
        codeHash,
        actor.accountId,
        issuedAt,
        this.guard?.vault,
      )
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'person.claim-code.issue',
          entityType: 'person',
          entityId: personId,
          reason: undefined,
          data: { issuedAt },
        },
        issuedAt,
      )
      return { claimCode, issuedAt }
    })
  }

  /**
   * The current claim code of an unclaimed record, to print on its certificate: only for clinic
   * staff of the person's issuer, and only when the code was sealed (a key-encryption key is
   * configured); undefined otherwise, never an error, so printing goes on without it.
   */
  async claimCodeForPrint(actor: Actor, personId: string): Promise<string | undefined> {
    const vault = this.guard?.vault
    if (!vault) return undefined
    return this.store.transaction(async (tx) => {
      const person = await tx.people.find(personId)
      if (!person || person.accountId !== undefined) return undefined
      const resource = { kind: 'person', id: personId, issuerId: person.issuerId } as const
      if (decide(actor, 'update', resource, await issuerTree(tx)) !== true) return undefined
      const stored = await tx.claimCodes.find(personId)
      if (!stored?.sealedCode) return undefined
      try {
        return openClaimCode(vault, personId, stored.sealedCode)
      } catch {
        return undefined
      }
    })
  }

  /**
   * A citizen registers themselves (a resident or a foreigner with a portal account) in the register
   * of the region they live in, and their account holds the new record.
   *
   * @throws {DomainError} `ERR_ALREADY_CLAIMED`, `ERR_CONFLICT` (the document is registered: claim
   *   it instead), `ERR_INVALID_FIELD`.
   */
  async registerSelf(actor: Actor, input: PersonInput & { issuerId: string }): Promise<Person> {
    const registered = await this.store.transaction(async (tx) => {
      const account = await tx.accounts.find(actor.accountId)
      if (!account) throw new DomainError('ERR_NOT_FOUND', 'no such account')
      if (account.personId) {
        throw new DomainError('ERR_ALREADY_CLAIMED', 'this account already holds a person record')
      }
      const issuer = await tx.issuers.find(input.issuerId)
      if (!issuer)
        throw new DomainError('ERR_INVALID_FIELD', `no issuer ${input.issuerId}`, 'issuerId')
      const person = newPersonFrom(input, issuer.id, this.clock())
      if (await tx.people.findByDocument(person.document)) {
        throw new DomainError(
          'ERR_CONFLICT',
          'a person with this identity document is registered already: claim the record (POST /api/v1/me/claim)',
          'document',
        )
      }
      const created = await tx.people.create(person)
      await tx.people.setAccount(created.id, account.id)
      await tx.accounts.setPerson(account.id, created.id)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'person.register-self',
          entityType: 'person',
          entityId: created.id,
          reason: undefined,
          data: created,
        },
        this.clock().toISOString(),
      )
      return { ...created, accountId: account.id }
    })
    this.onAccountChanged(actor.accountId)
    return registered
  }

  /** The signed-in account and the person record it holds (each undefined when there is none). */
  async me(actor: Actor): Promise<{ account: Account | undefined; person: Person | undefined }> {
    return this.store.transaction(async (tx) => {
      const account = await tx.accounts.find(actor.accountId)
      const person = account?.personId ? await tx.people.find(account.personId) : undefined
      return { account, person }
    })
  }

  /**
   * Lets a citizen claim the record clinic staff made for them, by proving the same identity
   * document and birth date and giving the one-time claim code from the registration slip or the
   * printed certificate; the code is used up. Failures count against the account and against the
   * record (its document), whichever account makes them, and lock both out with back-off; every
   * failure is audited (the account, never the values guessed). One answer for every mismatch.
   *
   * @throws {DomainError} `ERR_CLAIM_MISMATCH`, `ERR_ALREADY_CLAIMED` (this account holds a
   *   record), `ERR_CLAIM_LOCKED` (a {@link LimitReachedError}).
   */
  async claim(
    actor: Actor,
    document: PersonInput['document'],
    birthDate: string,
    claimCode: string | undefined,
  ): Promise<Person> {
    const normalisedDocument = normaliseDocument(document)
    const accountKeys = [actor.accountId]
    const recordKeys = [
      `${normalisedDocument.type}:${normalisedDocument.country}:${normalisedDocument.number}`,
    ]
    if (this.guard) {
      const [byAccount, byRecord] = await Promise.all([
        this.guard.perAccount.lockedUntil(accountKeys),
        this.guard.perRecord.lockedUntil(recordKeys),
      ])
      const until = [byAccount, byRecord].reduce<Date | undefined>(
        (latest, date) => (date && (!latest || date > latest) ? date : latest),
        undefined,
      )
      if (until) {
        throw new LimitReachedError(
          'ERR_CLAIM_LOCKED',
          'too many failed claims: try again later',
          secondsUntil(until, this.clock()),
        )
      }
    }
    const account = await this.store.transaction((tx) => tx.accounts.find(actor.accountId))
    if (!account) throw new DomainError('ERR_NOT_FOUND', 'no such account')
    if (account.personId)
      throw new DomainError('ERR_ALREADY_CLAIMED', 'this account already holds a person record')
    const candidate = await this.store.transaction(async (tx) => {
      const person = await tx.people.findByDocument(normalisedDocument)
      return person && { person, code: await tx.claimCodes.find(person.id) }
    })
    // The code is checked whatever else failed, so an answer's time does not tell which part did.
    const codeMatches = await claimCodeMatches(
      claimCode,
      candidate?.code?.codeHash ?? (await (decoyHash ??= hashClaimCode(generateClaimCode()))),
    )
    const matches =
      candidate !== undefined &&
      candidate.code !== undefined &&
      codeMatches &&
      candidate.person.birthDate === birthDate &&
      candidate.person.accountId === undefined
    const claimed = matches
      ? await this.store.transaction(async (tx) => {
          const { person, code } = candidate
          // Another request may have used the code meanwhile: it must still be the same one.
          const current = await tx.claimCodes.find(person.id)
          const fresh = await tx.people.find(person.id)
          if (current?.codeHash !== code?.codeHash || !fresh || fresh.accountId !== undefined) {
            return undefined
          }
          await tx.claimCodes.delete(person.id)
          await tx.people.setAccount(person.id, account.id)
          await tx.accounts.setPerson(account.id, person.id)
          await tx.audit.append(
            {
              actorAccountId: actor.accountId,
              action: 'person.claim',
              entityType: 'person',
              entityId: person.id,
              reason: undefined,
              data: { accountId: account.id },
            },
            this.clock().toISOString(),
          )
          return { ...fresh, accountId: account.id }
        })
      : undefined
    if (!claimed) {
      await this.guard?.perAccount.fail(accountKeys)
      await this.guard?.perRecord.fail(recordKeys)
      await this.store.transaction((tx) =>
        tx.audit.append(
          {
            actorAccountId: actor.accountId,
            action: 'person.claim.failed',
            entityType: 'account',
            entityId: actor.accountId,
            reason: undefined,
            data: { accountId: actor.accountId },
          },
          this.clock().toISOString(),
        ),
      )
      throw new DomainError(
        'ERR_CLAIM_MISMATCH',
        'no unclaimed record matches this document, birth date and claim code',
      )
    }
    await this.guard?.perAccount.reset(accountKeys)
    this.onAccountChanged(actor.accountId)
    return claimed
  }
}
