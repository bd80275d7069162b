// The sample certificates `readRuleFile` runs every rule on before accepting it. A rule must
// cope with each certificate of its type, with and without the optional external parameters
// (`exp`, `iat`, `kid`, issuer, region), or it would throw for some holder at a door.
import type { JsonValue } from '../../codec/hc1/cbor.js'
import { ruleData } from './rule-data.js'
import type { RuleData, RuleEvaluationInput } from './rule-data.js'
import type { RuleCertificateType, ValidityRule } from './validity-rule.js'
import { valueSetsForRules } from './value-sets-for-rules.js'

interface TrialCertificate {
  readonly who: string
  readonly certificateType: Exclude<RuleCertificateType, 'General'>
  readonly payloadType: RuleEvaluationInput['payloadType']
  readonly payload: JsonValue
}

const trialClock = new Date('2026-01-15T12:00:00.000Z')
const name = { fn: 'Иванова', fnt: 'IVANOVA', gn: 'Мария', gnt: 'MARIIA' }

const vaccination = (dn: number, sd: number): JsonValue => ({
  ver: '1.3.0',
  nam: name,
  dob: '1990-04-02',
  v: [
    {
      tg: '840539006',
      vp: 'J07BX03',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn,
      sd,
      dt: '2025-10-01',
      co: 'RU',
      is: 'Ministry of Health of the Russian Federation',
      ci: 'URN:UVCI:01:RU:TRIAL0000001#C',
    },
  ],
})
const test = (tt: string, tr: string): JsonValue => ({
  ver: '1.3.0',
  nam: name,
  dob: '1990-04',
  t: [
    {
      tg: '840539006',
      tt,
      sc: '2026-01-14T08:00:00Z',
      tr,
      tc: 'Trial laboratory',
      co: 'RU',
      is: 'Ministry of Health of the Russian Federation',
      ci: 'URN:UVCI:01:RU:TRIAL0000002#K',
    },
  ],
})

const certificates: readonly TrialCertificate[] = [
  {
    who: 'a complete vaccination',
    certificateType: 'Vaccination',
    payloadType: 'eu-dcc',
    payload: vaccination(2, 2),
  },
  {
    who: 'an incomplete vaccination',
    certificateType: 'Vaccination',
    payloadType: 'eu-dcc',
    payload: vaccination(1, 2),
  },
  {
    who: 'a negative NAAT test',
    certificateType: 'Test',
    payloadType: 'eu-dcc',
    payload: test('LP6464-4', '260415000'),
  },
  {
    who: 'a positive rapid antigen test',
    certificateType: 'Test',
    payloadType: 'eu-dcc',
    payload: test('LP217198-3', '260373001'),
  },
  {
    who: 'a recovery',
    certificateType: 'Recovery',
    payloadType: 'eu-dcc',
    payload: {
      ver: '1.3.0',
      nam: name,
      dob: '1990',
      r: [
        {
          tg: '840539006',
          fr: '2025-11-01',
          co: 'RU',
          is: 'Ministry of Health of the Russian Federation',
          df: '2025-11-12',
          du: '2026-04-30',
          ci: 'URN:UVCI:01:RU:TRIAL0000003#R',
        },
      ],
    },
  },
  {
    who: 'an antibody certificate',
    certificateType: 'Antibody',
    payloadType: 'healthcode-antibody',
    payload: {
      ver: '1.0.0',
      nam: name,
      dob: '1990-04-02',
      ab: [
        {
          tg: '840539006',
          ma: 'SARS-CoV-2 IgG II Quant',
          va: 812.4,
          un: 'BAU/mL',
          th: 300,
          dt: '2025-12-20',
          co: 'RU',
          is: 'Trial health committee',
          ci: 'URN:UVCI:01:RU:TRIAL0000004#A',
        },
      ],
    },
  },
]

/** The data contexts a rule is tried on, each with who it stands for. */
export function trialData(rule: ValidityRule): readonly { who: string; data: RuleData }[] {
  const valueSets = valueSetsForRules()
  return certificates
    .filter((c) => rule.certificateType === 'General' || rule.certificateType === c.certificateType)
    .flatMap((certificate) => {
      const base: RuleEvaluationInput = {
        payloadType: certificate.payloadType,
        payload: certificate.payload,
        at: trialClock,
        countryCode: rule.country,
        // A rule for a region only ever runs for that region.
        region: rule.region,
        valueSets,
      }
      const full: RuleEvaluationInput = {
        ...base,
        issuedAt: '2025-12-21T09:00:00.000Z',
        expiresAt: '2026-12-21T09:00:00.000Z',
        issuerCountry: 'RU',
        kid: 'dHJpYWxraWQ=',
      }
      return [
        { who: `${certificate.who} with every external parameter`, data: ruleData(full) },
        { who: `${certificate.who} without exp, iat, kid or issuer`, data: ruleData(base) },
      ]
    })
}
