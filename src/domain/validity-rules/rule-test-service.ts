import type { Actor } from '../access/actor.js'
import { DomainError } from '../errors.js'
import { authorize } from '../policy/policy.js'
import type { Store } from '../ports.js'
import { readRuleTestCase, runRuleTest } from './rule-tests.js'
import type { RuleSet, ValidityRule } from './validity-rule.js'
import { type ValidityRuleSetService, readImportedRules } from './validity-rule-set-service.js'

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

/**
 * Runs an authority's test cases on a validity rule set before it is published, as
 * `healthcode rules test` does on published suites. Writes nothing.
 */
export class RuleTestService {
  constructor(
    private readonly store: Store,
    private readonly ruleSets: ValidityRuleSetService,
  ) {}

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
    const stored = await this.ruleSets.find(id)
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
