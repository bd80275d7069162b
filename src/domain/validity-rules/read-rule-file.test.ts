import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readRuleFile } from './read-rule-file.js'
import euTravelJson from './rules/eu-travel.json' with { type: 'json' }
import ruDefaultJson from './rules/ru-default.json' with { type: 'json' }
import xxJson from './test-fixtures/rules-xx.json' with { type: 'json' }
import { ValidityRuleError } from './validity-rule-errors.js'

const clock = { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] }

/** A well-formed rule in the EU format, modelled on the EU template's test-age rule. */
const rule = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  Identifier: 'TR-DE-0003',
  Type: 'Acceptance',
  Country: 'DE',
  Version: '1.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '0.7.5',
  CertificateType: 'Test',
  Description: [
    { lang: 'en', desc: 'The sample for an NAA test (e.g., PCR) must be at most 72 hours old.' },
    {
      lang: 'de',
      desc: 'Die Probe für einen NAAT-Test (z. B. PCR) darf höchstens 72 Stunden alt sein.',
    },
  ],
  ValidFrom: '2021-07-01T00:00:00Z',
  ValidTo: '2030-06-01T00:00:00Z',
  AffectedFields: ['t.0', 't.0.sc', 't.0.tt'],
  Logic: {
    if: [
      { '===': [{ var: 'payload.t.0.tt' }, 'LP6464-4'] },
      { 'not-after': [clock, { plusTime: [{ var: 'payload.t.0.sc' }, 72, 'hour'] }] },
      true,
    ],
  },
  ...overrides,
})
const without = (field: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(rule()).filter(([key]) => key !== field))

/** Asserts that `json` is refused with ERR_VALIDITY_RULE for `identifier` at `field`. */
function refuses(
  json: unknown,
  identifier: string | undefined,
  field: string,
  message?: RegExp,
): void {
  assert.throws(
    () => readRuleFile(json),
    (error: unknown) => {
      assert.ok(error instanceof ValidityRuleError, String(error))
      assert.equal(error.code, 'ERR_VALIDITY_RULE')
      assert.equal(error.name, 'ValidityRuleError')
      assert.equal(error.identifier, identifier)
      assert.equal(error.field, field)
      if (identifier !== undefined) assert.match(error.message, new RegExp(identifier))
      if (message) assert.match(error.message, message)
      return true
    },
  )
}

