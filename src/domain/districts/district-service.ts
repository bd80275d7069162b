import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { District, Store } from '../ports.js'
import { authorize, issuerTree } from '../policy/policy.js'

/**
 * Districts: the named parts of a region that its authority defines, from which risk areas and
 * venues are picked and by which dashboards count.
 */
export class DistrictService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The districts defined in an issuer's region and the regions under it; every one without. */
  async districts(issuerId?: string): Promise<District[]> {
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const issuers = await tx.issuers.list()
      return tx.health.districts(
        issuerId === undefined ? issuers.map((issuer) => issuer.id) : tree.subtree(issuerId),
      )
    })
  }

  /**
   * The authority defines a district of its region (or of a region under it, `issuerId`), or
   * renames one; risk areas and venues are then picked from them.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (`issuerId`).
   */
  async defineDistrict(
    actor: Actor,
    input: { code: string; name: string; issuerId?: string | undefined },
  ): Promise<District> {
    return this.store.transaction(async (tx) => {
      const issuerId = input.issuerId ?? actor.issuerId
      await authorize(tx, actor, 'update', { kind: 'risk_areas', issuerId })
      if (issuerId === undefined) {
        throw new DomainError('ERR_INVALID_FIELD', 'name the region', 'issuerId')
      }
      const at = this.clock().toISOString()
      const district = { issuerId, code: input.code, name: input.name }
      await tx.health.saveDistrict({ ...district, createdBy: actor.accountId, createdAt: at })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'district.define',
          entityType: 'issuer',
          entityId: issuerId,
          reason: undefined,
          data: district,
        },
        at,
      )
      return district
    })
  }
}
