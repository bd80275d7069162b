import type { MessageKey } from '../i18n/messages'

/**
 * The translated names of the ids the API answers with, so that no screen shows `positive-test`
 * or `ru-spb`: an id not listed here (a rule or a region an authority added) shows as given.
 */
const ruleNames: Readonly<Record<string, MessageKey>> = {
  'positive-test': 'rule.positiveTest',
  'confirmed-case': 'rule.confirmedCase',
  'close-contact': 'rule.closeContact',
  'declared-case-contact': 'rule.declaredCaseContact',
  'high-risk-arrival': 'rule.highRiskArrival',
  'medium-risk-arrival': 'rule.mediumRiskArrival',
  fever: 'rule.fever',
  symptoms: 'rule.symptoms',
  'secondary-contact': 'rule.secondaryContact',
  'missed-test': 'rule.missedTest',
}

const regionNames: Readonly<Record<string, MessageKey>> = {
  ru: 'region.ru',
  'ru-spb': 'region.ruSpb',
  'ru-mow': 'region.ruMow',
  'cn-sh': 'region.cnSh',
  'cn-js': 'region.cnJs',
  'cn-zj': 'region.cnZj',
}

/** The key of a risk rule's name, if it is one of the built-in rules. */
export function ruleName(id: string): MessageKey | undefined {
  return ruleNames[id]
}

/** The key of a region's (an issuer's) name, if the app knows it. */
export function regionName(id: string): MessageKey | undefined {
  return regionNames[id]
}

const districtNames: Readonly<Record<string, MessageKey>> = {
  unknown: 'district.unknown',
  'CN-SH-PD': 'district.cnShPd',
  'CN-SH-HP': 'district.cnShHp',
  'CN-SH-JA': 'district.cnShJa',
  'CN-SH-XH': 'district.cnShXh',
  'CN-SH-MH': 'district.cnShMh',
  'CN-SH-JD': 'district.cnShJd',
  'RU-MOW-CEN': 'district.ruMowCen',
  'RU-SPE-ADM': 'district.ruSpeAdm',
  'RU-SPE-CEN': 'district.ruSpeCen',
}

/**
 * The key of a district's translated name: the districts the app knows (the demo's) and one the
 * counters could not place (`unknown`); else undefined, and the name its authority defined is
 * shown (see `DistrictName`).
 */
export function districtName(code: string): MessageKey | undefined {
  return districtNames[code]
}
