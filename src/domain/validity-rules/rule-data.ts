// The data a rule's logic sees, as the EU business rules specify it
// (eu-dcc-business-rules, documentation/how-to.md, "Concepts"), and the certificate's type.
import type { JsonValue } from '../../codec/hc1/cbor.js'
import type { RuleCertificateType } from './validity-rule.js'

/** What `evaluateRules` checks a certificate against: the certificate, and where and when. */
export interface RuleEvaluationInput {
  /** `eu-dcc` for an EU DCC, `healthcode-antibody` for our antibody certificate. */
  readonly payloadType: 'eu-dcc' | 'healthcode-antibody'
  /** The DCC (`DecodedDcc.dcc`) or the antibody certificate (`DecodedAntibodyCertificate.antibody`). */
  readonly payload: JsonValue
  /** CWT `iat` as ISO 8601 (`DecodedHc1.issuedAt`); rules see it as `external.iat`. */
  readonly issuedAt?: string | undefined
  /** CWT `exp` as ISO 8601 (`DecodedHc1.expiresAt`); rules see it as `external.exp`. */
  readonly expiresAt?: string | undefined
  /** The issuing country (CWT `iss`); selects Invalidation rules, `external.issuerCountryCode`. */
  readonly issuerCountry?: string | undefined
  /** The signer's `kid` in base64; `external.kid`. */
  readonly kid?: string | undefined
  /** The validation clock: the moment the certificate must be valid at (arrival, door, now). */
  readonly at: Date
  /** The country whose Acceptance rules apply (ISO 3166-1 alpha-2, or `EU`). */
  readonly countryCode: string
  /** The region within `countryCode` whose rules apply; none for the country-wide rules. */
  readonly region?: string | undefined
  /** Value set id → codes (`valueSetsForRules()`); `external.valueSets`. */
  readonly valueSets: Readonly<Record<string, readonly string[]>>
}

/** The CertLogic data context: `{ payload, external }`. */
export interface RuleData {
  readonly payload: JsonValue
  readonly external: RuleExternal
}

/**
 * The external parameters, named as EU verifiers name them, plus `antibodyLevel` for our antibody
 * certificate. Absent values are left out, which CertLogic's `var` reads as `null`.
 */
export interface RuleExternal {
  readonly valueSets: Readonly<Record<string, readonly string[]>>
  readonly validationClock: string
  readonly countryCode: string
  readonly region?: string
  readonly exp?: string
  readonly iat?: string
  readonly issuerCountryCode?: string
  readonly kid?: string
  /**
   * `ab[0].va` and `ab[0].th` as integers scaled by the same power of ten (`decimals`), because
   * CertLogic compares integers only (specification, "Operations with infix operators") and a
   * level such as 1250.5 is not one: `va ≥ th` is `antibodyLevel.va >= antibodyLevel.th`.
   */
  readonly antibodyLevel?: { readonly va: number; readonly th: number; readonly decimals: number }
}

/**
 * Builds the data context of a rule for a certificate.
 * @throws {RangeError} when `at` is not a valid date.
 */
export function ruleData(input: RuleEvaluationInput): RuleData {
  if (Number.isNaN(input.at.getTime())) {
    throw new RangeError(
      'expected the validation clock `at` to be a valid date, found an invalid one',
    )
  }
  const region = input.region?.trim().toUpperCase()
  const antibodyLevel =
    input.payloadType === 'healthcode-antibody' ? scaledAntibodyLevel(input.payload) : undefined
  return {
    payload: input.payload,
    external: {
      valueSets: input.valueSets,
      validationClock: input.at.toISOString(),
      countryCode: input.countryCode.toUpperCase(),
      ...(region ? { region } : {}),
      ...(input.expiresAt === undefined ? {} : { exp: input.expiresAt }),
      ...(input.issuedAt === undefined ? {} : { iat: input.issuedAt }),
      ...(input.issuerCountry === undefined
        ? {}
        : { issuerCountryCode: input.issuerCountry.toUpperCase() }),
      ...(input.kid === undefined ? {} : { kid: input.kid }),
      ...(antibodyLevel === undefined ? {} : { antibodyLevel }),
    },
  }
}

/**
 * The rule certificate type of a payload: for a DCC the one of `v`, `t`, `r` it carries (the DCC
 * schema allows exactly one), for an antibody certificate `Antibody` when it has its `ab` entry.
 * `undefined` when the payload is none of these.
 */
export function certificateTypeOf(
  payloadType: RuleEvaluationInput['payloadType'],
  payload: JsonValue,
): Exclude<RuleCertificateType, 'General'> | undefined {
  if (!isObject(payload)) return undefined
  const has = (key: string): boolean => {
    const entries = payload[key]
    return Array.isArray(entries) && entries.length > 0
  }
  if (payloadType === 'healthcode-antibody') return has('ab') ? 'Antibody' : undefined
  const types = (
    [
      ['v', 'Vaccination'],
      ['t', 'Test'],
      ['r', 'Recovery'],
    ] as const
  ).filter(([key]) => has(key))
  return types.length === 1 ? types[0]?.[1] : undefined
}

function scaledAntibodyLevel(payload: JsonValue): RuleExternal['antibodyLevel'] {
  if (!isObject(payload) || !Array.isArray(payload['ab'])) return undefined
  const entry = payload['ab'][0]
  if (!isObject(entry)) return undefined
  const va = decimal(entry['va'])
  const th = decimal(entry['th'])
  if (va === undefined || th === undefined) return undefined
  const decimals = Math.max(0, -va.exponent, -th.exponent)
  const scaledVa = Number(va.digits * 10n ** BigInt(va.exponent + decimals))
  const scaledTh = Number(th.digits * 10n ** BigInt(th.exponent + decimals))
  // Beyond 2^53 the integers are no longer exact; leaving the level out makes the rule fail.
  if (!Number.isSafeInteger(scaledVa) || !Number.isSafeInteger(scaledTh)) return undefined
  return { va: scaledVa, th: scaledTh, decimals }
}

/**
 * A number as `digits × 10^exponent`, exactly, from the shortest decimal that reads back as it
 * (ECMAScript Number::toString), so that 1250.5 is 12505 × 10^-1 with no binary rounding.
 */
function decimal(value: unknown): { digits: bigint; exponent: number } | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value))
  if (!match) return undefined
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match
  return {
    digits: BigInt(`${sign}${whole}${fraction}`),
    exponent: Number(exponent) - fraction.length,
  }
}

function isObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