describe('readRuleFile', () => {
  it('reads a single rule, in camelCase, with its descriptions by language', () => {
    const [read, ...others] = readRuleFile(rule({ Region: ' by ' }))
    assert.equal(others.length, 0)
    assert.deepEqual(read, {
      identifier: 'TR-DE-0003',
      type: 'Acceptance',
      country: 'DE',
      region: 'BY',
      version: '1.0.0',
      schemaVersion: '1.3.0',
      engine: 'CERTLOGIC',
      engineVersion: '0.7.5',
      certificateType: 'Test',
      description: {
        en: 'The sample for an NAA test (e.g., PCR) must be at most 72 hours old.',
        de: 'Die Probe für einen NAAT-Test (z. B. PCR) darf höchstens 72 Stunden alt sein.',
      },
      validFrom: '2021-07-01T00:00:00Z',
      validTo: '2030-06-01T00:00:00Z',
      affectedFields: ['t.0', 't.0.sc', 't.0.tt'],
      logic: rule()['Logic'],
    })
  })

  it('reads an array of rules, two versions of one rule among them', () => {
    const rules = readRuleFile([rule(), rule({ Version: '1.1.0' }), ...xxJson])
    assert.deepEqual(
      rules.map((r) => `${r.identifier}@${r.version}`),
      [
        'TR-DE-0003@1.0.0',
        'TR-DE-0003@1.1.0',
        'GR-XX-0001@1.0.0',
        'VR-XX-0001@1.0.0',
        'VR-XX-0002@1.0.0',
      ],
    )
  })

  it('reads our default rule files, Antibody rules (prefix AR) included', () => {
    const ru = readRuleFile(ruDefaultJson)
    const eu = readRuleFile(euTravelJson)
    assert.equal(ru.length, 13)
    assert.equal(eu.length, 12)
    assert.deepEqual(
      ru.filter((r) => r.certificateType === 'Antibody').map((r) => r.identifier),
      ['AR-RU-0001', 'AR-RU-0002'],
    )
  })

  it("reads the gateway's map of Identifier to versions once each version is unwrapped", () => {
    const rules = readRuleFile({
      'TR-DE-0003': [rule(), rule({ Version: '1.1.0', ValidFrom: '2022-01-01T00:00:00+01:00' })],
    })
    assert.deepEqual(
      rules.map((r) => r.version),
      ['1.0.0', '1.1.0'],
    )
  })

  it("refuses the gateway's CMS-signed versions, which it cannot verify", () => {
    refuses(
      { 'TR-DE-0003': [{ version: '1.0.0', validFrom: '2021-07-01T00:00:00Z', cms: 'MIAGCSqG' }] },
      'TR-DE-0003',
      'cms',
      /CMS-signed.*verify/,
    )
  })

  it('refuses a version filed under another Identifier in the gateway form', () => {
    refuses({ 'TR-DE-0004': [rule()] }, 'TR-DE-0003', 'Identifier', /"TR-DE-0004", the key/)
  })

  it('refuses logic that is not CertLogic, naming the rule and the operator', () => {
    // `==` is JsonLogic, not CertLogic; real files carried it (dgc-business-rules-testdata VR-AT-0006).
    const logic = { if: [{ '==': [{ var: 'payload.t.0.tt' }, 'LP6464-4'] }, true, true] }
    refuses(rule({ Logic: logic }), 'TR-DE-0003', 'Logic', /unrecognised operator: "=="/)
    refuses(rule({ Logic: { plusTime: [clock, 1, 'week'] } }), 'TR-DE-0003', 'Logic', /week/)
    refuses(rule({ Logic: true }), 'TR-DE-0003', 'Logic', /an object/)
  })

  it('refuses logic that throws on a sample certificate of its type', () => {
    // No guard on the test type's branch: `sc` is compared as an integer, which CertLogic refuses.
    const logic = { '<': [{ var: 'payload.t.0.sc' }, 72] }
    refuses(rule({ Logic: logic }), 'TR-DE-0003', 'Logic', /for a negative NAAT test.*integer/)
  })

  it('refuses a General rule that throws for one type of certificate, our antibody one included', () => {
    const logic = { 'not-before': [clock, { plusTime: [{ var: 'payload.v.0.dt' }, 14, 'day'] }] }
    refuses(
      rule({ Identifier: 'GR-DE-0001', CertificateType: 'General', Logic: logic }),
      'GR-DE-0001',
      'Logic',
      /for a negative NAAT test/,
    )
    const vaccinationGuarded = { if: [{ var: 'payload.v.0' }, logic, { var: 'payload.r.0.fr' }] }
    refuses(
      rule({ Identifier: 'GR-DE-0001', CertificateType: 'General', Logic: vaccinationGuarded }),
      'GR-DE-0001',
      'Logic',
      /true or false/,
    )
  })

  it('refuses logic that needs an external parameter a verification may lack', () => {
    const logic = { 'not-after': [clock, { plusTime: [{ var: 'external.exp' }, 0, 'day'] }] }
    refuses(
      rule({ Identifier: 'GR-DE-0001', CertificateType: 'General', Logic: logic }),
      'GR-DE-0001',
      'Logic',
      /without exp/,
    )
  })

  it('refuses a rule with a required field missing, naming the field', () => {
    for (const field of [
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
    ]) {
      refuses(without(field), 'TR-DE-0003', field, /required field/)
    }
    refuses(without('Identifier'), undefined, 'Identifier')
  })

  it('refuses an engine other than CertLogic, and a CertLogic newer than ours', () => {
    refuses(rule({ Engine: 'JSONLOGIC' }), 'TR-DE-0003', 'Engine', /"CERTLOGIC", found "JSONLOGIC"/)
    refuses(rule({ EngineVersion: '2.0.0' }), 'TR-DE-0003', 'EngineVersion')
  })

  it('refuses an unknown certificate type or rule type', () => {
    refuses(rule({ CertificateType: 'Exemption' }), 'TR-DE-0003', 'CertificateType', /Antibody/)
    refuses(rule({ Type: 'Rejection' }), 'TR-DE-0003', 'Type')
  })

  it('refuses bad dates: no offset, fractions, a day that does not exist, an empty window', () => {
    refuses(rule({ ValidFrom: '2021-07-01T00:00:00' }), 'TR-DE-0003', 'ValidFrom')
    refuses(rule({ ValidFrom: '2021-07-01T00:00:00.000Z' }), 'TR-DE-0003', 'ValidFrom')
    refuses(rule({ ValidFrom: '2021-02-30T00:00:00Z' }), 'TR-DE-0003', 'ValidFrom', /exists/)
    refuses(rule({ ValidTo: '2021-07-01' }), 'TR-DE-0003', 'ValidTo')
    refuses(
      rule({ ValidTo: '2021-07-01T02:00:00+02:00' }),
      'TR-DE-0003',
      'ValidTo',
      /after ValidFrom/,
    )
  })

  it('refuses an Identifier that does not match the rule type or country', () => {
    refuses(rule({ Identifier: 'VR-DE-0003' }), 'VR-DE-0003', 'Identifier', /prefix TR/)
    refuses(rule({ Type: 'Invalidation' }), 'TR-DE-0003', 'Identifier', /prefix IR/)
    refuses(
      rule({ Identifier: 'TR-AT-0003' }),
      'TR-AT-0003',
      'Identifier',
      /country of the rule, DE/,
    )
    refuses(rule({ Identifier: 'TR-DE-3' }), 'TR-DE-3', 'Identifier')
    refuses(
      { identifier: 'TR-DE-0003', version: '1.0.0', country: 'DE', hash: 'ab12' },
      undefined,
      'Identifier',
      /by its hash/,
    )
  })

  it('refuses descriptions without English, with a language twice, or empty', () => {
    refuses(
      rule({ Description: [{ lang: 'de', desc: 'Nur deutsch.' }] }),
      'TR-DE-0003',
      'Description',
    )
    refuses(rule({ Description: [] }), 'TR-DE-0003', 'Description')
    const twice = [
      { lang: 'en', desc: 'One description in English.' },
      { lang: 'en', desc: 'Another description in English.' },
    ]
    refuses(rule({ Description: twice }), 'TR-DE-0003', 'Description[1].lang')
    refuses(rule({ Description: [{ lang: 'en', desc: ' ' }] }), 'TR-DE-0003', 'Description[0].desc')
    refuses(
      rule({ Description: [{ lang: 'EN', desc: 'Shouting.' }] }),
      'TR-DE-0003',
      'Description[0].lang',
    )
  })

  it('refuses unknown fields, bad versions, bad countries and bad affected fields', () => {
    refuses(rule({ Comment: 'internal' }), 'TR-DE-0003', 'Comment', /no such field/)
    refuses(rule({ Version: '1.0' }), 'TR-DE-0003', 'Version')
    refuses(rule({ Version: '1.0.0-beta' }), 'TR-DE-0003', 'Version')
    refuses(rule({ Country: 'de' }), 'TR-DE-0003', 'Country')
    refuses(rule({ AffectedFields: 't.0.sc' }), 'TR-DE-0003', 'AffectedFields')
    refuses(rule({ Region: 7 }), 'TR-DE-0003', 'Region')
  })

  it('refuses the same version of a rule twice, and input that is no rule file', () => {
    refuses([rule(), rule()], 'TR-DE-0003', 'Version', /immutable/)
    refuses('TR-DE-0003', undefined, '')
    refuses([rule(), 42], undefined, '', /rule \[1\]/)
    refuses({ rules: [rule()] }, undefined, '')
  })

  it('gives back copies: editing the file afterwards changes no rule', () => {
    const json = rule()
    const [read] = readRuleFile(json)
    ;(json['Logic'] as { if: unknown[] }).if[2] = false
    assert.equal((read?.logic as { if: unknown[] }).if[2], true)
  })
})
