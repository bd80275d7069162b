import { randomBytes } from 'node:crypto'
import type { Actor } from '../access/actor.js'
import type { ChangeNotice } from '../changes/change-notices.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { type HealthAssessment, HealthCodeError, assessHealthCode } from '../health-code/index.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { RiskAreasInForce } from '../risk-areas/risk-areas-in-force.js'
import type { StoredRiskArea } from '../risk-areas/stored-risk-area.js'
import {
  type RiskRulesInForce,
  type StoredRules,
  rulesIn,
} from '../risk-rules/risk-rules-in-force.js'
import { requireHealthAuthority } from './health-access.js'
import type { InputProblem, InputProblems } from './input-problems.js'
import { readHealthInputs } from './read-health-inputs.js'
import type { StoredHealthCode } from './stored-health-code.js'

const COLOUR_CACHE_MS = 5_000
/** Colour notices: ids per notice, and past how many changed ids one notice drops every colour. */
const COLOUR_NOTICE_IDS = 150
const COLOUR_NOTICE_ALL = 3_000

/**
 * People's colours: the risk engine run over a person's declarations, records and exposures with
 * the risk areas and rules in force, and the result stored. A person's colour is recomputed when
 * something about them changes (a declaration, a record, an exposure), when a risk area they
 * visited changes, for everyone in bounded batches when the rules change, and on read when time
 * alone may have changed it (`reassessAt`) or the rules are newer than the stored colour.
 */
export class ColourService {
  /** Colours recently read or computed here, for the check-in path (see `colourOf`). */
  readonly #colours = new Map<
    string,
    { colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined; until: number }
  >()
  readonly #changedColours = new Set<string>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly rules: RiskRulesInForce,
    private readonly areas: RiskAreasInForce,
    private readonly problems: InputProblems,
    /** Told when colours changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /** The colour a door or a check-in needs, fresh. */
  async colourOf(
    personId: string,
  ): Promise<{ colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined }> {
    // A check-in reads the colour; at thousands a second, from memory for a few seconds (a change
    // computed by this process replaces it at once; one computed by another process shows within
    // COLOUR_CACHE_MS, and never past the moment the colour may change by time).
    const cached = this.#colours.get(personId)
    if (cached && cached.until > this.clock().getTime()) return cached
    const { assessment } = await this.fresh(personId)
    this.#remember(personId, assessment)
    return { colour: assessment.colour, greenOn: assessment.greenOn }
  }

