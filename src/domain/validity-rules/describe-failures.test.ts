import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import naatFixture from '../../codec/hc1/test-fixtures/dcc-test-naat.json' with { type: 'json' }
import vaccinationFixture from '../../codec/hc1/test-fixtures/dcc-vaccination.json' with { type: 'json' }
import { defaultRuleSets } from './default-rule-sets.js'
import { describeFailures } from './describe-failures.js'
import { evaluateRules } from './evaluate-rules.js'
import type { RuleVerdict } from './evaluate-rules.js'
import { readRuleFile } from './read-rule-file.js'
import xxJson from './test-fixtures/rules-xx.json' with { type: 'json' }
import { valueSetsForRules } from './value-sets-for-rules.js'

const valueSets = valueSetsForRules()
// The example PCR, sampled 2021-06-11T17:30Z, checked 73 hours later: TR-RU-0003 fails.
const lateTest = evaluateRules(defaultRuleSets['ru-default'], {
  payloadType: 'eu-dcc',
  payload: naatFixture,
  at: new Date('2021-06-14T18:30:00Z'),
  countryCode: 'RU',
  valueSets,
})

describe('describeFailures', () => {
  it('describes a failed default rule in Russian and in Chinese', () => {
    assert.deepEqual(describeFailures(lateTest, 'ru'), [
      {
        identifier: 'TR-RU-0003',
        passed: false,
        language: 'ru',
        text: 'Образец для теста методом амплификации нуклеиновых кислот (например, ПЦР) должен быть взят не более чем за 72 часа до проверки.',
      },
    ])
    assert.deepEqual(
      describeFailures(lateTest, 'zh').map((failure) => [failure.language, failure.text]),
      [['zh', '核酸扩增检测（如PCR）的采样时间须在核验前72小时以内。']],
    )
    assert.equal(describeFailures(lateTest, 'en')[0]?.language, 'en')
  })

  it('matches a regional variant by its primary language', () => {
    assert.equal(describeFailures(lateTest, 'zh-CN')[0]?.language, 'zh')
    assert.equal(describeFailures(lateTest, 'ru-RU')[0]?.language, 'ru')
  })

  it('falls back to English for a language the rule lacks', () => {
    // VR-XX-0001 speaks English and German only: a Russian reader gets the English text.
    const rules = [...defaultRuleSets['ru-default'].rules, ...readRuleFile(xxJson)]
    const verdict = evaluateRules(
      { id: 'with-xx', version: 1, rules },
      {
        payloadType: 'eu-dcc',
        payload: { ...vaccinationFixture, v: [{ ...vaccinationFixture.v[0], dn: 2, sd: 2 }] },
        at: new Date('2022-01-01T00:00:00Z'),
        countryCode: 'XX',
        valueSets,
      },
    )
    const [failure] = describeFailures(verdict, 'ru')
    assert.equal(failure?.identifier, 'VR-XX-0001')
    assert.equal(failure?.language, 'en')
    assert.match(failure?.text ?? '', /at most 180 days old/)
    assert.equal(describeFailures(verdict, 'de')[0]?.language, 'de')
  })

  it('falls back to the first description when there is no English one', () => {
    const verdict: RuleVerdict = {
      ...lateTest,
      failed: [
        {
          identifier: 'TR-XY-0001',
          type: 'Acceptance',
          certificateType: 'Test',
          version: '1.0.0',
          passed: 'error',
          description: {
            fr: 'Le test doit dater de moins de 24 heures.',
            nl: 'Hooguit 24 uur oud.',
          },
          error: 'its logic throws: boom',
        },
      ],
    }
    assert.deepEqual(describeFailures(verdict, 'zh'), [
      {
        identifier: 'TR-XY-0001',
        passed: 'error',
        language: 'fr',
        text: 'Le test doit dater de moins de 24 heures.',
      },
    ])
  })

  it('gives nothing for a verdict without failed rules', () => {
    const allowed = evaluateRules(defaultRuleSets['ru-default'], {
      payloadType: 'eu-dcc',
      payload: naatFixture,
      at: new Date('2021-06-12T09:00:00Z'),
      countryCode: 'RU',
      valueSets,
    })
    assert.equal(allowed.allowed, true)
    assert.deepEqual(describeFailures(allowed, 'ru'), [])
  })
})
