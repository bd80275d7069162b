import { valueSets } from '../register/value-sets.js'

/**
 * The EU value sets the register checks records against, "compressed" as rules read them under
 * `external.valueSets`: value set id → its codes (eu-dcc-business-rules, how-to "Concepts";
 * EU verifiers build it the same way, from every code in `valueSetValues`, inactive ones too).
 *
 * @example
 * valueSetsForRules()['covid-19-lab-test-type'] // ['LP6464-4', 'LP217198-3']
 */
export function valueSetsForRules(): Record<string, string[]> {
  return Object.fromEntries(
    Object.values(valueSets).map((set) => [set.valueSetId, Object.keys(set.valueSetValues)]),
  )
}
