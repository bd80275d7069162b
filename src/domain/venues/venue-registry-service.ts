import type { ChangeNotice } from '../changes/change-notices.js'
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store, StoreTransaction } from '../ports.js'
import { authorize, decide, issuerTree } from '../policy/policy.js'
import type { Venue, VenueCategory } from './venue.js'

/** Who registers venues: venue operators, and company admins for their company. */
export { venueManagerRoles } from '../policy/role-sets.js'

/** The prefix of a venue poster's QR text: `HCV1:<venue id>.<secret>`. */
export const POSTER_PREFIX = 'HCV1:'

const CACHE_MS = 30_000

/**
 * The registry of venues: operators and company admins register venues with a poster code, list
 * and read the ones they run; the door and the check-ins find a venue here (cached a while, and
 * dropped on a change here or in another process).
 */
export class VenueRegistryService {
  readonly #venues = new Map<string, { venue: Venue; until: number }>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Told when a venue changed here (a new poster), after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * Registers a venue; a company admin may register it for their company.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` for a company the actor does not administer.
   */
  async register(
    actor: Actor,
    input: {
      name: string
      category: VenueCategory
      address: string
      district: string
      companyId?: string | undefined
      issuerId?: string | undefined
    },
  ): Promise<Venue> {
    return this.store.transaction(async (tx) => {
      const issuerId = await this.#venueIssuer(tx, actor, input.issuerId)
      if (input.companyId !== undefined) {
        const memberships = await tx.companies.membershipsOf(actor.accountId)
        if (!memberships.some((m) => m.companyId === input.companyId && m.role === 'admin')) {
          throw new DomainError(
            'ERR_FORBIDDEN',
            `only an admin of company ${input.companyId} registers its venues`,
            'companyId',
          )
        }
      }
      const at = this.clock().toISOString()
      const venue = await tx.venues.create({
        id: randomUUID(),
        name: input.name.trim(),
        category: input.category,
        address: input.address.trim(),
        district: input.district,
        companyId: input.companyId,
        issuerId,
        operatorAccountId: actor.accountId,
        posterSecret: randomBytes(16).toString('base64url'),
        createdAt: at,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'venue.create',
          entityType: 'venue',
          entityId: venue.id,
          issuerId,
          reason: undefined,
          data: { name: venue.name, category: venue.category, district: venue.district },
        },
        at,
      )
      return venue
    })
  }

  /**
   * Venues the actor runs (as operator or company admin); for the authority and administrators,
   * every venue of their issuer and the issuers below it.
   */
  async list(actor: Actor): Promise<Venue[]> {
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const overseen = { kind: 'venue' as const, issuerId: actor.issuerId }
      if (actor.issuerId !== undefined && decide(actor, 'list', overseen, tree) === true) {
        return tx.venues.list({ issuerIds: tree.subtree(actor.issuerId) })
      }
      const companies = (await tx.companies.membershipsOf(actor.accountId))
        .filter((m) => m.role === 'admin')
        .map((m) => m.companyId)
      return tx.venues.list({ operatorAccountId: actor.accountId, companyIds: companies })
    })
  }

  /** One venue the actor runs. @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`. */
  async find(actor: Actor, venueId: string): Promise<Venue> {
    const venue = await this.#venue(venueId)
    await this.#requireOperator(actor, venue)
    return venue
  }

  /** The text of the venue's poster QR code. */
  posterCode(venue: Venue): string {
    return `${POSTER_PREFIX}${venue.id}.${venue.posterSecret}`
  }

  /**
   * The venue a poster code names, when the code is the venue's current one (anyone who scans the
   * poster may check in: no actor is asked for).
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` (`venueCode`: not a poster code, or an old poster),
   *   `ERR_NOT_FOUND`.
   */
  async venueOfPoster(venueCode: string): Promise<Venue> {
    const match = /^HCV1:([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})$/.exec(venueCode.trim())
    if (!match) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected the text of a venue poster code (HCV1:…)',
        'venueCode',
      )
    }
    const venue = await this.#venue(match[1] as string)
    const secret = Buffer.from(match[2] as string)
    const expected = Buffer.from(venue.posterSecret)
    if (secret.length !== expected.length || !timingSafeEqual(secret, expected)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'the poster code is no longer valid (the venue printed a new one)',
        'venueCode',
      )
    }
    return venue
  }

  /** A new poster secret: posters printed before stop working. */
  async rotatePoster(actor: Actor, venueId: string): Promise<Venue> {
    const venue = await this.find(actor, venueId)
    const secret = randomBytes(16).toString('base64url')
    await this.store.transaction((tx) => tx.venues.setPosterSecret(venue.id, secret))
    this.#venues.delete(venue.id)
    this.onChange?.({ topic: 'venue', subject: venue.id })
    return { ...venue, posterSecret: secret }
  }

  /** Drops the cached copy of a venue another process changed. */
  forget(notice: ChangeNotice): void {
    if (notice.topic === 'venue' && notice.subject !== undefined)
      this.#venues.delete(notice.subject)
  }

  async #venue(id: string): Promise<Venue> {
    const now = this.clock().getTime()
    const cached = this.#venues.get(id)
    if (cached && cached.until > now) return cached.venue
    const venue = await this.store.transaction((tx) => tx.venues.find(id))
    if (!venue) throw new DomainError('ERR_NOT_FOUND', `no venue ${id}`)
    this.#venues.set(id, { venue, until: now + CACHE_MS })
    return venue
  }

  /**
   * The region a new venue is in: the one named (any issuer: operators are not staff), else the
   * registering account's issuer, else the issuer of the person record it holds, else the root.
   */
  async #venueIssuer(
    tx: StoreTransaction,
    actor: Actor,
    named: string | undefined,
  ): Promise<string | undefined> {
    const tree = await issuerTree(tx)
    if (named !== undefined) {
      if (!tree.has(named)) {
        throw new DomainError('ERR_INVALID_FIELD', `no issuer ${named}`, 'issuerId')
      }
      return named
    }
    if (actor.issuerId !== undefined) return actor.issuerId
    if (actor.personId !== undefined) {
      const person = await tx.people.find(actor.personId)
      if (person) return person.issuerId
    }
    return tree.roots()[0]
  }

  /** Lets the venue's operator, an admin of its company, and the authority over its region by. */
  async #requireOperator(actor: Actor, venue: Venue): Promise<void> {
    await this.store.transaction(async (tx) => {
      const memberships =
        venue.companyId === undefined ? [] : await tx.companies.membershipsOf(actor.accountId)
      const companyAdmin = memberships.some(
        (m) => m.companyId === venue.companyId && m.role === 'admin',
      )
      await authorize(tx, actor, 'read', {
        kind: 'venue',
        id: venue.id,
        issuerId: venue.issuerId,
        holders: [venue.operatorAccountId, companyAdmin ? actor.accountId : undefined],
      })
    })
  }
}