  #remember(personId: string, assessment: HealthAssessment): void {
    if (this.#colours.size >= 200_000) this.#colours.clear()
    const byTime =
      assessment.reassessAt === undefined ? Infinity : Date.parse(assessment.reassessAt)
    this.#colours.set(personId, {
      colour: assessment.colour,
      greenOn: assessment.greenOn,
      until: Math.min(this.clock().getTime() + COLOUR_CACHE_MS, byTime),
    })
  }

  /**
   * The stored code, recomputed first when time or newer rules may have changed it.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` (no such person); the engine's error when the person's
   *   stored data cannot be evaluated (reported, see `inputProblems`).
   */
  async fresh(personId: string): Promise<StoredHealthCode> {
    const { stored, issuerId } = await this.store.read(async (tx) => ({
      stored: await tx.health.healthCode(personId),
      issuerId: (await tx.people.find(personId))?.issuerId,
    }))
    const ruleset = await this.rules.ruleSetOf(issuerId)
    const now = this.clock().toISOString()
    if (
      stored &&
      stored.assessment.rulesetVersion === ruleset.version &&
      (stored.assessment.reassessAt === undefined || stored.assessment.reassessAt > now)
    ) {
      return stored
    }
    await this.#reassessOne(personId).catch(async (error: unknown) => {
      await this.problems.reportPerson(personId, error)
      throw error
    })
    return (await this.store.transaction((tx) =>
      tx.health.healthCode(personId),
    )) as StoredHealthCode
  }

  /**
   * Runs `work` and recomputes the person's colour in the same transaction, so that a change the
   * engine cannot evaluate (a declaration) is refused and not stored; the failure is reported.
   */
  async reassessWithin<T>(
    personId: string,
    work: (tx: StoreTransaction) => Promise<T>,
  ): Promise<{ result: T; assessment: HealthAssessment }> {
    const rules = await this.rules.stored()
    const areas = await this.areas.inForce()
    return this.store
      .transaction(async (tx) => {
        const result = await work(tx)
        return { result, assessment: await this.#reassessIn(tx, personId, rules, areas) }
      })
      .then((done) => {
        this.#colourChanged(personId)
        return done
      })
      .catch(async (error: unknown) => {
        await this.problems.reportPerson(personId, error)
        throw error
      })
  }

  /**
   * Recomputes people's colours now (after a record, an exposure), one transaction each. A person
   * whose stored data the engine cannot evaluate is skipped and reported (`inputProblems`); the
   * others are still recomputed.
   */
  async reassess(personIds: readonly string[]): Promise<void> {
    for (const personId of new Set(personIds)) {
      try {
        await this.#reassessOne(personId)
      } catch (error) {
        if (!(error instanceof HealthCodeError)) throw error
        await this.problems.reportPerson(personId, error)
      }
    }
  }

  /**
   * Recomputes each of `personIds` (a batch of the recomputation after a rule change), going on
   * past any failure; returns how many failed (those the engine could not evaluate are reported).
   */
  async reassessCountingFailures(personIds: readonly string[]): Promise<number> {
    let failed = 0
    for (const id of personIds) {
      try {
        await this.#reassessOne(id)
      } catch (error) {
        failed++
        if (error instanceof HealthCodeError) await this.problems.reportPerson(id, error)
      }
    }
    return failed
  }

  /**
   * Recomputes the colours whose `reassessAt` has passed (a code turning green on its day), so that
   * dashboards count them without waiting for someone to look; returns how many.
   */
  async reassessDue(limit = 1000): Promise<number> {
    const now = this.clock().toISOString()
    const ids = await this.store.transaction((tx) => tx.health.dueForReassessment(now, limit))
    await this.reassess(ids)
    return ids.length
  }

  /**
   * Problems found in stored data that the engine cannot evaluate, oldest first: the risk areas
   * left out and the people whose colour fails, of the actor's issuer and the issuers below it.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` unless the actor is the health authority.
   */
  async inputProblems(actor: Actor): Promise<InputProblem[]> {
    await requireHealthAuthority(this.store, actor)
    return this.problems.visibleTo(actor)
  }

  /** Drops cached copies another process changed: the rules, the risk areas, colours. */
  forget(notice: ChangeNotice): void {
    if (notice.topic === 'risk-rules') {
      this.rules.forget()
      this.#colours.clear()
    } else if (notice.topic === 'risk-areas') {
      this.areas.forget()
      this.#colours.clear()
    } else if (notice.topic === 'colours') {
      if (notice.subject === undefined) this.#colours.clear()
      else for (const id of notice.subject.split(',')) this.#colours.delete(id)
    }
  }

  async #reassessOne(personId: string): Promise<HealthAssessment> {
    const rules = await this.rules.stored()
    const areas = await this.areas.inForce()
    const assessment = await this.store.transaction((tx) =>
      this.#reassessIn(tx, personId, rules, areas),
    )
    this.#colourChanged(personId)
    return assessment
  }

  /** Tells other processes, batched, that people's colours changed (after the commit). */
  #colourChanged(personId: string): void {
    if (!this.onChange) return
    this.#changedColours.add(personId)
    if (this.#changedColours.size > 1) return
    setImmediate(() => {
      const ids = [...this.#changedColours]
      this.#changedColours.clear()
      if (ids.length > COLOUR_NOTICE_ALL) {
        this.onChange?.({ topic: 'colours' })
        return
      }
      // A notice stays well under PostgreSQL's 8000-byte limit on a NOTIFY payload.
      for (let i = 0; i < ids.length; i += COLOUR_NOTICE_IDS) {
        this.onChange?.({
          topic: 'colours',
          subject: ids.slice(i, i + COLOUR_NOTICE_IDS).join(','),
        })
      }
    })
  }

  async #reassessIn(
    tx: StoreTransaction,
    personId: string,
    rules: StoredRules,
    areas: readonly StoredRiskArea[],
  ): Promise<HealthAssessment> {
    const person = await tx.people.find(personId)
    if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
    // The person's region's rules, else the nearest ancestor's.
    const ruleset = rulesIn(rules, person.issuerId)
    const now = this.clock()
    const inputs = await readHealthInputs(tx, person, areas, now)
    const assessment = assessHealthCode(inputs, ruleset, now)
    this.#colours.delete(personId)
    const previous = await tx.health.healthCode(personId)
    await tx.health.saveHealthCode({
      personId,
      assessment,
      district: person.district,
      subject: previous?.subject ?? randomBytes(16).toString('base64url'),
    })
    const before = previous?.assessment.colour
    if (before !== assessment.colour) {
      const day = now.toISOString().slice(0, 10)
      const district = person.district ?? 'unknown'
      await tx.counters.add([
        { day, district, metric: `codes.${assessment.colour}`, by: 1 },
        ...(before === undefined ? [] : [{ day, district, metric: `codes.${before}`, by: -1 }]),
      ])
      if (before !== undefined) {
        await tx.tracing.notify({
          personId,
          kind: 'colour-change',
          data: {
            from: before,
            to: assessment.colour,
            greenOn: assessment.greenOn ?? null,
            reasons: assessment.reasons.map((reason) => reason.ruleId),
          },
          createdAt: now.toISOString(),
        })
      }
    }
    return assessment
  }
}
