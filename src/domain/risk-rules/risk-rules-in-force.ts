import type { Clock } from '../clock.js'
import { type RuleSet, defaultRuleSet } from '../health-code/index.js'
import type { Store } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { issuerTree } from '../policy/policy.js'
import type { StoredRuleSet } from './stored-rule-set.js'

const CACHE_MS = 30_000

/** Each issuer's newest risk rules, with the tree to find a region's nearest ancestor. */
export interface StoredRules {
  readonly tree: IssuerTree
  readonly latest: readonly StoredRuleSet[]
  /** The highest version stored anywhere (a recomputation stops when a newer one appears). */
  readonly newest: number
  readonly until: number
}

/**
 * The risk rules in force, as the colours read them on every assessment: the issuer tree and each
 * issuer's newest rules, cached briefly and dropped on a rule change (here, or told by another
 * process).
 */
export class RiskRulesInForce {
  #rules: StoredRules | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The issuer tree and each issuer's newest rules, cached briefly (dropped on a change). */
  async stored(): Promise<StoredRules> {
    const now = this.clock().getTime()
    if (this.#rules && this.#rules.until > now) return this.#rules
    const { tree, latest } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      latest: await tx.health.latestRuleSets(),
    }))
    const newest = Math.max(defaultRuleSet.version, ...latest.map((set) => set.version))
    this.#rules = { tree, latest, newest, until: now + CACHE_MS }
    return this.#rules
  }

  /** The rules in force in an issuer's region (see {@link rulesIn}). */
  async ruleSetOf(issuerId: string | undefined): Promise<RuleSet> {
    return rulesIn(await this.stored(), issuerId)
  }

  /** Drops the cached rules (after a rule change here or in another process). */
  forget(): void {
    this.#rules = undefined
  }
}

/** The rules in force in an issuer: its own newest, else the nearest ancestor's, else default. */
export function rulesIn(rules: StoredRules, issuerId: string | undefined): RuleSet {
  const root = rules.tree.roots()[0]
  const lineage = rules.tree.lineage(issuerId ?? root ?? '')
  for (const owner of lineage) {
    const own = rules.latest.find((set) => set.issuerId === owner)
    if (own) return { version: own.version, rules: own.rules }
  }
  // Rules stored by a deployment without issuers belong to everyone.
  const unowned = rules.latest.find((set) => set.issuerId === undefined)
  return unowned ? { version: unowned.version, rules: unowned.rules } : defaultRuleSet
}
