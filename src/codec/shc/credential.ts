import type { JsonValue } from '../hc1/index.js'
import { ShcError, shcSpec } from './errors.js'
import { describeJsonType } from './input.js'

/** The `vc.type` every SMART Health Card carries (spec, "Health Cards are encoded as … JWS"). */
export const SHC_HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card'

/** What the `vc` claim of a SMART Health Card holds, checked for shape. */
export interface ShcCredential {
  /** `vc.type`: the health-card type and others (`…#immunization`, `…#covid19`, …). */
  readonly types: readonly string[]
  /** `vc.rid`, the revocation identifier, when the issuer gave one. */
  readonly revocationId: string | undefined
  /** `vc.credentialSubject.fhirVersion`, e.g. `4.0.1`, when given. */
  readonly fhirVersion: string | undefined
  /** `vc.credentialSubject.fhirBundle`: a FHIR Bundle of type `collection`. */
  readonly fhirBundle: { readonly [key: string]: JsonValue }
}

/**
 * Reads the `vc` claim: its types, revocation identifier and FHIR bundle. Types it does not know
 * are ignored, as the spec asks; the bundle's resources are not validated against FHIR profiles.
 *
 * @throws {ShcError} `ERR_SHC_VC` when `vc` or `vc.credentialSubject` is not an object, or `rid` or
 *   `fhirVersion` has the wrong form; `ERR_SHC_VC_TYPE` when `vc.type` is not an array of strings
 *   with `https://smarthealth.cards#health-card`; `ERR_SHC_FHIR_BUNDLE` when `fhirBundle` is not a
 *   Bundle of type `collection` whose entries each hold a resource.
 */
export function readShcCredential(payload: { readonly [key: string]: JsonValue }): ShcCredential {
  const vc = payload['vc']
  if (!isObject(vc)) {
    throw new ShcError(
      'ERR_SHC_VC',
      `expected a "vc" claim object (${shcSpec.jws}), but found ${describeJsonType(vc)}`,
    )
  }
  const types = vc['type']
  if (!Array.isArray(types) || !types.every((type) => typeof type === 'string')) {
    throw new ShcError(
      'ERR_SHC_VC_TYPE',
      `expected "vc.type" to be an array of type URIs (${shcSpec.jws}), but found ${describeJsonType(types)}`,
    )
  }
  if (!types.includes(SHC_HEALTH_CARD_TYPE)) {
    throw new ShcError(
      'ERR_SHC_VC_TYPE',
      `expected "vc.type" to include "${SHC_HEALTH_CARD_TYPE}" (${shcSpec.jws}), but found ${JSON.stringify(types)}`,
    )
  }
  const rid = vc['rid']
  if (rid !== undefined && (typeof rid !== 'string' || !/^[A-Za-z0-9_-]{1,24}$/.test(rid))) {
    throw new ShcError(
      'ERR_SHC_VC',
      `expected "vc.rid" to be at most 24 base64url characters (${shcSpec.revocation}), but found ${JSON.stringify(rid)}`,
    )
  }
  const subject = vc['credentialSubject']
  if (!isObject(subject)) {
    throw new ShcError(
      'ERR_SHC_VC',
      `expected a "vc.credentialSubject" object (${shcSpec.jws}), but found ${describeJsonType(subject)}`,
    )
  }
  const fhirVersion = subject['fhirVersion']
  if (fhirVersion !== undefined && typeof fhirVersion !== 'string') {
    throw new ShcError(
      'ERR_SHC_VC',
      `expected "vc.credentialSubject.fhirVersion" to be a version string such as "4.0.1", but found ${describeJsonType(fhirVersion)}`,
    )
  }
  return {
    types: types as string[],
    revocationId: rid,
    fhirVersion,
    fhirBundle: checkBundle(subject['fhirBundle']),
  }
}

function checkBundle(bundle: JsonValue | undefined): { readonly [key: string]: JsonValue } {
  const fail = (problem: string): ShcError =>
    new ShcError(
      'ERR_SHC_FHIR_BUNDLE',
      `expected "vc.credentialSubject.fhirBundle" to be a FHIR Bundle of type "collection" (${shcSpec.jws}), but ${problem}`,
    )
  if (!isObject(bundle)) throw fail(`found ${describeJsonType(bundle)}`)
  if (bundle['resourceType'] !== 'Bundle') {
    throw fail(`its "resourceType" is ${JSON.stringify(bundle['resourceType'] ?? null)}`)
  }
  if (bundle['type'] !== 'collection') {
    throw fail(`its "type" is ${JSON.stringify(bundle['type'] ?? null)}`)
  }
  const entries = bundle['entry']
  if (!Array.isArray(entries) || entries.length === 0) {
    throw fail(`its "entry" is ${Array.isArray(entries) ? 'empty' : describeJsonType(entries)}`)
  }
  entries.forEach((entry, index) => {
    const resource = isObject(entry) ? entry['resource'] : undefined
    if (!isObject(resource) || typeof resource['resourceType'] !== 'string') {
      throw fail(`entry ${index} holds no resource with a "resourceType"`)
    }
  })
  return bundle
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
