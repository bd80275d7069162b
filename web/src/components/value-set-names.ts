/* eslint-disable no-restricted-imports -- the EU DCC value sets the register checks codes against
   (src/domain/register/valuesets, JSON data with no code), so that the app names a vaccine as its
   certificate does ("Comirnaty", not "EU/1/20/1528"). Besides scanner/shared-codec.ts, the one
   place the web app reaches into src/. */
import manufacturers from '../../../src/domain/register/valuesets/vaccine-mah-manf.json'
import products from '../../../src/domain/register/valuesets/vaccine-medicinal-product.json'

type ValueSet = { readonly valueSetValues: Readonly<Record<string, { readonly display: string }>> }

/** A vaccine product's name from its code (`EU/1/20/1528` → `Comirnaty`); the code if unknown. */
export function vaccineProductName(code: string): string {
  return (products as ValueSet).valueSetValues[code]?.display ?? code
}

/** A vaccine manufacturer's name from its code (`ORG-100030215` → `Biontech Manufacturing GmbH`). */
export function vaccineManufacturerName(code: string): string {
  return (manufacturers as ValueSet).valueSetValues[code]?.display ?? code
}
