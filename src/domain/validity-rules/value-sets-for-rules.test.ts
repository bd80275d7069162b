import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { valueSets } from '../register/value-sets.js'
import { valueSetsForRules } from './value-sets-for-rules.js'

describe('valueSetsForRules', () => {
  it('gives every value set the register loads, by its EU id, as a list of codes', () => {
    const compressed = valueSetsForRules()
    assert.deepEqual(Object.keys(compressed).sort(), [
      'country-2-codes',
      'covid-19-lab-result',
      'covid-19-lab-test-manufacturer-and-name',
      'covid-19-lab-test-type',
      'disease-agent-targeted',
      'sct-vaccines-covid-19',
      'vaccines-covid-19-auth-holders',
      'vaccines-covid-19-names',
    ])
    assert.deepEqual(compressed['covid-19-lab-test-type'], ['LP6464-4', 'LP217198-3'])
    // Integer-like keys come out in numeric order, whatever order the file had.
    assert.deepEqual(compressed['covid-19-lab-result'], ['260373001', '260415000'])
    assert.deepEqual(compressed['disease-agent-targeted'], ['840539006'])
    assert.ok(compressed['vaccines-covid-19-names']?.includes('EU/1/20/1528'))
  })

  it('keeps inactive codes, as EU verifiers do, so that rules decide what they accept', () => {
    const inactive = Object.entries(valueSets.vaccineProduct.valueSetValues)
      .filter(([, value]) => value.active === false)
      .map(([code]) => code)
    assert.ok(inactive.length > 0)
    for (const code of inactive) {
      assert.ok(valueSetsForRules()['vaccines-covid-19-names']?.includes(code), code)
    }
  })

  it('gives a fresh copy each time', () => {
    const first = valueSetsForRules()
    first['covid-19-lab-test-type']?.push('LP0000-0')
    assert.deepEqual(valueSetsForRules()['covid-19-lab-test-type'], ['LP6464-4', 'LP217198-3'])
  })
})
