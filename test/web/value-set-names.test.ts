import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  productName,
  testResultName,
  testTypeName,
  vaccineManufacturerName,
  vaccineProductName,
} from '../../web/src/components/value-set-names.js'

describe('value-set names in the web app (web/src/components/value-set-names.ts)', () => {
  it('names a vaccine, a rapid test device and a test type as the EU value sets display them', () => {
    assert.equal(productName('EU/1/20/1528'), 'Comirnaty')
    assert.equal(productName('1232'), 'Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test')
    assert.equal(productName('LP6464-4'), 'Nucleic acid amplification with probe detection')
    assert.equal(vaccineProductName('EU/1/20/1528'), 'Comirnaty')
    assert.equal(vaccineManufacturerName('ORG-100030215'), 'Biontech Manufacturing GmbH')
  })

  it('keeps a free-text test name, or a code no value set knows, as it is', () => {
    assert.equal(productName('RT-PCR SARS-CoV-2'), 'RT-PCR SARS-CoV-2')
    assert.equal(productName('Sputnik-V'), 'Sputnik-V')
  })

  it('names a test’s type and result as the value sets display them, and keeps an unknown code', () => {
    assert.equal(testTypeName('LP217198-3'), 'Rapid immunoassay')
    assert.equal(testResultName('260415000'), 'Not detected')
    assert.equal(testResultName('260373001'), 'Detected')
    assert.equal(testResultName('123'), '123')
  })
})
