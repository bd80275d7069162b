import type { CertLogicExpression } from 'certlogic-js'

/**
 * What a rule checks: `Acceptance` rules are the arrival country's conditions, `Invalidation`
 * rules the issuing country's withdrawals (EU DCC Gateway, validation rule schema `Type`).
 */
export type RuleType = 'Acceptance' | 'Invalidation'

/**
 * The certificates a rule applies to: `General` to every one, the EU's `Test`, `Vaccination` and
 * `Recovery` to the DCC with a `t`, `v` or `r` entry, and our own `Antibody` to the Healthcode
 * antibody certificate (`docs/antibody-certificate.md`), which is no EU DCC and which EU rule
 * files therefore never name.
 */
export type RuleCertificateType = 'General' | 'Test' | 'Vaccination' | 'Recovery' | 'Antibody'

/** A rule's description by language code (`en`, `ru`, `zh`, `de-at`…), in the file's order. */
export type RuleDescription = Readonly<Record<string, string>>

/**
 * One validity rule, as read by `readRuleFile` from the EU DCC validation rule format: the same
 * fields, in camelCase. Immutable: a change is a new `version` of the same `identifier`.
 */
export interface ValidityRule {
  /** `VR-DE-0001`: type prefix (GR, VR, TR, RR, IR, and our AR), `country`, four digits. */
  readonly identifier: string
  readonly type: RuleType
  /** ISO 3166-1 alpha-2 code of the country that publishes the rule (`EU` for EU-wide rules). */
  readonly country: string
  /** The region within `country` the rule is for, upper case; `undefined` for the whole country. */
  readonly region: string | undefined
  /** Semantic version, `1.0.0`; of the versions valid at a moment, the highest applies. */
  readonly version: string
  /** The version of the payload schema the rule was written for. */
  readonly schemaVersion: string
  readonly engine: 'CERTLOGIC'
  readonly engineVersion: string
  readonly certificateType: RuleCertificateType
  /** At least an English description. */
  readonly description: RuleDescription
  /** The rule applies from this moment (ISO 8601 with offset, as written in the file)... */
  readonly validFrom: string
  /** ...until this one, exclusive. */
  readonly validTo: string
  /** The payload fields the logic reads (`v.0.dt`), for display. */
  readonly affectedFields: readonly string[]
  /** CertLogic that gives `true` when the certificate meets the rule. */
  readonly logic: CertLogicExpression
}

/** A named, versioned set of rules; a verdict names the set it used. */
export interface RuleSet {
  /** Stable, kebab-case: `ru-default`, `eu-travel`. */
  readonly id: string
  /** Raised whenever a rule is added, removed or replaced. */
  readonly version: number
  readonly rules: readonly ValidityRule[]
}
