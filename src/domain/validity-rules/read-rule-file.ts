import { specificationVersion, type CertLogicExpression } from 'certlogic-js'
import { validate } from 'certlogic-js/dist/validation/index.js'
import { runRule } from './run-rule.js'
import { trialData } from './trial-data.js'
import type { RuleCertificateType, RuleType, ValidityRule } from './validity-rule.js'
import { ValidityRuleError } from './validity-rule-errors.js'

// The EU DCC validation rule format: dgc-gateway `validation-rule.schema.json` and the gateway's
// content checks (dgc-business-rules-testdata, tooling/Gateway-constraints.adoc). `Region` is not
// in the gateway schema but EU verifiers read it (dgca-verifier-app GetRulesUseCase).
const requiredFields = [
  'Identifier',
  'Type',
  'Country',
  'Version',
  'SchemaVersion',
  'Engine',
  'EngineVersion',
  'CertificateType',
  'Description',
  'ValidFrom',
  'ValidTo',
  'AffectedFields',
  'Logic',
] as const
const knownFields: readonly string[] = [...requiredFields, 'Region']
const ruleTypes: readonly RuleType[] = ['Acceptance', 'Invalidation']
const certificateTypes: readonly RuleCertificateType[] = [
  'General',
  'Test',
  'Vaccination',
  'Recovery',
  'Antibody',
]
/** The Identifier's prefix for each certificate type; Invalidation rules are always `IR`. */
const prefixes: Record<RuleCertificateType, string> = {
  General: 'GR',
  Test: 'TR',
  Vaccination: 'VR',
  Recovery: 'RR',
  Antibody: 'AR',
}
const identifierPattern = /^(GR|VR|TR|RR|IR|AR)-([A-Z]{2})-\d{4}$/
const semverPattern = /^(\d+)\.(\d+)\.(\d+)$/
const languagePattern = /^([a-z]{2}|[a-z]{2}-[a-z]{2})$/
// "ISO 8601 Timestamp (without ms, with timezone)", the gateway schema's pattern.
const timestampPattern =
  /^(\d{4})-([01]\d)-([0-3]\d)T([0-2]\d):([0-5]\d):([0-5]\d)(?:[-+]([0-2]\d):([0-5]\d)|Z)$/
const engineMajor = Number(specificationVersion.split('.')[0])

/**
 * Reads validity rules in the EU DCC validation rule format, strictly, and tries each rule on
 * sample certificates of its type, so that a malformed rule is refused here and never fails a
 * verification. Accepts a single rule object, an array of rules, or the EU gateway's download
 * form (`GET /rules/{country}`: Identifier → versions) once each CMS-signed version has been
 * verified and replaced by the rule it carries. Besides the EU's certificate types, accepts our
 * `Antibody` (Identifier prefix `AR`) for the Healthcode antibody certificate.
 *
 * Checked: every field of the gateway schema present and no other but `Region`; `Identifier`
 * `XR-CC-nnnn` with the prefix of its type (`IR` for Invalidation) and `CC` its `Country`;
 * `Type`, `CertificateType`, `Engine` `CERTLOGIC` with an `EngineVersion` this CertLogic
 * implements; semantic versions; a non-empty description per language, English among them;
 * `ValidFrom` before `ValidTo`, both timestamps with an offset; `Logic` a CertLogic object that
 * gives true or false, without throwing, for every sample certificate of its type.
 *
 * @throws {ValidityRuleError} `ERR_VALIDITY_RULE`, naming the rule's `identifier` and `field`.
 * @example
 * const rules = readRuleFile(JSON.parse(await readFile('rules-de.json', 'utf8')))
 * const ruleSet = { id: 'de', version: 1, rules }
 */
export function readRuleFile(json: unknown): ValidityRule[] {
  const entries = entriesOf(json)
  const rules = entries.map(readRule)
  const seen = new Map<string, string>()
  rules.forEach((rule, index) => {
    const key = `${rule.identifier}@${rule.version}`
    const where = entries[index]?.where ?? ''
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      throw new ValidityRuleError(
        rule.identifier,
        'Version',
        `${where} "${rule.identifier}": Version: ${rule.version} is already that of ${earlier}; a version of a rule is immutable, so each appears once`,
      )
    }
    seen.set(key, where)
  })
  return rules
}

interface Entry {
  /** Where the rule is in the file, for messages: `[2]`, `VR-DE-0001[0]`, `the rule`. */
  readonly where: string
  readonly json: unknown
  /** The Identifier the gateway form files it under. */
  readonly filedAs?: string
}

