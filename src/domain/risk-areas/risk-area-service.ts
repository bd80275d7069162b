import type { Actor } from '../access/actor.js'
import type { ChangeNotice } from '../changes/change-notices.js'
import type { Clock } from '../clock.js'
import type { ColourService } from '../colours/colour-service.js'
import { lookbackStart } from '../colours/read-health-inputs.js'
import { requireHealthAuthority } from '../colours/health-access.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import { authorize } from '../policy/policy.js'
import type { RiskAreasInForce } from './risk-areas-in-force.js'
import type { StoredRiskArea } from './stored-risk-area.js'
import { isCalendarDate } from '../input/strict-input.js'

/** Who maintains risk areas and risk rules: the health authority. */
export { authorityRoles } from '../policy/role-sets.js'

/** How many people's colours are recomputed at a time after an area changed. */
const BATCH = 500

/**
 * Risk areas: the authority over a region declares, changes and withdraws its areas (each change a
 * new version, the history kept); the colours of the people who stayed there are recomputed.
 */
export class RiskAreaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The areas the colours read, dropped here on a change. */
    private readonly inForce: RiskAreasInForce,
    private readonly colours: ColourService,
    /** Told when risk areas changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * The risk areas of the actor's region and the regions under it (or of `issuerId`'s, one within
   * the actor's reach): those in force, or every version with `history`.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` (not the authority over the region), `ERR_INVALID_FIELD`
   *   (`issuerId`, no such issuer).
   */
  async riskAreas(
    actor: Actor,
    options: { history: boolean; areaCode?: string | undefined; issuerId?: string | undefined },
  ): Promise<StoredRiskArea[]> {
    return this.store.transaction(async (tx) => {
      const issuerId = options.issuerId ?? actor.issuerId
      const tree = await authorize(tx, actor, 'list', { kind: 'risk_areas', issuerId })
      return tx.health.riskAreas({
        includeSuperseded: options.history,
        ...(options.areaCode === undefined ? {} : { areaCode: options.areaCode }),
        issuerIds: issuerId === undefined ? [] : tree.subtree(issuerId),
      })
    })
  }

  /**
   * The authority declares a risk area of its region (or of a region under it, `issuerId`), or
   * changes one it is over, superseding `replaces` (the new version keeps its owner); the colours
   * of people who declared visits there in the last 30 days are recomputed.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`, `ERR_INVALID_FIELD`, `ERR_NOT_FOUND` (`replaces`),
   *   `ERR_RISK_AREA_SUPERSEDED` (`replaces` superseded already).
   */
  async setRiskArea(
    actor: Actor,
    input: {
      areaCode: string
      name: string
      level: 'high' | 'medium'
      from: string
      until?: string | undefined
      replaces?: string | undefined
      issuerId?: string | undefined
    },
  ): Promise<{ area: StoredRiskArea; reassessed: number }> {
    await requireHealthAuthority(this.store, actor)
    if (!isCalendarDate(input.from))
      throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD', 'from')
    if (input.until !== undefined && (!isCalendarDate(input.until) || input.until < input.from)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD, not before `from`', 'until')
    }
    const at = this.clock().toISOString()
    const area = await this.store.transaction(async (tx) => {
      let owner = input.issuerId ?? actor.issuerId
      if (input.replaces === undefined) {
        await authorize(tx, actor, 'create', { kind: 'risk_areas', issuerId: owner })
      } else {
        const old = await tx.health.findRiskArea(input.replaces)
        if (!old)
          throw new DomainError('ERR_NOT_FOUND', `no risk area ${input.replaces}`, 'replaces')
        await authorize(tx, actor, 'update', {
          kind: 'risk_areas',
          id: old.id,
          issuerId: old.issuerId,
        })
        if (input.issuerId !== undefined && input.issuerId !== old.issuerId) {
          throw new DomainError(
            'ERR_INVALID_FIELD',
            `risk area ${input.replaces} belongs to ${old.issuerId ?? 'no issuer'}, not ${input.issuerId}`,
            'issuerId',
          )
        }
        owner = old.issuerId
        if (old.areaCode !== input.areaCode) {
          throw new DomainError(
            'ERR_INVALID_FIELD',
            `risk area ${input.replaces} is for ${old.areaCode}, not ${input.areaCode}`,
            'replaces',
          )
        }
      }
      const created = await tx.health.addRiskArea({
        issuerId: owner,
        areaCode: input.areaCode,
        name: input.name,
        level: input.level,
        from: input.from,
        until: input.until,
        createdBy: actor.accountId,
        createdAt: at,
      })
      if (input.replaces !== undefined) {
        const superseded = await tx.health.supersedeRiskArea(input.replaces, created.id, at)
        if (!superseded) {
          throw new DomainError(
            'ERR_RISK_AREA_SUPERSEDED',
            `risk area ${input.replaces} was superseded already`,
            'replaces',
          )
        }
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'risk-area.set',
          entityType: 'risk_area',
          entityId: created.id,
          issuerId: owner,
          reason: undefined,
          data: { ...input },
        },
        at,
      )
      return created
    })
    return { area, reassessed: await this.#areaChanged(input.areaCode) }
  }

  /**
   * The authority withdraws a risk area declared by mistake (it is over the area's region): the
   * version ends with no successor, stays in the history, and no longer counts for anyone; the
   * colours of people who declared visits there in the last 30 days are recomputed. (To end an
   * area that was real, change it with an `until` instead: past stays keep counting.)
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_RISK_AREA_SUPERSEDED` (ended
   *   already).
   */
  async withdrawRiskArea(
    actor: Actor,
    id: string,
  ): Promise<{ area: StoredRiskArea; reassessed: number }> {
    const at = this.clock().toISOString()
    const area = await this.store.transaction(async (tx) => {
      const found = await tx.health.findRiskArea(id)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no risk area ${id}`)
      await authorize(tx, actor, 'update', { kind: 'risk_areas', id, issuerId: found.issuerId })
      if (!(await tx.health.supersedeRiskArea(id, undefined, at))) {
        throw new DomainError('ERR_RISK_AREA_SUPERSEDED', `risk area ${id} has ended already`)
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'risk-area.withdraw',
          entityType: 'risk_area',
          entityId: id,
          issuerId: found.issuerId,
          reason: undefined,
          data: { areaCode: found.areaCode },
        },
        at,
      )
      return { ...found, supersededAt: at }
    })
    return { area, reassessed: await this.#areaChanged(area.areaCode) }
  }

  /** After a risk area changed: drops the cached areas, tells other processes, recomputes. */
  async #areaChanged(areaCode: string): Promise<number> {
    this.inForce.forget()
    this.onChange?.({ topic: 'risk-areas' })
    const since = lookbackStart(this.clock())
    const people = await this.store.transaction((tx) => tx.health.peopleWhoVisited(areaCode, since))
    for (let i = 0; i < people.length; i += BATCH) {
      await this.colours.reassess(people.slice(i, i + BATCH))
    }
    return people.length
  }
}
