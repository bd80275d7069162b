export { assessHealthCode } from './assess-health-code.js'
export type { Colour, HealthAssessment, Reason } from './assess-health-code.js'
export { defaultRuleSet } from './default-rule-set.js'
export {
  HealthCodeError,
  HealthInputError,
  RuleEvaluationError,
  RuleSetError,
} from './health-code-errors.js'
export type { HealthCodeErrorCode } from './health-code-errors.js'
export type {
  Declaration,
  Exposure,
  HealthInputs,
  Recovery,
  RiskArea,
  Symptoms,
  TestResult,
  Visit,
} from './health-inputs.js'
export { readRuleSet } from './read-rule-set.js'
export { riskFacts } from './risk-facts.js'
export type {
  DeclarationFact,
  ExposureFact,
  RecoveryFact,
  RiskFacts,
  TestFact,
  VisitFact,
} from './risk-facts.js'
export type { RiskRule, RuleSet, RuleText } from './rule-set.js'
