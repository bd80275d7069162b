import type { Actor } from '../access/actor.js'
import type { ChangeNotice } from '../changes/change-notices.js'
import type { Clock } from '../clock.js'
import type { ColourService } from '../colours/colour-service.js'
import { requireHealthAuthority } from '../colours/health-access.js'
import { DomainError } from '../errors.js'
import { type RuleSet, RuleSetError, defaultRuleSet, readRuleSet } from '../health-code/index.js'
import type { Store } from '../ports.js'
import { authorize, decide, issuerTree } from '../policy/policy.js'
import type { RiskRulesInForce } from './risk-rules-in-force.js'
import type { StoredRuleSet } from './stored-rule-set.js'

/** Progress of recomputing everyone after a rule change. */
export interface RecomputeProgress {
  readonly rulesetVersion: number
  readonly done: number
  readonly startedAt: string
  readonly finishedAt: string | undefined
  readonly failed: number
}

/** How many people's colours the recomputation after a rule change reads at a time. */
const BATCH = 500

/**
 * The risk rules: the versions each issuer stored (a region's authority its region's, the federal
 * authority the nationwide defaults), the rules in force in a region, and the recomputation of
 * everyone's colour after a change.
 */
export class RuleSetService {
  #recompute: RecomputeProgress | undefined
  #recomputing: Promise<void> | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The rules the colours read, dropped here on a change. */
    private readonly inForce: RiskRulesInForce,
    private readonly colours: ColourService,
    /** Told when the rules changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * The rules in force in an issuer's region (the root's by default): the newest version the
   * issuer stored, else the nearest ancestor's, else the built-in default set.
   */
  async ruleSet(issuerId?: string): Promise<RuleSet> {
    return this.inForce.ruleSetOf(issuerId)
  }

  /**
   * The stored versions of the risk rules the authority may see: its region's, those above it and
   * below it, and the nationwide ones; never a sibling region's (see the rules policy).
   *
   * @throws {DomainError} `ERR_FORBIDDEN` for anyone but an authority.
   */
  async ruleSetVersions(actor: Actor): Promise<Omit<StoredRuleSet, 'rules'>[]> {
    await requireHealthAuthority(this.store, actor)
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const versions = await tx.health.ruleSetVersions()
      return versions.filter(
        (version) =>
          decide(actor, 'list', { kind: 'risk_rules', issuerId: version.issuerId }, tree) === true,
      )
    })
  }

  /**
   * One version of the rules as stored, or the built-in default rules (version 1, never stored).
   *
   * @throws {DomainError} `ERR_FORBIDDEN`; `ERR_NOT_FOUND` for a version never stored.
   */
  async ruleSetVersion(actor: Actor, version: number): Promise<RuleSet | StoredRuleSet> {
    await requireHealthAuthority(this.store, actor)
    const stored = await this.store.transaction(async (tx) => {
      const found = await tx.health.findRuleSet(version)
      if (found)
        await authorize(tx, actor, 'list', { kind: 'risk_rules', issuerId: found.issuerId })
      return found
    })
    if (stored) return stored
    if (version === defaultRuleSet.version) return defaultRuleSet
    throw new DomainError('ERR_NOT_FOUND', `no version ${version} of the risk rules`)
  }

  /**
   * The authority stores a new version of the rules for its issuer (or one below it, `issuerId`):
   * a region's authority its region's version, the federal authority the nationwide default.
   * Everyone's colour is then recomputed in the background, in batches (reads recompute a stale
   * colour at once, so nobody waits for the batch).
   *
   * @throws {DomainError} `ERR_FORBIDDEN` (not an authority over the issuer); `ERR_EMPTY_RULE_SET`;
   *   `ERR_INVALID_FIELD` naming the rule and field.
   */
  async setRuleSet(
    actor: Actor,
    rules: unknown,
    note: string | undefined,
    issuerId?: string,
  ): Promise<RuleSet> {
    const owner = issuerId ?? actor.issuerId
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'risk_rules', issuerId: owner }),
    )
    if (Array.isArray(rules) && rules.length === 0) {
      throw new DomainError(
        'ERR_EMPTY_RULE_SET',
        'a rule set without rules would turn every code green: publish at least one rule',
        'rules',
      )
    }
    const at = this.clock().toISOString()
    const ruleset = await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'update', { kind: 'risk_rules', issuerId: owner })
      // Versions are numbered across all issuers, so a code's `rsv` names one set.
      const newest = (await tx.health.latestRuleSet())?.version ?? defaultRuleSet.version
      const version = Math.max(newest, defaultRuleSet.version) + 1
      let parsed: RuleSet
      try {
        parsed = readRuleSet({ version, rules })
      } catch (error) {
        if (error instanceof RuleSetError) {
          throw new DomainError('ERR_INVALID_FIELD', error.message, error.path)
        }
        throw error
      }
      await tx.health.addRuleSet({
        version,
        rules: parsed.rules,
        note,
        createdBy: actor.accountId,
        createdAt: at,
        issuerId: owner,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'risk-rules.set',
          entityType: 'risk_ruleset',
          entityId: String(version),
          reason: note,
          data: { rules: parsed.rules.map((rule) => rule.id), issuerId: owner ?? null },
        },
        at,
      )
      return parsed
    })
    this.inForce.forget()
    this.onChange?.({ topic: 'risk-rules' })
    this.#startRecompute(ruleset.version)
    return ruleset
  }

  /** How far the recomputation after the last rule change has got. */
  recomputeProgress(): RecomputeProgress | undefined {
    return this.#recompute
  }

  /** Waits for a running recomputation (tests, shutdown). */
  async recomputeFinished(): Promise<void> {
    while (this.#recomputing) await this.#recomputing
  }

  #startRecompute(version: number): void {
    const run = async () => {
      let progress: RecomputeProgress = {
        rulesetVersion: version,
        done: 0,
        failed: 0,
        startedAt: this.clock().toISOString(),
        finishedAt: undefined,
      }
      this.#recompute = progress
      let after = ''
      for (;;) {
        // A newer rule change starts its own run; this one stops.
        if ((await this.inForce.stored()).newest !== version) return
        const ids = await this.store.transaction((tx) => tx.health.personIdsAfter(after, BATCH))
        if (ids.length === 0) break
        const failed = await this.colours.reassessCountingFailures(ids)
        after = ids[ids.length - 1] as string
        progress = {
          ...progress,
          done: progress.done + ids.length,
          failed: progress.failed + failed,
        }
        this.#recompute = progress
      }
      this.#recompute = { ...progress, finishedAt: this.clock().toISOString() }
    }
    const running = (this.#recomputing ?? Promise.resolve()).then(run, run)
    this.#recomputing = running
    void running.finally(() => {
      if (this.#recomputing === running) this.#recomputing = undefined
    })
  }
}
