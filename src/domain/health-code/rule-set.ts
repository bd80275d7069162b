import type { CertLogicExpression } from 'certlogic-js'

/** A text shown to the person, in each language the platform speaks. */
export interface RuleText {
  readonly en: string
  readonly ru: string
  readonly zh: string
}

/**
 * One risk rule: data the health authority edits. Its CertLogic `trigger` is evaluated over the
 * person's `RiskFacts` and gives the ISO date-time (or `YYYY-MM-DD`) the condition began, or
 * `false`/`null` when it does not apply. A date in the future means "fires from then" (the
 * engine reassesses then); the rule stops firing `periodDays` after that day.
 */
export interface RiskRule {
  /** Stable, kebab-case; shown with the reason and kept across versions. */
  readonly id: string
  readonly colour: 'red' | 'yellow'
  /** Days from the day the condition began to the day the code can turn green (1–60). */
  readonly periodDays: number
  readonly text: RuleText
  readonly trigger: CertLogicExpression
  /** A negative PCR test sampled after the condition began clears the rule. */
  readonly clearedByNegativePcr?: boolean
  /**
   * The person must declare every day of the period: each past day without a declaration, or
   * with a symptomatic one, puts the green day one day later.
   */
  readonly dailyDeclarations?: boolean
}

/** A versioned set of risk rules; an assessment names the version it used. */
export interface RuleSet {
  readonly version: number
  readonly rules: readonly RiskRule[]
}
