import type { ChangeNotice } from '../changes/change-notices.js'
import type { Actor } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, issuerTree } from '../policy/policy.js'
import { defaultEntryPolicies } from './entry-decision.js'
import type { EntryPolicy, Venue, VenueCategory } from './venue.js'

/** Who sets entry policies: the health authority. */
export const policyRoles: readonly Role[] = ['health_authority']

const CACHE_MS = 30_000

/**
 * The entry policies of the venue categories, per issuer: the health authority sets its region's;
 * a venue's door applies its region's, else the nearest ancestor's, else the built-in default.
 * Cached a while, and dropped on a change here or in another process.
 */
export class EntryPolicyService {
  #policies:
    { tree: IssuerTree; policies: Map<string, Map<string, EntryPolicy>>; until: number } | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Told when an entry policy changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * The entry policy of every category as it applies in an issuer (the root by default): the
   * issuer's own version, else the nearest ancestor's, else the built-in default.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown issuer.
   */
  async list(issuerId?: string): Promise<Record<VenueCategory, EntryPolicy>> {
    const { tree, policies } = await this.#storedPolicies()
    const at = issuerId ?? tree.roots()[0]
    if (issuerId !== undefined && !tree.has(issuerId)) {
      throw new DomainError('ERR_NOT_FOUND', `no issuer ${issuerId}`, 'issuerId')
    }
    return Object.fromEntries(
      Object.keys(defaultEntryPolicies).map((category) => [
        category,
        entryPolicyIn(tree, policies, at, category as VenueCategory),
      ]),
    ) as Record<VenueCategory, EntryPolicy>
  }

  /**
   * The health authority sets a category's entry policy for its issuer (or one below it): a
   * region's authority its region's version, the federal authority the nationwide default.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` for a policy that admits nobody, `ERR_FORBIDDEN`.
   */
  async set(
    actor: Actor,
    category: VenueCategory,
    policy: EntryPolicy,
    issuerId?: string,
  ): Promise<void> {
    if (!policy.acceptGreenCode && policy.acceptCertificates.length === 0) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a policy that accepts neither a green code nor any certificate admits nobody',
        'acceptCertificates',
      )
    }
    if (policy.admitYellowCode === true && !policy.acceptGreenCode) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a yellow code admits only where a green one does: set acceptGreenCode too',
        'admitYellowCode',
      )
    }
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      const owner = issuerId ?? actor.issuerId
      await authorize(tx, actor, 'update', {
        kind: 'entry_policies',
        id: category,
        issuerId: owner,
      })
      await tx.venues.setEntryPolicy(owner as string, category, policy, actor.accountId, at)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'entry-policy.set',
          entityType: 'entry_policy',
          entityId: category,
          reason: undefined,
          data: { ...policy },
        },
        at,
      )
    })
    this.#policies = undefined
    this.onChange?.({ topic: 'entry-policies' })
  }

  /** The policy a venue's door applies: its region's, else the nearest ancestor's, else default. */
  async forVenue(venue: Venue): Promise<EntryPolicy> {
    const { tree, policies } = await this.#storedPolicies()
    return entryPolicyIn(tree, policies, venue.issuerId ?? tree.roots()[0], venue.category)
  }

  /** Drops the cached policies after another process changed one. */
  forget(): void {
    this.#policies = undefined
  }

  async #storedPolicies(): Promise<{
    tree: IssuerTree
    policies: Map<string, Map<string, EntryPolicy>>
  }> {
    const now = this.clock().getTime()
    if (this.#policies && this.#policies.until > now) return this.#policies
    const { tree, policies } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      policies: await tx.venues.entryPolicies(),
    }))
    this.#policies = { tree, policies, until: now + CACHE_MS }
    return this.#policies
  }
}

/** An issuer's policy of a category: its own, else the nearest ancestor's, else the default. */
function entryPolicyIn(
  tree: IssuerTree,
  policies: Map<string, Map<string, EntryPolicy>>,
  issuerId: string | undefined,
  category: VenueCategory,
): EntryPolicy {
  for (const owner of issuerId === undefined ? [] : tree.lineage(issuerId)) {
    const policy = policies.get(owner)?.get(category)
    if (policy) return policy
  }
  return defaultEntryPolicies[category]
}
