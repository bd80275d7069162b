import countries from './valuesets/country-2-codes.json' with { type: 'json' }
import diseases from './valuesets/disease-agent-targeted.json' with { type: 'json' }
import testDevices from './valuesets/test-manf-example.json' with { type: 'json' }
import testResults from './valuesets/test-result.json' with { type: 'json' }
import testTypes from './valuesets/test-type.json' with { type: 'json' }
import manufacturers from './valuesets/vaccine-mah-manf.json' with { type: 'json' }
import products from './valuesets/vaccine-medicinal-product.json' with { type: 'json' }
import prophylaxis from './valuesets/vaccine-prophylaxis.json' with { type: 'json' }

/** An EU DCC value set as published (eu-dcc-valuesets): codes with their display names. */
interface ValueSetFile {
  readonly valueSetId: string
  readonly valueSetValues: Record<string, { display: string; active?: boolean }>
}

/** The value sets register records are checked against. They are data, replaced by new files. */
export const valueSets = {
  disease: diseases as ValueSetFile,
  vaccineProphylaxis: prophylaxis as ValueSetFile,
  vaccineProduct: products as ValueSetFile,
  vaccineManufacturer: manufacturers as ValueSetFile,
  testType: testTypes as ValueSetFile,
  testResult: testResults as ValueSetFile,
  testDevice: testDevices as ValueSetFile,
  country: countries as ValueSetFile,
} as const

export type ValueSetName = keyof typeof valueSets

/** Tells whether a code is in a value set. */
export function inValueSet(name: ValueSetName, code: string): boolean {
  return Object.hasOwn(valueSets[name].valueSetValues, code)
}

/** The display name of a code, or the code itself. */
export function displayOf(name: ValueSetName, code: string): string {
  return valueSets[name].valueSetValues[code]?.display ?? code
}
