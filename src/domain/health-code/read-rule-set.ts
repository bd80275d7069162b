import { isCertLogicExpression } from 'certlogic-js'
import { evaluateTrigger } from './evaluate-trigger.js'
import { RuleSetError } from './health-code-errors.js'
import type { HealthInputs } from './health-inputs.js'
import { riskFacts } from './risk-facts.js'
import type { RiskFacts } from './risk-facts.js'
import type { RiskRule, RuleSet, RuleText } from './rule-set.js'

const ruleSetKeys = ['version', 'rules']
const ruleKeys = [
  'id',
  'colour',
  'periodDays',
  'text',
  'trigger',
  'clearedByNegativePcr',
  'dailyDeclarations',
]
const languages = ['en', 'ru', 'zh'] as const
const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * Reads a rule set from JSON, strictly: no unknown fields, unique kebab-case ids, colour `red` or
 * `yellow`, `periodDays` an integer 1–60, the texts in en, ru and zh non-empty, and a trigger that
 * is CertLogic and evaluates without throwing for a person with no records and for one with a
 * record of every kind.
 *
 * @throws {RuleSetError} `ERR_RULESET`, its `path` naming the field (`rules[2].text.zh`) and its
 *   `ruleId` the rule.
 * @example
 * const ruleSet = readRuleSet(JSON.parse(await readFile('rules.json', 'utf8')))
 */
export function readRuleSet(json: unknown): RuleSet {
  const root = record(json, '', undefined)
  noOtherKeys(root, ruleSetKeys, '', undefined)
  const version = root['version']
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new RuleSetError('version', `version: expected an integer from 1, found ${show(version)}`)
  }
  const rulesJson = root['rules']
  if (!Array.isArray(rulesJson)) {
    throw new RuleSetError('rules', `rules: expected an array of rules, found ${show(rulesJson)}`)
  }
  const seen = new Map<string, number>()
  const rules = rulesJson.map((ruleJson: unknown, index) => {
    const rule = readRule(ruleJson, `rules[${index}]`)
    const earlier = seen.get(rule.id)
    if (earlier !== undefined) {
      throw new RuleSetError(
        `rules[${index}].id`,
        `rules[${index}].id: "${rule.id}" is already the id of rules[${earlier}]; ids must be unique`,
        rule.id,
      )
    }
    seen.set(rule.id, index)
    return rule
  })
  return { version: version as number, rules }
}

function readRule(json: unknown, path: string): RiskRule {
  const fields = record(json, path, undefined)
  const id = fields['id']
  if (typeof id !== 'string' || !idPattern.test(id)) {
    throw new RuleSetError(
      `${path}.id`,
      `${path}.id: expected a kebab-case id such as "high-risk-arrival", found ${show(id)}`,
    )
  }
  const at = (field: string): string => `${path}.${field}`
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new RuleSetError(
      at(field),
      `${at(field)} (rule "${id}"): expected ${expected}, found ${show(found)}`,
      id,
    )
  }
  noOtherKeys(fields, ruleKeys, path, id)

  const colour = fields['colour']
  if (colour !== 'red' && colour !== 'yellow') fail('colour', '"red" or "yellow"', colour)
  const periodDays = fields['periodDays']
  if (!Number.isInteger(periodDays) || (periodDays as number) < 1 || (periodDays as number) > 60) {
    fail('periodDays', 'a whole number of days from 1 to 60', periodDays)
  }
  const textJson = record(fields['text'], at('text'), id)
  noOtherKeys(textJson, languages, at('text'), id)
  const text = Object.fromEntries(
    languages.map((language) => {
      const value = textJson[language]
      if (typeof value !== 'string' || value.trim() === '') {
        fail(`text.${language}`, 'a non-empty text', value)
      }
      return [language, value]
    }),
  ) as unknown as RuleText
  for (const flag of ['clearedByNegativePcr', 'dailyDeclarations']) {
    const value = fields[flag]
    if (value !== undefined && typeof value !== 'boolean') fail(flag, 'true or false', value)
  }

  const trigger = fields['trigger']
  if (!isCertLogicExpression(trigger)) {
    fail('trigger', 'a CertLogic expression (CertLogic specification 1.3.2)', trigger)
  }
  const rule: RiskRule = {
    id,
    colour: colour as RiskRule['colour'],
    periodDays: periodDays as number,
    text,
    trigger: structuredClone(trigger) as RiskRule['trigger'],
    ...(fields['clearedByNegativePcr'] === undefined
      ? {}
      : { clearedByNegativePcr: fields['clearedByNegativePcr'] as boolean }),
    ...(fields['dailyDeclarations'] === undefined
      ? {}
      : { dailyDeclarations: fields['dailyDeclarations'] as boolean }),
  }
  for (const [who, facts] of trialFacts) {
    try {
      evaluateTrigger(rule, facts)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new RuleSetError(
        at('trigger'),
        `${at('trigger')} (rule "${id}"): fails for ${who}: ${reason}`,
        id,
        { cause: error },
      )
    }
  }
  return rule
}