function entriesOf(json: unknown): Entry[] {
  if (Array.isArray(json)) {
    return json.map((item: unknown, index) => ({ where: `rule [${index}]`, json: item }))
  }
  if (!isRecord(json)) {
    throw new ValidityRuleError(
      undefined,
      '',
      `expected a rule, an array of rules, or the gateway's map of Identifier to versions, found ${show(json)}`,
    )
  }
  // The gateway's form maps each Identifier to an array; anything else is read as one rule.
  const values = Object.values(json)
  if ('Identifier' in json || values.length === 0 || !values.every(Array.isArray)) {
    return [{ where: 'the rule', json }]
  }
  return Object.entries(json).flatMap(([identifier, versions]) => {
    if (!identifierPattern.test(identifier) || !Array.isArray(versions)) {
      throw new ValidityRuleError(
        identifierPattern.test(identifier) ? identifier : undefined,
        '',
        `expected a rule (with an Identifier), an array of rules, or the gateway's map of Identifier to an array of versions, but found the key ${show(identifier)} with ${show(versions)}`,
      )
    }
    return versions.map((version: unknown, index) => {
      if (isRecord(version) && 'cms' in version) {
        throw new ValidityRuleError(
          identifier,
          'cms',
          `rule ${identifier}[${index}]: the gateway's versions are CMS-signed (dgc-gateway ValidationRuleDownloadResponse); verify each signature against the gateway's upload certificates and put the rule it carries in its place: readRuleFile reads rules, it does not verify signatures`,
        )
      }
      return { where: `rule ${identifier}[${index}]`, json: version, filedAs: identifier }
    })
  })
}

function readRule(entry: Entry): ValidityRule {
  const { where } = entry
  if (!isRecord(entry.json)) {
    throw new ValidityRuleError(
      undefined,
      '',
      `${where}: expected a rule object, found ${show(entry.json)}`,
    )
  }
  const fields = entry.json
  const identifier = fields['Identifier']
  if (typeof identifier !== 'string' || !identifierPattern.test(identifier)) {
    const hint =
      'identifier' in fields && 'hash' in fields
        ? " (this is an entry of a rule service's index; fetch the rule it names by its hash)"
        : ''
    throw new ValidityRuleError(
      typeof identifier === 'string' ? identifier : undefined,
      'Identifier',
      `${where}: Identifier: expected a rule name such as "VR-DE-0001" (GR, VR, TR, RR, IR or AR, a country code, four digits), found ${show(identifier)}${hint}`,
    )
  }
  const reject = (field: string, reason: string): never => {
    throw new ValidityRuleError(identifier, field, `${where} "${identifier}": ${field}: ${reason}`)
  }
  const fail: Fail = (field, expected, found) =>
    reject(field, `expected ${expected}, found ${show(found)}`)
  if (entry.filedAs !== undefined && identifier !== entry.filedAs) {
    fail('Identifier', `"${entry.filedAs}", the key it is filed under`, identifier)
  }
  for (const key of Object.keys(fields)) {
    if (!knownFields.includes(key)) {
      fail(key, `no such field (a rule has ${knownFields.join(', ')})`, fields[key])
    }
  }
  for (const field of requiredFields) {
    if (fields[field] === undefined) fail(field, 'this required field', undefined)
  }

  const type = fields['Type']
  if (!ruleTypes.includes(type as RuleType)) fail('Type', '"Acceptance" or "Invalidation"', type)
  const country = fields['Country']
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    fail('Country', 'an ISO 3166-1 alpha-2 code in capitals, such as "DE"', country)
  }
  const region = fields['Region']
  if (region !== undefined && typeof region !== 'string') fail('Region', 'a text', region)
  const version = semver(fields['Version'], 'Version', fail)
  const schemaVersion = semver(fields['SchemaVersion'], 'SchemaVersion', fail)
  if (fields['Engine'] !== 'CERTLOGIC') fail('Engine', '"CERTLOGIC"', fields['Engine'])
  const engineVersion = semver(fields['EngineVersion'], 'EngineVersion', fail)
  if (Number(engineVersion.split('.')[0]) > engineMajor) {
    fail(
      'EngineVersion',
      `a CertLogic version this verifier implements (specification ${specificationVersion})`,
      engineVersion,
    )
  }
  const certificateType = fields['CertificateType']
  if (!certificateTypes.includes(certificateType as RuleCertificateType)) {
    fail('CertificateType', `one of ${certificateTypes.join(', ')}`, certificateType)
  }
  const expectedPrefix =
    type === 'Invalidation' ? 'IR' : prefixes[certificateType as RuleCertificateType]
  const [prefix, identifierCountry] = identifier.split('-')
  if (prefix !== expectedPrefix) {
    fail(
      'Identifier',
      `the prefix ${expectedPrefix} for ${type === 'Invalidation' ? 'an Invalidation rule' : `a ${String(certificateType)} rule`} (gateway constraint INVALID_RULE_ID)`,
      identifier,
    )
  }
  if (identifierCountry !== country) {
    fail('Identifier', `the country of the rule, ${String(country)}, after the prefix`, identifier)
  }

  const description = readDescription(fields['Description'], fail)
  const validFrom = timestamp(fields['ValidFrom'], 'ValidFrom', fail)
  const validTo = timestamp(fields['ValidTo'], 'ValidTo', fail)
  if (Date.parse(validFrom) >= Date.parse(validTo)) {
    fail('ValidTo', `a moment after ValidFrom (${validFrom})`, validTo)
  }
  const affectedFields = fields['AffectedFields']
  if (
    !Array.isArray(affectedFields) ||
    !affectedFields.every((field) => typeof field === 'string' && field !== '')
  ) {
    fail('AffectedFields', 'an array of payload field paths such as "v.0.dt"', affectedFields)
  }

  const logic = fields['Logic']
  if (!isRecord(logic)) fail('Logic', 'a CertLogic operation (an object)', logic)
  const problems = validate(logic)
  if (problems.length > 0) {
    const found = problems.map((problem) => `${problem.message} in ${show(problem.expr)}`)
    reject(
      'Logic',
      `expected a valid CertLogic expression (specification ${specificationVersion}), but ${found.join('; ')}`,
    )
  }

  const rule: ValidityRule = {
    identifier,
    type: type as RuleType,
    country: country as string,
    region:
      typeof region === 'string' && region.trim() !== '' ? region.trim().toUpperCase() : undefined,
    version,
    schemaVersion,
    engine: 'CERTLOGIC',
    engineVersion,
    certificateType: certificateType as RuleCertificateType,
    description,
    validFrom,
    validTo,
    affectedFields: [...(affectedFields as string[])],
    logic: structuredClone(logic) as CertLogicExpression,
  }
  for (const { who, data } of trialData(rule)) {
    const outcome = runRule(rule, data)
    if (outcome.passed === 'error') {
      const kind = rule.certificateType === 'General' ? '' : `${rule.certificateType} `
      reject(
        'Logic',
        `expected to give true or false for every ${kind}certificate, but for ${who}: ${outcome.error}`,
      )
    }
  }
  return rule
}

