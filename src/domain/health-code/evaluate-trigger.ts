// Runs one rule's trigger. Shared by the assessment and by `readRuleSet`'s trial run.
import { evaluate } from 'certlogic-js'
import { RuleEvaluationError } from './health-code-errors.js'
import type { RiskFacts } from './risk-facts.js'
import type { RiskRule } from './rule-set.js'

const specification =
  'https://github.com/ehn-dcc-development/eu-dcc-business-rules/blob/main/certlogic/specification/README.md'

/**
 * When the rule's condition began for these facts, or `undefined` when it does not apply.
 * @throws {RuleEvaluationError} when CertLogic throws, or the trigger gives other than `false`,
 *   `null`, a date or date-time string, or a date-time (the result of `plusTime`).
 */
export function evaluateTrigger(rule: RiskRule, facts: RiskFacts): Date | undefined {
  let value: unknown
  try {
    value = evaluate(rule.trigger, facts)
  } catch (error) {
    throw new RuleEvaluationError(
      rule.id,
      `rule "${rule.id}": its trigger throws: ${message(error)} (CertLogic: ${specification})`,
      { cause: error },
    )
  }
  if (value === false || value === null) return undefined
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value
  if (typeof value === 'string') {
    try {
      // Read the string exactly as CertLogic's own date operations would.
      return evaluate({ plusTime: [value, 0, 'day'] }, null) as Date
    } catch (error) {
      throw new RuleEvaluationError(
        rule.id,
        `rule "${rule.id}": its trigger gives "${value}", which is not a CertLogic date or date-time`,
        { cause: error },
      )
    }
  }
  throw new RuleEvaluationError(
    rule.id,
    `rule "${rule.id}": its trigger must give the date-time the condition began, or false; ` +
      `it gives ${JSON.stringify(value)}`,
  )
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
