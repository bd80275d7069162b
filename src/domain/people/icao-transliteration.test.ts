import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { icaoTransliteration, isIcaoName } from './icao-transliteration.js'

describe('icaoTransliteration', () => {
  for (const [native, icao] of [
    ['Петров', 'PETROV'],
    ['Щукина-Юрьева', 'SHCHUKINA<IUREVA'],
    ['Фёдор', 'FEDOR'],
    ['Müller', 'MUELLER'],
    ['Gößinger', 'GOESSINGER'],
    ['Červenková Panklová', 'CERVENKOVA<PANKLOVA'],
    ["d'Artagnan", 'D<ARTAGNAN'],
    ['Øster  Ås', 'OESTER<AAS'],
  ] as const) {
    it(`writes ${native} as ${icao}`, () => assert.equal(icaoTransliteration(native), icao))
  }

  it('gives undefined for a script it has no table for, so that the caller asks for the form', () => {
    assert.equal(icaoTransliteration('王芳'), undefined)
    assert.equal(icaoTransliteration('محمد'), undefined)
  })

  it('accepts only A-Z and < as an ICAO name', () => {
    assert.equal(isIcaoName('WANG<FANG'), true)
    assert.equal(isIcaoName('Wang'), false)
    assert.equal(isIcaoName(''), false)
  })
})
