// Runs one rule's logic. Shared by `evaluateRules` and by `readRuleFile`'s trial run, so that
// what passes the trial is exactly what runs at verification.
import { evaluate } from 'certlogic-js'
import type { RuleData } from './rule-data.js'
import type { ValidityRule } from './validity-rule.js'

/** How one rule came out: met, not met, or broken for this certificate. */
export type RuleOutcome =
  { readonly passed: boolean } | { readonly passed: 'error'; readonly error: string }

/**
 * Runs a rule on a data context. `true` passes; a CertLogic falsy value (`false`, `null`, `""`,
 * `0`, `[]`, `{}`) fails, as the business rules specify ("an outcome `false` is grounds for
 * denying"); an exception or any other value is an `error`, which the caller treats as a failure.
 * Never throws.
 */
export function runRule(rule: ValidityRule, data: RuleData): RuleOutcome {
  let value: unknown
  try {
    value = evaluate(rule.logic, data)
  } catch (error) {
    // The CertLogic specification advises exactly this: catch, and count the rule as not met.
    return { passed: 'error', error: `its logic throws: ${message(error)}` }
  }
  if (value === true) return { passed: true }
  if (isCertLogicFalsy(value)) return { passed: false }
  return {
    passed: 'error',
    error: `its logic must give true or false, but gives ${show(value)}`,
  }
}

function isCertLogicFalsy(value: unknown): boolean {
  if (value === false || value === null || value === '' || value === 0) return true
  if (Array.isArray(value)) return value.length === 0
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  )
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function show(value: unknown): string {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? 'an invalid date-time'
      : `the date-time ${value.toISOString()}`
  }
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
