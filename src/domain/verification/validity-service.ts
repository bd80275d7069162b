import type { Hc1Verification, JsonValue } from '../../codec/hc1/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, issuerTree } from '../policy/policy.js'
import {
  type FailureDescription,
  type RuleSet,
  type RuleVerdict,
  ValidityRuleError,
  defaultRuleSets,
  describeFailures,
  evaluateRules,
  readRuleFile,
  valueSetsForRules,
} from '../validity-rules/index.js'
import type { ValidityRule } from '../validity-rules/index.js'
import { readRuleTestCase, runRuleTest } from '../validity-rules/rule-tests.js'

/** What rules read of a certificate. */
export interface CertificateForRules {
  readonly payloadType: 'eu-dcc' | 'healthcode-antibody'
  readonly payload: JsonValue
  readonly issuedAt?: string | undefined
  readonly expiresAt?: string | undefined
  readonly issuer?: string | undefined
  readonly kid?: string | undefined
}

/** A verdict with its failed rules described in the reader's language. */
export interface EntryRulesAnswer {
  readonly ruleSet: { readonly id: string; readonly version: number }
  readonly allowed: boolean
  readonly certificateType: string | undefined
  readonly failed: readonly FailureDescription[]
  readonly reason: RuleVerdict['reason']
}

/** A test case of the API: the published shape, plus the rule it is for. */
export interface RuleTestInput {
  /** The rule's `Identifier`. */
  readonly rule: string
  /** The rule's `Version`; the highest in the set when left out. */
  readonly version?: string | undefined
  readonly name?: string | undefined
  readonly payload?: unknown
  readonly external: Readonly<Record<string, unknown>>
  readonly expected: unknown
}

/** How one test case came out. */
export interface RuleTestResult {
  readonly rule: string
  /** The version the case ran on; absent when the set has no such rule. */
  readonly version: string | undefined
  readonly name: string | undefined
  readonly outcome: 'passed' | 'failed' | 'not-counted'
  readonly expected: unknown
  /** What the logic gave, when it ran. */
  readonly actual?: unknown
  /** Why the case failed without a value (the logic threw, no such rule), or was not counted. */
  readonly error?: string
}

/** The answer of a rule test run: per case, and the counts. */
export interface RuleTestReport {
  /** The rule set tested: the stored one, or the rules given as its next version. */
  readonly ruleSet: { readonly id: string; readonly version: number }
  readonly passed: number
  readonly failed: number
  readonly notCounted: number
  readonly results: readonly RuleTestResult[]
}

const CACHE_MS = 30_000

/**
 * Validity rule sets: EU CertLogic rules that say whether a certificate with a valid signature
 * admits its holder. The defaults (`ru-default`, `eu-travel`) ship as data; the health authority
 * imports new versions in the EU rule JSON format, checked at import (a rule with invalid logic is
 * refused then, never at verify time).
 */
export class ValidityService {
  /** Drops the cached rule sets (another process changed them); the next use reads them again. */
  forgetRuleSets(): void {
    this.#stored = undefined
  }

