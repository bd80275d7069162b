// Rule test cases as the EU publishes them beside each rule (dgc-business-rules-testdata,
// `COUNTRY/RULE-ID/tests/*.json`), and how they are judged: a test whose validation clock lies
// outside the rule's [ValidFrom, ValidTo) does not count; any other must make the rule's logic give
// exactly `expected` for `{ payload, external }`. Countries run these before they upload a rule.
import { isDeepStrictEqual } from 'node:util'
import { evaluate } from 'certlogic-js'
import { dateFromString } from 'certlogic-js/dist/internals.js'
import type { ValidityRule } from './validity-rule.js'

/** One test case of a rule: `{ "name", "payload", "external", "expected" }`, `payload` optional. */
export interface RuleTestCase {
  /** What the case is about, for people; absent in some files. */
  readonly name: string | undefined
  /** The DCC (or our antibody payload) the rule reads as `payload`; `undefined` when left out. */
  readonly payload: unknown
  /** The external parameters the rule reads as `external`: `valueSets`, `validationClock`… */
  readonly external: Readonly<Record<string, unknown>>
  /** What the logic must give, exactly: `true` or `false` in every published case. */
  readonly expected: unknown
}

/** How a test case came out. */
export type RuleTestOutcome =
  /** The logic gave exactly `expected`. */
  | { readonly outcome: 'passed'; readonly actual: unknown }
  /** The logic gave something else (`actual`), threw, or the case cannot be read (`error`). */
  | { readonly outcome: 'failed'; readonly actual?: unknown; readonly error?: string }
  /** The case's validation clock lies outside the rule's validity: it says nothing about it. */
  | { readonly outcome: 'not-counted'; readonly reason: string }

/** A test case that is not in the published shape. */
export class RuleTestCaseError extends Error {
  override readonly name = 'RuleTestCaseError'
}

/**
 * Reads one test case in the published shape: an object with `external` (an object) and `expected`,
 * and optionally `payload` (the logic then reads it as absent) and a `name` text.
 *
 * @throws {RuleTestCaseError} naming what is missing or of the wrong type.
 */
export function readRuleTestCase(json: unknown): RuleTestCase {
  if (!isRecord(json)) {
    throw new RuleTestCaseError(
      `expected a test case { "name", "payload", "external", "expected" }, found ${show(json)}`,
    )
  }
  // A case may leave `payload` out: "empty payload (undefined)" is one of the published cases.
  for (const field of ['external', 'expected'] as const) {
    if (json[field] === undefined) {
      throw new RuleTestCaseError(`expected the field "${field}" in the test case, found nothing`)
    }
  }
  const external = json['external']
  if (!isRecord(external)) {
    throw new RuleTestCaseError(
      `expected "external" to be an object (valueSets, validationClock…), found ${show(external)}`,
    )
  }
  const name = json['name']
  if (name !== undefined && typeof name !== 'string') {
    throw new RuleTestCaseError(`expected "name" to be a text, found ${show(name)}`)
  }
  return { name, payload: json['payload'], external, expected: json['expected'] }
}

/**
 * Runs a test case on a rule, as the EU's rule test tooling judges it: when `external` has a
 * `validationClock` outside the rule's [ValidFrom, ValidTo) the case does not count; otherwise
 * CertLogic's `evaluate(rule.Logic, { payload, external })` must give a value deeply equal to
 * `expected` (so `null` is not `false`). An exception from the logic fails the case. Pure; never
 * throws.
 *
 * @example
 * const outcome = runRuleTest(rule, readRuleTestCase(JSON.parse(text)))
 * if (outcome.outcome === 'failed') console.log(outcome.error ?? outcome.actual)
 */
export function runRuleTest(rule: ValidityRule, test: RuleTestCase): RuleTestOutcome {
  const clock = test.external['validationClock']
  // The tooling tests the clock for truth, so an empty text is no clock.
  if (clock !== undefined && clock !== null && clock !== '' && clock !== false) {
    let at: Date
    try {
      if (typeof clock !== 'string') throw new TypeError(`not a text but ${show(clock)}`)
      at = dateFromString(clock)
      if (Number.isNaN(at.getTime())) throw new TypeError(`not a date-time: ${show(clock)}`)
    } catch (error) {
      return {
        outcome: 'failed',
        error: `external.validationClock is not a date-time CertLogic reads: ${message(error)}`,
      }
    }
    const from = dateFromString(rule.validFrom)
    const to = dateFromString(rule.validTo)
    if (!(from <= at && at < to)) {
      return {
        outcome: 'not-counted',
        reason: `validationClock ${clock} is outside the rule's validity [${rule.validFrom}, ${rule.validTo})`,
      }
    }
  }
  let actual: unknown
  try {
    actual = evaluate(rule.logic, {
      payload: test.payload,
      external: test.external,
    } as Parameters<typeof evaluate>[1])
  } catch (error) {
    return { outcome: 'failed', error: `the logic throws: ${message(error)}` }
  }
  return isDeepStrictEqual(actual, test.expected)
    ? { outcome: 'passed', actual }
    : { outcome: 'failed', actual }
}

/** A value as a failure line shows it: JSON, shortened. */
export function showValue(value: unknown): string {
  return show(value)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value instanceof Date) return value.toISOString()
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
