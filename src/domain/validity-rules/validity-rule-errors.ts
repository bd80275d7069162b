import { HealthcodeError } from '../../codec/healthcode-error.js'

/** The codes of validity-rule failures. */
export type ValidityRuleErrorCode = 'ERR_VALIDITY_RULE'

/**
 * A rule file that cannot be imported (`ERR_VALIDITY_RULE`): a missing or malformed field, an
 * engine other than CertLogic, an unknown certificate type, a bad date, or logic that is not
 * CertLogic or throws on sample certificates. Raised at import, so that no malformed rule ever
 * reaches a verification.
 */
export class ValidityRuleError extends HealthcodeError<ValidityRuleErrorCode> {
  override readonly name = 'ValidityRuleError'
  /** The field at fault within the rule (`Logic`, `Description[1].lang`); `''` for the rule. */
  declare readonly field: string

  constructor(
    /** The rule's `Identifier`, when it has a readable one. */
    readonly identifier: string | undefined,
    field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_VALIDITY_RULE', message, { cause: options?.cause, field })
  }
}
