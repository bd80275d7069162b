import { HealthcodeError } from '../../codec/healthcode-error.js'
/** The codes of health-code failures; see each class for its meaning. */
export type HealthCodeErrorCode = 'ERR_RULESET' | 'ERR_RULE_EVALUATION' | 'ERR_HEALTH_INPUT'

/** A failure of the health-code engine: a stable code, a message, and the error that caused it. */
export class HealthCodeError extends HealthcodeError<HealthCodeErrorCode> {
  override readonly name: string = 'HealthCodeError'
}

/**
 * A rule set that is not well-formed (`ERR_RULESET`): `path` names the field
 * (`rules[2].text.zh`), `ruleId` the rule when it has a readable id.
 */
export class RuleSetError extends HealthCodeError {
  override readonly name = 'RuleSetError'

  constructor(
    readonly path: string,
    message: string,
    readonly ruleId?: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_RULESET', message, options)
  }
}

/**
 * A rule whose trigger threw or gave something other than a date-time or `false` for a
 * person's facts (`ERR_RULE_EVALUATION`). The engine fails closed: no colour is better than a
 * green one computed without a rule.
 */
export class RuleEvaluationError extends HealthCodeError {
  override readonly name = 'RuleEvaluationError'

  constructor(
    readonly ruleId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_RULE_EVALUATION', message, options)
  }
}

/** A date in a person's records that is not a date (`ERR_HEALTH_INPUT`); `path` names it. */
export class HealthInputError extends HealthCodeError {
  override readonly name = 'HealthInputError'

  constructor(
    readonly path: string,
    message: string,
  ) {
    super('ERR_HEALTH_INPUT', message)
  }
}
