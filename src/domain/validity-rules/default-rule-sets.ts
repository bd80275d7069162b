import { readRuleFile } from './read-rule-file.js'
import euTravelJson from './rules/eu-travel.json' with { type: 'json' }
import ruDefaultJson from './rules/ru-default.json' with { type: 'json' }
import type { RuleSet } from './validity-rule.js'

/**
 * The rule sets we ship, as EU rule files (`rules/*.json`) read through `readRuleFile`, so they
 * are checked as strictly as an imported file. Frozen: to change one, ship a new version.
 *
 * - `ru-default`, version 1 (Country `RU`, the Russian practice): not expired at the clock
 *   (`GR-RU-0001`); vaccination series complete (`VR-RU-0001`), last dose 14 days ago or more
 *   (`VR-RU-0002`) and at most 12 months ago (`VR-RU-0003`); test NAAT or RAT (`TR-RU-0001`), not
 *   detected (`TR-RU-0002`), NAAT sampled at most 72 h (`TR-RU-0003`) and RAT at most 48 h
 *   (`TR-RU-0004`) before the clock; recovery valid from `df` (`RR-RU-0001`), at most 180 days
 *   after `fr` (`RR-RU-0002`) and before `du` (`RR-RU-0003`); antibody level at or above its
 *   threshold (`AR-RU-0001`) and sampled at most 6 months before the clock (`AR-RU-0002`).
 * - `eu-travel`, version 1 (Country `EU`: evaluate it with `countryCode: 'EU'`): the same, but
 *   vaccinations at most 270 days old (`VR-EU-0003`), and antibody certificates, which are no
 *   EU DCC, never accepted (`AR-EU-0001`).
 */
export const defaultRuleSets: Readonly<Record<'ru-default' | 'eu-travel', RuleSet>> =
  readOnFirstUse({ 'ru-default': ruDefaultJson, 'eu-travel': euTravelJson })

/**
 * The rule sets of `files`, each read (and given its trial run) the first time it is asked for
 * rather than as the server starts: only validity checks and the rule-set list need them.
 */
function readOnFirstUse<K extends string>(files: Record<K, unknown>): Readonly<Record<K, RuleSet>> {
  const sets = {} as Record<K, RuleSet>
  for (const id of Object.keys(files) as K[]) {
    let set: RuleSet | undefined
    Object.defineProperty(sets, id, {
      enumerable: true,
      get: () => (set ??= deepFreeze({ id, version: 1, rules: readRuleFile(files[id]) })),
    })
  }
  return Object.freeze(sets)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}
