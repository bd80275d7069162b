/* eslint-disable no-restricted-imports -- the EU DCC value sets the register checks codes against
   (src/domain/register/valuesets, JSON data with no code), so that the app names a vaccine as its
   certificate does ("Comirnaty", not "EU/1/20/1528"). Besides scanner/shared-codec.ts, the one
   place the web app reaches into src/. */
import manufacturers from '../../../src/domain/register/valuesets/vaccine-mah-manf.json' with { type: 'json' }
import products from '../../../src/domain/register/valuesets/vaccine-medicinal-product.json' with { type: 'json' }
import testDevices from '../../../src/domain/register/valuesets/test-manf-example.json' with { type: 'json' }
import testResults from '../../../src/domain/register/valuesets/test-result.json' with { type: 'json' }
import testTypes from '../../../src/domain/register/valuesets/test-type.json' with { type: 'json' }

type ValueSet = { readonly valueSetValues: Readonly<Record<string, { readonly display: string }>> }

/** A vaccine product's name from its code (`EU/1/20/1528` → `Comirnaty`); the code if unknown. */
export function vaccineProductName(code: string): string {
  return (products as ValueSet).valueSetValues[code]?.display ?? code
}

/** A vaccine manufacturer's name from its code (`ORG-100030215` → `Biontech Manufacturing GmbH`). */
export function vaccineManufacturerName(code: string): string {
  return (manufacturers as ValueSet).valueSetValues[code]?.display ?? code
}

/**
 * What a certificate names as its product, by its value-set display name: a vaccine's medicinal
 * product (`EU/1/20/1528` → `Comirnaty`), a rapid test's device (`1232` → `Abbott Rapid
 * Diagnostics, Panbio COVID-19 Ag Rapid Test`) or a test's type (`LP6464-4` → `Nucleic acid
 * amplification with probe detection`); a free-text test name, or a code no value set knows, as it is.
 */
export function productName(code: string): string {
  for (const set of [products, testDevices, testTypes] as ValueSet[]) {
    const display = set.valueSetValues[code]?.display
    if (display !== undefined) return display
  }
  return code
}

/** A test's type by its value-set name (`LP6464-4` → `Nucleic acid amplification with probe detection`). */
export function testTypeName(code: string): string {
  return (testTypes as ValueSet).valueSetValues[code]?.display ?? code
}

/** A test's result by its value-set name (`260415000` → `Not detected`); the code if unknown. */
export function testResultName(code: string): string {
  return (testResults as ValueSet).valueSetValues[code]?.display ?? code
}
