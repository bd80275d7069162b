import type { RuleVerdict } from './evaluate-rules.js'
import type { RuleDescription } from './validity-rule.js'

/** A failed rule, described in the reader's language or the closest one the rule has. */
export interface FailureDescription {
  readonly identifier: string
  readonly passed: false | 'error'
  /** The language of `text`, as the rule names it. */
  readonly language: string
  readonly text: string
}

/**
 * The descriptions of a verdict's failed rules in the reader's language (`en`, `ru`, `zh`, or any
 * the rules carry, such as `de-at`): the same language, else one with the same primary subtag
 * (`zh-cn` for `zh`, or `ru` for `ru-ru`), else English, else the rule's first description.
 * Empty when no rule failed; a verdict can still be refused then, for its `reason`.
 *
 * @example
 * describeFailures(verdict, 'zh').map((failure) => failure.text) // ['最后一剂疫苗的接种时间…']
 */
export function describeFailures(verdict: RuleVerdict, language: string): FailureDescription[] {
  return verdict.failed.map((result) => {
    const [chosen, text] = pick(result.description, language)
    return {
      identifier: result.identifier,
      passed: result.passed === 'error' ? 'error' : false,
      language: chosen,
      text,
    }
  })
}

function pick(description: RuleDescription, language: string): [string, string] {
  const entries = Object.entries(description)
  const wanted = language.trim().toLowerCase()
  const primary = (code: string): string => code.split('-')[0] ?? code
  const found =
    entries.find(([lang]) => lang === wanted) ??
    entries.find(([lang]) => primary(lang) === primary(wanted)) ??
    entries.find(([lang]) => lang === 'en') ??
    entries[0]
  // readRuleFile guarantees an English description, so a rule always has one to fall back on.
  return found ?? ['en', '']
}
