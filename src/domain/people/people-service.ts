import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { KeyVault } from '../keys/key-vault.js'
import type { Lockout } from '../limits/lockout.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import { claimCodeMatches, generateClaimCode, hashClaimCode } from './claim-code.js'
import type { Store, StoreTransaction } from '../ports.js'
import { authorize, decide, issuerTree } from '../policy/policy.js'
import { proposeLatinName } from './hanyu-pinyin.js'
import { isIcaoName } from './icao-transliteration.js'
import type {
  Account,
  IdentityDocument,
  IdentityDocumentType,
  Language,
  NewPerson,
  Person,
  Residency,
} from './person.js'

/** Staff roles that may register and edit people, and that may read them. */
export { readerRoles, registrarRoles } from '../policy/role-sets.js'

/** What staff give to register a person (also one without an account). */
export interface PersonInput {
  readonly issuerId?: string
  readonly familyName: string
  readonly givenName: string
  readonly familyNameIcao?: string
  readonly givenNameIcao?: string
  readonly birthDate: string
  readonly residency: Residency
  readonly document: { type: IdentityDocumentType; number: string; country: string }
  readonly phone?: string
  readonly email?: string
  readonly language?: Language
  readonly district?: string
}

/** Normalises a document number as printed: upper case, no spaces or dashes. */
export function normaliseDocument(document: PersonInput['document']): IdentityDocument {
  return {
    type: document.type,
    number: document.number.toUpperCase().replace(/[\s-]/g, ''),
    country: document.country.toUpperCase(),
  }
}

/**
 * Checks a birth date as the DCC allows it (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), real and not in
 * the future.
 */
export function checkBirthDate(text: string, now: Date): void {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text)
  if (!match) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected YYYY-MM-DD (or YYYY-MM, YYYY), but found ${JSON.stringify(text)}`,
      'birthDate',
    )
  }
  const [, year, month, day] = match
  const date = new Date(Date.UTC(Number(year), Number(month ?? 1) - 1, Number(day ?? 1)))
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month ?? 1) - 1 ||
    date.getUTCDate() !== Number(day ?? 1) ||
    Number(year) < 1900
  ) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a real date from 1900 on, but found ${text}`,
      'birthDate',
    )
  }
  if (date.getTime() > now.getTime()) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a birth date in the past, but found ${text}`,
      'birthDate',
    )
  }
}

/**
 * The ICAO form of a name part: as given, else proposed (the ICAO tables for Latin and Cyrillic,
 * Hanyu Pinyin for Chinese), so that a Chinese name needs no hand-typed Latin form.
 */
function icaoName(
  native: string,
  given: string | undefined,
  field: string,
  part: 'family' | 'given',
): string {
  const icao = given ?? proposeLatinName(native, part)?.icao
  if (icao === undefined) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `"${native}" has no ICAO transliteration table here: give ${field} (A-Z and <) as the travel document shows it`,
      field,
    )
  }
  if (!isIcaoName(icao)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected A-Z and < only (ICAO 9303), but found ${JSON.stringify(icao)}`,
      field,
    )
  }
  return icao
}

/** Turns input into a new person record, checking every field. */
export function newPersonFrom(input: PersonInput, issuerId: string, now: Date): NewPerson {
  checkBirthDate(input.birthDate, now)
  if (!/^[A-Z]{2}$/i.test(input.document.country)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected an ISO 3166-1 alpha-2 country, but found ${JSON.stringify(input.document.country)}`,
      'document.country',
    )
  }
  const document = normaliseDocument(input.document)
  if (!/^[A-Z0-9]{3,20}$/.test(document.number)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected 3 to 20 letters and digits, but found ${JSON.stringify(input.document.number)}`,
      'document.number',
    )
  }
  return {
    issuerId,
    familyName: input.familyName.trim(),
    givenName: input.givenName.trim(),
    familyNameIcao: icaoName(input.familyName, input.familyNameIcao, 'familyNameIcao', 'family'),
    givenNameIcao: icaoName(input.givenName, input.givenNameIcao, 'givenNameIcao', 'given'),
    birthDate: input.birthDate,
    residency: input.residency,
    document,
    phone: input.phone,
    email: input.email?.toLowerCase(),
    language: input.language ?? 'ru',
    district: input.district,
  }
}

/** What guards claims: the lockouts per account and per target record, and the sealing key. */
export interface ClaimGuard {
  /** Failed claims per claiming account. */
  readonly perAccount: Lockout
  /** Failed claims per target record (its identity document), whichever account makes them. */
  readonly perRecord: Lockout
  /** Seals claim codes so that the clinic can print them again; without it they are not printed. */
  readonly vault: KeyVault | undefined
}

/** A new person record with the claim code printed on the registration slip. */
export type RegisteredPerson = Person & { readonly claimCode: string }

/** The sealing context of a person's claim code. */
const claimCodeContext = (personId: string) => `claim-code:${personId}`

/**
 * Stores a person's claim code (hash, and a sealed copy when there is a vault), replacing the one
 * before. The demo sets a known code through this.
 */
export async function storeClaimCode(
  tx: StoreTransaction,
  personId: string,
  code: string,
  codeHash: string,
  issuedBy: string | undefined,
  at: string,
  vault: KeyVault | undefined,
): Promise<void> {
  await tx.claimCodes.put({
    personId,
    codeHash,
    sealedCode: vault?.sealText(code, claimCodeContext(personId)),
    issuedBy,
    issuedAt: at,
  })
}

/** A hash no code matches, checked when there is no record so that both take as long. */
let decoyHash: Promise<string> | undefined

/** The people of the register, as staff and citizens reach them. */
export class PeopleService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly guard?: ClaimGuard,
    /** Called after an account comes to hold a person record (claim, self-registration). */
    private readonly onAccountChanged: (accountId: string) => void = () => {},
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
        this.guard?.vault,
      )
      return { ...created, claimCode }
    })
  }

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
        return vault.openText(stored.sealedCode, claimCodeContext(personId))
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
