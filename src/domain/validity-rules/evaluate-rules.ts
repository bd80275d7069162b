import { certificateTypeOf, ruleData } from './rule-data.js'
import type { RuleEvaluationInput } from './rule-data.js'
import { runRule } from './run-rule.js'
import type {
  RuleCertificateType,
  RuleDescription,
  RuleSet,
  RuleType,
  ValidityRule,
} from './validity-rule.js'

/** How one selected rule came out for a certificate. */
export interface RuleResult {
  readonly identifier: string
  readonly type: RuleType
  readonly certificateType: RuleCertificateType
  readonly version: string
  /**
   * `true` met, `false` not met, `'error'` its logic threw or gave neither true nor false (counted
   * as not met: fail closed), `'not-applicable'` a rule for another type of certificate.
   */
  readonly passed: boolean | 'not-applicable' | 'error'
  readonly description: RuleDescription
  /** What went wrong, when `passed` is `'error'`. */
  readonly error?: string
}

/** Whether a certificate is accepted under a rule set, and by which rules. */
export interface RuleVerdict {
  /** The rule set the verdict was reached with. */
  readonly ruleSet: { readonly id: string; readonly version: number }
  /**
   * Every applicable rule passed, and at least one Acceptance rule for the certificate's own type
   * was among them: a type the rule set says nothing about is not accepted on General rules alone.
   */
  readonly allowed: boolean
  /** The certificate's type as rules name it, `undefined` when it is none of them. */
  readonly certificateType: Exclude<RuleCertificateType, 'General'> | undefined
  /** The selected rules, in the rule set's order. */
  readonly results: readonly RuleResult[]
  /** The results with `passed` `false` or `'error'`. */
  readonly failed: readonly RuleResult[]
  /** Why `allowed` is false when it is not (only) for failed rules. */
  readonly reason?: 'unknown-certificate-type' | 'no-rules-for-certificate-type'
}

/**
 * Decides whether a certificate is accepted under a rule set, as EU verifiers do
 * (eu-dcc-business-rules; dgca-verifier-app GetRulesUseCase): Acceptance rules of `countryCode`
 * whose `Region` is the requested region (both absent for country-wide rules), Invalidation rules
 * of the issuing country, each valid at the clock (`ValidFrom` ≤ `at` < `ValidTo`) and, of those,
 * the highest `Version` of each Identifier. `General` rules apply to every certificate,
 * `Vaccination`, `Test`, `Recovery` to the DCC with that entry, `Antibody` to ours; the others
 * are listed as `'not-applicable'`. Every applicable rule must give `true` (an Invalidation rule
 * gives `false` for a certificate its issuer withdrew). Pure: the clock and data are inputs.
 * Never throws for a rule: one that throws is a failed result with `passed: 'error'`.
 *
 * @throws {RangeError} when `at` is not a valid date.
 * @example
 * const verdict = evaluateRules(defaultRuleSets['ru-default'], {
 *   payloadType: 'eu-dcc', payload: decoded.dcc, expiresAt: decoded.expiresAt,
 *   issuerCountry: decoded.issuer, at: new Date(), countryCode: 'RU', valueSets: valueSetsForRules(),
 * })
 * if (!verdict.allowed) show(describeFailures(verdict, 'ru'))
 */
export function evaluateRules(ruleSet: RuleSet, input: RuleEvaluationInput): RuleVerdict {
  const data = ruleData(input)
  const certificateType = certificateTypeOf(input.payloadType, input.payload)
  const results = selectRules(ruleSet.rules, input).map((rule): RuleResult => {
    const base = {
      identifier: rule.identifier,
      type: rule.type,
      certificateType: rule.certificateType,
      version: rule.version,
      description: rule.description,
    }
    const applies =
      certificateType !== undefined &&
      (rule.certificateType === 'General' || rule.certificateType === certificateType)
    if (!applies) return { ...base, passed: 'not-applicable' }
    const outcome = runRule(rule, data)
    return { ...base, ...outcome }
  })
  const failed = results.filter((result) => result.passed === false || result.passed === 'error')
  const ownTypeAccepted = results.some(
    (result) =>
      result.type === 'Acceptance' &&
      result.certificateType === certificateType &&
      result.passed === true,
  )
  const reason =
    certificateType === undefined
      ? 'unknown-certificate-type'
      : ownTypeAccepted
        ? undefined
        : 'no-rules-for-certificate-type'
  return {
    ruleSet: { id: ruleSet.id, version: ruleSet.version },
    allowed: failed.length === 0 && reason === undefined,
    certificateType,
    results,
    failed,
    ...(reason === undefined ? {} : { reason }),
  }
}

function selectRules(rules: readonly ValidityRule[], input: RuleEvaluationInput): ValidityRule[] {
  const at = input.at.getTime()
  const country = input.countryCode.toUpperCase()
  const region = input.region?.trim().toUpperCase() ?? ''
  const issuer = input.issuerCountry?.toUpperCase()
  // Keyed by Identifier; a Map keeps the position of the first version met.
  const selected = new Map<string, ValidityRule>()
  for (const rule of rules) {
    if (!(Date.parse(rule.validFrom) <= at && at < Date.parse(rule.validTo))) continue
    const concerned =
      rule.type === 'Acceptance'
        ? rule.country === country && (rule.region ?? '') === region
        : issuer !== undefined && rule.country === issuer
    if (!concerned) continue
    const current = selected.get(rule.identifier)
    if (current === undefined || compareVersions(rule.version, current.version) > 0) {
      selected.set(rule.identifier, rule)
    }
  }
  return [...selected.values()]
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let index = 0; index < 3; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}