  #stored:
    | { tree: IssuerTree; sets: Map<string | undefined, Map<string, RuleSet>>; until: number }
    | undefined
  readonly #valueSets = valueSetsForRules()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly country: string,
    /** Told when a rule set changed here, after the commit (to tell other processes). */
    private readonly onChange?: () => void,
  ) {}

  /**
   * Every rule set as it applies in an issuer's region (the root's by default): for each set, the
   * issuer's own newest version, else the nearest ancestor's, else the shipped default.
   */
  async ruleSets(issuerId?: string): Promise<RuleSet[]> {
    const { tree, sets } = await this.#storedSets()
    const all = new Map<string, RuleSet>(Object.entries(defaultRuleSets))
    // Sets stored before issuers owned them (no issuer) count as the root's.
    const owners = [...tree.lineage(issuerId ?? tree.roots()[0] ?? ''), undefined]
    for (const owner of owners.reverse()) {
      for (const [id, set] of sets.get(owner) ?? []) all.set(id, set)
    }
    return [...all.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  /** One rule set as it applies in an issuer's region (see {@link ruleSets}). */
  async ruleSet(id: string, issuerId?: string): Promise<RuleSet | undefined> {
    return (await this.ruleSets(issuerId)).find((set) => set.id === id)
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

  /**
   * Runs test cases on a rule set, as `healthcode rules test` does on published suites, so that
   * the authority checks rules before it publishes them: on the rules given (read as an import
   * reads them, as the set's next version) or else on the stored set. Each case names its rule by
   * Identifier (and Version, else the highest); its validation clock outside the rule's validity
   * makes it not count; otherwise the logic must give exactly `expected`. Writes nothing.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`; `ERR_NOT_FOUND` for an unknown set without rules given;
   *   `ERR_INVALID_FIELD` for rules an import would refuse, or a case not in the published shape.
   */
  async testRules(
    actor: Actor,
    id: string,
    input: { readonly rules?: unknown; readonly tests: readonly RuleTestInput[] },
  ): Promise<RuleTestReport> {
    // Testing writes nothing, but it is the authority's tool for the rules it would publish.
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'validity_rules', id, issuerId: actor.issuerId }),
    )
    const stored = await this.ruleSet(id)
    let ruleSet: RuleSet
    if (input.rules === undefined) {
      if (!stored) throw new DomainError('ERR_NOT_FOUND', `no validity rule set ${id}`, 'id')
      ruleSet = stored
    } else {
      ruleSet = { id, version: (stored?.version ?? 0) + 1, rules: readImportedRules(input.rules) }
    }
    const results = input.tests.map((test, index): RuleTestResult => {
      const base = { rule: test.rule, name: test.name, expected: test.expected }
      let testCase
      try {
        testCase = readRuleTestCase({ ...test, rule: undefined, version: undefined })
      } catch (error) {
        throw new DomainError('ERR_INVALID_FIELD', (error as Error).message, `tests[${index}]`)
      }
      const rule = pickRule(ruleSet.rules, test.rule, test.version)
      if (!rule) {
        return {
          ...base,
          version: undefined,
          outcome: 'failed',
          error: `no rule ${test.rule}${test.version === undefined ? '' : ` version ${test.version}`} in rule set ${id}`,
        }
      }
      const outcome = runRuleTest(rule, testCase)
      const version = rule.version
      if (outcome.outcome === 'not-counted') {
        return { ...base, version, outcome: 'not-counted', error: outcome.reason }
      }
      return { ...base, version, ...outcome }
    })
    const count = (outcome: RuleTestResult['outcome']) =>
      results.filter((result) => result.outcome === outcome).length
    return {
      ruleSet: { id: ruleSet.id, version: ruleSet.version },
      passed: count('passed'),
      failed: count('failed'),
      notCounted: count('not-counted'),
      results,
    }
  }

  /**
   * Judges a verified certificate (EU DCC or our antibody certificate) under a rule set; undefined
   * for codes rules do not apply to (a dynamic health code) or an invalid verification.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown rule set.
   */
  async judge(
    verification: Hc1Verification,
    options: { ruleSetId: string; at: Date; language: string; region?: string | undefined },
  ): Promise<EntryRulesAnswer | undefined> {
    if (!verification.valid) return undefined
    const certificate = verification.certificate
    if (certificate.payloadType === 'healthcode-status') return undefined
    return this.judgeCertificate(
      {
        payloadType: certificate.payloadType,
        payload:
          certificate.payloadType === 'healthcode-antibody'
            ? certificate.antibody
            : certificate.dcc,
        issuedAt: certificate.issuedAt,
        expiresAt: certificate.expiresAt,
        issuer: certificate.issuer,
        kid: certificate.kid,
      },
      options,
    )
  }

  /**
   * Judges a certificate's payload (an EU DCC, our antibody payload, or a card from elsewhere
   * mapped to a DCC) under a rule set.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown rule set.
   */
  async judgeCertificate(
    certificate: CertificateForRules,
    options: {
      ruleSetId: string
      at: Date
      language: string
      region?: string | undefined
      /** The issuer whose version of the set applies (a venue's region); the root's by default. */
      issuerId?: string | undefined
    },
  ): Promise<EntryRulesAnswer> {
    const ruleSet = await this.ruleSet(options.ruleSetId, options.issuerId)
    if (!ruleSet) {
      throw new DomainError('ERR_NOT_FOUND', `no validity rule set ${options.ruleSetId}`, 'ruleSet')
    }
    const verdict = evaluateRules(ruleSet, {
      payloadType: certificate.payloadType,
      payload: certificate.payload,
      issuedAt: certificate.issuedAt,
      expiresAt: certificate.expiresAt,
      issuerCountry: certificate.issuer,
      kid: certificate.kid,
      at: options.at,
      // A rule set answers for the country its rules are published by.
      countryCode:
        ruleSet.rules.find((rule) => rule.type === 'Acceptance')?.country ?? this.country,
      region: options.region,
      valueSets: this.#valueSets,
    })
    return {
      ruleSet: verdict.ruleSet,
      allowed: verdict.allowed,
      certificateType: verdict.certificateType,
      failed: describeFailures(verdict, options.language),
      reason: verdict.reason,
    }
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
function readImportedRules(json: unknown): ValidityRule[] {
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

/** The version of a rule a test case names, or the highest one. */
function pickRule(
  rules: readonly ValidityRule[],
  identifier: string,
  version: string | undefined,
): ValidityRule | undefined {
  const versions = rules.filter(
    (rule) => rule.identifier === identifier && (version === undefined || rule.version === version),
  )
  const number = (rule: ValidityRule) => rule.version.split('.').map(Number)
  return versions.sort((a, b) => {
    const [x, y] = [number(a), number(b)]
    for (let index = 0; index < 3; index++) {
      const difference = (y[index] ?? 0) - (x[index] ?? 0)
      if (difference !== 0) return difference
    }
    return 0
  })[0]
}
