import defaultRulesJson from './default-rules.json' with { type: 'json' }
import { readRuleSet } from './read-rule-set.js'
import type { RuleSet } from './rule-set.js'

/**
 * The published practice, version 1 (`default-rules.json`), read through `readRuleSet` so the
 * file is checked as strictly as an authority's own. Frozen: derive a new rule set to change it.
 *
 * Red for 14 days: `positive-test` (a negative PCR sampled after it clears it), `confirmed-case`,
 * `close-contact`, `declared-case-contact`, `high-risk-arrival` (daily declarations).
 * Yellow for 7 days: `fever` (37.3 °C or the fever flag), `symptoms`, `medium-risk-arrival`
 * (both with daily declarations), `secondary-contact`, `missed-test` (no test within 3 days of
 * arriving from a risk area; a negative PCR clears it).
 */
export const defaultRuleSet: RuleSet = deepFreeze(readRuleSet(defaultRulesJson))

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}