type Fail = (field: string, expected: string, found: unknown) => never

function semver(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || !semverPattern.test(value)) {
    fail(field, 'a semantic version such as "1.0.0"', value)
  }
  return value as string
}

function timestamp(value: unknown, field: string, fail: Fail): string {
  const match = typeof value === 'string' ? timestampPattern.exec(value) : null
  const expected =
    'an ISO 8601 timestamp with an offset and no fractions, such as "2021-07-01T00:00:00Z"'
  if (!match) return fail(field, expected, value)
  const [, year, month, day, hour, , , offsetHours] = match.map(Number)
  const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate()
  if (
    (month ?? 0) < 1 ||
    (month ?? 0) > 12 ||
    (day ?? 0) < 1 ||
    (day ?? 0) > daysInMonth ||
    (hour ?? 0) > 23 ||
    (offsetHours ?? 0) > 14
  ) {
    fail(field, `${expected}, of a day that exists`, value)
  }
  return value as string
}

function readDescription(value: unknown, fail: Fail): Record<string, string> {
  const expected = 'a non-empty array of { "lang", "desc" } with an English ("en") one'
  if (!Array.isArray(value) || value.length === 0) return fail('Description', expected, value)
  const description: Record<string, string> = {}
  value.forEach((item: unknown, index) => {
    const at = `Description[${index}]`
    if (!isRecord(item)) return fail(at, 'an object { "lang", "desc" }', item)
    for (const key of Object.keys(item)) {
      if (key !== 'lang' && key !== 'desc')
        fail(`${at}.${key}`, 'only "lang" and "desc"', item[key])
    }
    const lang = item['lang']
    if (typeof lang !== 'string' || !languagePattern.test(lang)) {
      fail(`${at}.lang`, 'a language code such as "en" or "de-at"', lang)
    }
    if (Object.hasOwn(description, lang as string)) {
      fail(`${at}.lang`, 'each language once', lang)
    }
    const desc = item['desc']
    // The gateway also wants 20 characters; a Chinese sentence says in 12 what English says in 40.
    if (typeof desc !== 'string' || desc.trim() === '') fail(`${at}.desc`, 'a non-empty text', desc)
    description[lang as string] = desc as string
  })
  if (!Object.hasOwn(description, 'en')) fail('Description', expected, value)
  return description
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
