import { evaluateTrigger } from './evaluate-trigger.js'
import type { HealthInputs } from './health-inputs.js'
import { riskFacts } from './risk-facts.js'
import type { DeclarationFact, RiskFacts } from './risk-facts.js'
import type { RiskRule, RuleSet, RuleText } from './rule-set.js'
import { addDays, startOfDay, utcDay } from './utc-day.js'

/** The colour of a health code. */
export type Colour = 'green' | 'yellow' | 'red'

/** Why a code is not green: one firing rule, in words the person can read. */
export interface Reason {
  readonly ruleId: string
  readonly colour: 'red' | 'yellow'
  readonly text: RuleText
  /** When the rule's condition began: ISO date-time in UTC. */
  readonly since: string
  /** `YYYY-MM-DD` (UTC) from which this rule no longer fires, if declarations stay clean. */
  readonly greenOn: string
}

/** A person's colour, why, and when it can change. */
export interface HealthAssessment {
  readonly colour: Colour
  /** Every firing rule: red before yellow, then the longest-lasting first, then rule-set order. */
  readonly reasons: readonly Reason[]
  /** `YYYY-MM-DD` (UTC) when every firing rule has cleared; `undefined` when green. */
  readonly greenOn: string | undefined
  readonly rulesetVersion: number
  /** `now`, ISO date-time in UTC. */
  readonly evaluatedAt: string
  /**
   * The earliest moment (ISO date-time, UTC) the result may change by time alone: a reason's
   * green day, the next midnight while a daily-declaration rule fires and today is not yet
   * declared clean, or the moment a rule's trigger says it starts firing. `undefined` when only
   * new records can change it.
   */
  readonly reassessAt: string | undefined
}

const noRecords: HealthInputs = {
  declarations: [],
  riskAreas: [],
  tests: [],
  recoveries: [],
  exposures: [],
  confirmedCaseAt: undefined,
}

/**
 * Computes a person's colour from their records under a rule set, as of `now`.
 *
 * A rule fires from the date-time its trigger gives until `periodDays` days after that day
 * (UTC). With `dailyDeclarations`, each past day of the period after the first without a
 * declaration, or with a symptomatic one, puts the green day one day later; a declaration is
 * symptomatic when, on its own, it makes a rule fire that does not fire for someone with no
 * records (so "symptomatic" is whatever the rules say). With `clearedByNegativePcr`, a negative
 * PCR test sampled after the condition began clears the rule. Red if any red rule fires, else
 * yellow if any yellow one does, else green.
 *
 * @throws {RuleEvaluationError} `ERR_RULE_EVALUATION` when a trigger fails for these facts.
 * @throws {HealthInputError} `ERR_HEALTH_INPUT` when a date in the records is not a date.
 * @example
 * const assessment = assessHealthCode(inputs, defaultRuleSet, clock())
 * assessment.colour // 'red'
 * assessment.reasons[0]?.text.zh // '您来自逗留期间属于高风险地区的地方。…'
 */
export function assessHealthCode(
  inputs: HealthInputs,
  ruleset: RuleSet,
  now: Date,
): HealthAssessment {
  const facts = riskFacts(inputs, now)
  const isCleanDay = cleanDays(facts, ruleset)
  const fired: { reason: Reason; order: number }[] = []
  const changes: string[] = []

  ruleset.rules.forEach((rule, order) => {
    const began = evaluateTrigger(rule, facts)
    if (began === undefined) return
    const since = began.toISOString()
    if (since > facts.now) {
      changes.push(since)
      return
    }
    if (rule.clearedByNegativePcr && clearedByNegativePcr(facts, since)) return

    const sinceDay = utcDay(began)
    let greenOn = addDays(sinceDay, rule.periodDays)
    if (rule.dailyDeclarations) {
      // The day it began is exempt: the trigger itself may be that day's declaration. Today and
      // later count as clean: the person can still declare.
      let day = addDays(sinceDay, 1)
      while (day < greenOn && day < facts.today) {
        if (!isCleanDay(day)) greenOn = addDays(greenOn, 1)
        day = addDays(day, 1)
      }
    }
    if (greenOn <= facts.today) return

    fired.push({
      reason: { ruleId: rule.id, colour: rule.colour, text: rule.text, since, greenOn },
      order,
    })
    changes.push(startOfDay(greenOn))
    if (rule.dailyDeclarations && facts.today > sinceDay && !isCleanDay(facts.today)) {
      changes.push(startOfDay(addDays(facts.today, 1)))
    }
  })

  const reasons = fired
    .sort(
      (a, b) =>
        severity(b.reason.colour) - severity(a.reason.colour) ||
        (a.reason.greenOn < b.reason.greenOn ? 1 : a.reason.greenOn > b.reason.greenOn ? -1 : 0) ||
        a.order - b.order,
    )
    .map(({ reason }) => reason)
  const colour: Colour = reasons.some((reason) => reason.colour === 'red')
    ? 'red'
    : reasons.length > 0
      ? 'yellow'
      : 'green'
  return {
    colour,
    reasons,
    greenOn: reasons.reduce<string | undefined>(
      (latest, reason) =>
        latest === undefined || reason.greenOn > latest ? reason.greenOn : latest,
      undefined,
    ),
    rulesetVersion: ruleset.version,
    evaluatedAt: facts.now,
    reassessAt: changes.reduce<string | undefined>(
      (earliest, at) => (earliest === undefined || at < earliest ? at : earliest),
      undefined,
    ),
  }
}

function severity(colour: Reason['colour']): number {
  return colour === 'red' ? 2 : 1
}

function clearedByNegativePcr(facts: RiskFacts, since: string): boolean {
  return facts.tests.some(
    (test) => test.method === 'pcr' && test.result === 'negative' && test.sampledAt > since,
  )
}

/** Whether a day has a declaration and none of that day's declarations is symptomatic (memoised). */
function cleanDays(facts: RiskFacts, ruleset: RuleSet): (day: string) => boolean {
  const byDay = new Map<string, DeclarationFact[]>()
  for (const declaration of facts.declarations) {
    byDay.set(declaration.day, [...(byDay.get(declaration.day) ?? []), declaration])
  }
  const known = new Map<string, boolean>()
  return (day) => {
    let clean = known.get(day)
    if (clean === undefined) {
      const declarations = byDay.get(day) ?? []
      clean =
        declarations.length > 0 &&
        !declarations.some((declaration) => isSymptomatic(declaration, ruleset))
      known.set(day, clean)
    }
    return clean
  }
}

function isSymptomatic(declaration: DeclarationFact, ruleset: RuleSet): boolean {
  const at = new Date(declaration.declaredAt)
  const nobody = riskFacts(noRecords, at)
  const onlyThis: RiskFacts = { ...nobody, declarations: [declaration] }
  return ruleset.rules.some((rule) => firesAt(rule, onlyThis) && !firesAt(rule, nobody))
}

function firesAt(rule: RiskRule, facts: RiskFacts): boolean {
  const began = evaluateTrigger(rule, facts)
  if (began === undefined || began.toISOString() > facts.now) return false
  return facts.today < addDays(utcDay(began), rule.periodDays)
}
