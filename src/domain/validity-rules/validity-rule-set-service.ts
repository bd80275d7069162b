import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, issuerTree } from '../policy/policy.js'
import type { Store } from '../ports.js'
import { defaultRuleSets } from './default-rule-sets.js'
import { readRuleFile } from './read-rule-file.js'
import { ValidityRuleError } from './validity-rule-errors.js'
import type { RuleSet, ValidityRule } from './validity-rule.js'

const CACHE_MS = 30_000

/**
 * Validity rule sets: EU CertLogic rules that say whether a certificate with a valid signature
 * admits its holder. The defaults (`ru-default`, `eu-travel`) ship as data; the health authority
 * imports new versions in the EU rule JSON format, checked at import (a rule with invalid logic is
 * refused then, never at verify time). Each region's version applies in its subtree.
 */
export class ValidityRuleSetService {
  #stored:
    | { tree: IssuerTree; sets: Map<string | undefined, Map<string, RuleSet>>; until: number }
    | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Told when a rule set changed here, after the commit (to tell other processes). */
    private readonly onChange?: () => void,
  ) {}

  /** Drops the cached rule sets (another process changed them); the next use reads them again. */
  forget(): void {
    this.#stored = undefined
  }

  /**
   * Every rule set as it applies in an issuer's region (the root's by default): for each set, the
   * issuer's own newest version, else the nearest ancestor's, else the shipped default.
   */
  async list(issuerId?: string): Promise<RuleSet[]> {
    const { tree, sets } = await this.#storedSets()
    const all = new Map<string, RuleSet>(Object.entries(defaultRuleSets))
    // Sets stored before issuers owned them (no issuer) count as the root's.
    const owners = [...tree.lineage(issuerId ?? tree.roots()[0] ?? ''), undefined]
    for (const owner of owners.reverse()) {
      for (const [id, set] of sets.get(owner) ?? []) all.set(id, set)
    }
    return [...all.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  /** One rule set as it applies in an issuer's region (see {@link list}); undefined when none. */
  async find(id: string, issuerId?: string): Promise<RuleSet | undefined> {
    return (await this.list(issuerId)).find((set) => set.id === id)
  }

  /**
   * The authority imports a rule file (EU format) as the next version of a rule set.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`; `ERR_INVALID_FIELD` naming the rule and its field.
   */
  async import(
    actor: Actor,
    id: string,
    json: unknown,
    note: string | undefined,
    issuerId?: string,
  ): Promise<RuleSet> {
    const owner = issuerId ?? actor.issuerId
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'validity_rules', id, issuerId: owner }),
    )
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(id)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected a kebab-case rule set id', 'id')
    }
    const rules = readImportedRules(json)
    if (rules.length === 0) {
      throw new DomainError(
        'ERR_EMPTY_RULE_SET',
        'a rule set without rules would judge every certificate alike: import at least one rule',
        'rules',
      )
    }
    // Versions of a set are numbered across issuers (the key is the set's id and version).
    const { sets } = await this.#storedSets()
    const versions = [...sets.values()].map((own) => own.get(id)?.version ?? 0)
    const version =
      Math.max(
        (defaultRuleSets as Readonly<Record<string, RuleSet | undefined>>)[id]?.version ?? 0,
        ...versions,
      ) + 1
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'update', { kind: 'validity_rules', id, issuerId: owner })
      await tx.validityRuleSets.add({
        issuerId: owner,
        id,
        version,
        rules: json,
        note,
        createdBy: actor.accountId,
        createdAt: at,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'validity-rules.import',
          entityType: 'validity_ruleset',
          entityId: `${id}@${version}`,
          reason: note,
          data: { rules: rules.map((rule) => `${rule.identifier}@${rule.version}`) },
        },
        at,
      )
    })
    this.#stored = undefined
    this.onChange?.()
    return { id, version, rules }
  }

  async #storedSets(): Promise<{
    tree: IssuerTree
    sets: Map<string | undefined, Map<string, RuleSet>>
  }> {
    const now = this.clock().getTime()
    if (this.#stored && this.#stored.until > now) return this.#stored
    const { tree, rows } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      rows: await tx.validityRuleSets.latest(),
    }))
    const sets = new Map<string | undefined, Map<string, RuleSet>>()
    for (const row of rows) {
      // Stored rules were checked at import; a rule this version of the code cannot read any more
      // leaves its set out rather than failing every verification.
      try {
        const own = sets.get(row.issuerId) ?? new Map<string, RuleSet>()
        own.set(row.id, { id: row.id, version: row.version, rules: readRuleFile(row.rules) })
        sets.set(row.issuerId, own)
      } catch {
        continue
      }
    }
    this.#stored = { tree, sets, until: now + CACHE_MS }
    return this.#stored
  }
}

/** Rules as an import reads them; a refusal names the rule and field. */
export function readImportedRules(json: unknown): ValidityRule[] {
  try {
    return readRuleFile(json)
  } catch (error) {
    if (error instanceof ValidityRuleError) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `rule ${error.identifier ?? '(unnamed)'}: ${error.message}`,
        `rules${error.identifier ? `[${error.identifier}]` : ''}${error.field ? `.${error.field}` : ''}`,
      )
    }
    throw error
  }
}
