export { defaultRuleSets } from './default-rule-sets.js'
export { describeFailures } from './describe-failures.js'
export type { FailureDescription } from './describe-failures.js'
export { evaluateRules } from './evaluate-rules.js'
export type { RuleResult, RuleVerdict } from './evaluate-rules.js'
export { readRuleFile } from './read-rule-file.js'
export type { RuleData, RuleEvaluationInput, RuleExternal } from './rule-data.js'
export type {
  RuleCertificateType,
  RuleDescription,
  RuleSet,
  RuleType,
  ValidityRule,
} from './validity-rule.js'
export { ValidityRuleError } from './validity-rule-errors.js'
export type { ValidityRuleErrorCode } from './validity-rule-errors.js'
export { valueSetsForRules } from './value-sets-for-rules.js'
