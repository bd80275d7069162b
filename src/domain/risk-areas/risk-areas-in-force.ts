import type { Clock } from '../clock.js'
import type { InputProblems } from '../colours/input-problems.js'
import { checkDate, checkOrdered } from '../input/strict-input.js'
import type { Store } from '../ports.js'
import { rootIssuer } from '../policy/policy.js'
import type { StoredRiskArea } from './stored-risk-area.js'

const CACHE_MS = 30_000

/**
 * The risk areas in force, as the colours read them on every assessment: every region's (the
 * engine counts a stay in any of them), cached briefly and dropped on a change (here, or told by
 * another process).
 */
export class RiskAreasInForce {
  #areas: { areas: StoredRiskArea[]; until: number } | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Where an area the engine cannot evaluate is reported. */
    private readonly problems: InputProblems,
  ) {}

  /**
   * The risk areas in force that the engine can evaluate. An area stored with a date that is not a
   * date, out of bounds or out of order would fail everyone's colour: it is left out and reported.
   */
  async inForce(): Promise<StoredRiskArea[]> {
    const now = this.clock().getTime()
    if (this.#areas && this.#areas.until > now) return this.#areas.areas
    const { stored, root } = await this.store.transaction(async (tx) => ({
      stored: await tx.health.riskAreas({ includeSuperseded: false }),
      root: await rootIssuer(tx),
    }))
    const areas: StoredRiskArea[] = []
    for (const area of stored) {
      const problem = riskAreaProblem(area, this.clock())
      if (problem === undefined) areas.push(area)
      else {
        // A risk area of no issuer (a deployment without issuers) is the root's to see.
        const issuerId = area.issuerId ?? root
        await this.problems.report({ kind: 'risk-area', id: area.id, issuerId, ...problem })
      }
    }
    this.#areas = { areas, until: now + CACHE_MS }
    return areas
  }

  /** Drops the cached areas (after a change here or in another process). */
  forget(): void {
    this.#areas = undefined
  }
}

/** What makes a stored risk area unreadable for the engine, or `undefined` when nothing does. */
function riskAreaProblem(
  area: StoredRiskArea,
  now: Date,
): { field: string; message: string } | undefined {
  const from = checkDate(area.from, 'planned', now)
  if (from) return { field: 'from', message: `risk area ${area.areaCode}: from: ${from}` }
  if (area.until === undefined) return undefined
  const until = checkDate(area.until, 'planned', now) ?? checkOrdered(area.from, area.until)
  return until
    ? { field: 'until', message: `risk area ${area.areaCode}: until: ${until}` }
    : undefined
}