function record(json: unknown, path: string, ruleId: string | undefined): Record<string, unknown> {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    return json as Record<string, unknown>
  }
  const where = path === '' ? 'the rule set' : path
  throw new RuleSetError(path, `${where}: expected an object, found ${show(json)}`, ruleId)
}

function noOtherKeys(
  fields: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  ruleId: string | undefined,
): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) {
      const at = path === '' ? key : `${path}.${key}`
      throw new RuleSetError(
        at,
        `${at}: unknown field; expected only ${allowed.join(', ')}`,
        ruleId,
      )
    }
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

// The trial run: a trigger must cope with every field being `null`/empty and with every field
// being present, or it would throw for some person when it matters.
const trialNow = new Date('2026-01-15T12:00:00.000Z')
const noRecords: HealthInputs = {
  declarations: [],
  riskAreas: [],
  tests: [],
  recoveries: [],
  exposures: [],
  confirmedCaseAt: undefined,
}
const symptoms = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}
const everyRecord: HealthInputs = {
  declarations: [
    {
      declaredAt: '2026-01-10T08:00:00Z',
      symptoms: { ...symptoms, fever: true, temperatureC: 38.1, cough: true },
      visits: [
        { areaCode: 'trial-high', from: '2026-01-01', until: '2026-01-03' },
        { areaCode: 'trial-medium', from: '2026-01-04', until: '2026-01-05' },
        { areaCode: 'trial-none', from: '2026-01-06', until: '2026-01-07' },
      ],
      confirmedCaseContact: true,
    },
    { declaredAt: '2026-01-11T08:00:00Z', symptoms, visits: [], confirmedCaseContact: false },
  ],
  riskAreas: [
    { areaCode: 'trial-high', level: 'high', from: '2025-12-20', until: undefined },
    { areaCode: 'trial-medium', level: 'medium', from: '2025-12-20', until: '2026-01-10' },
  ],
  tests: [
    { sampledAt: '2026-01-08T09:00:00Z', result: 'positive', method: 'antigen' },
    { sampledAt: '2026-01-09T09:00:00Z', result: 'positive', method: 'pcr' },
    { sampledAt: '2026-01-12T09:00:00Z', result: 'negative', method: 'pcr' },
  ],
  recoveries: [{ firstPositive: '2025-10-01', validUntil: '2026-03-30' }],
  exposures: [
    { kind: 'close-contact', at: '2026-01-02T18:00:00Z' },
    { kind: 'same-venue', at: '2026-01-02T18:00:00Z' },
    { kind: 'secondary-contact', at: '2026-01-04T18:00:00Z' },
  ],
  confirmedCaseAt: '2026-01-09T15:00:00Z',
}
const trialFacts: readonly (readonly [string, RiskFacts])[] = [
  ['a person with no records', riskFacts(noRecords, trialNow)],
  ['a person with a record of every kind', riskFacts(everyRecord, trialNow)],
]
