import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { icaoTransliteration, isIcaoName } from './icao-transliteration.js'

describe('icaoTransliteration (ICAO 9303 part 3)', () => {
  // The DCC schema's own examples (fn/fnt and gn/gnt, every schema version).
  for (const [native, icao] of [
    ["d'Červenková Panklová", 'DCERVENKOVA<PANKLOVA'],
    ['Jiřina-Maria Alena', 'JIRINA<MARIA<ALENA'],
  ] as const) {
    it(`writes the DCC schema's example ${native} as ${icao}`, () =>
      assert.equal(icaoTransliteration(native), icao))
  }

  // nam.fn/fnt and nam.gn/gnt pairs of the EU test vectors (test/vectors/dgc-testdata and the
  // other countries' folders): Latin diacritics by table A, Cyrillic by table B.
  for (const [native, icao] of [
    ['Musterfrau-Gößinger', 'MUSTERFRAU<GOESSINGER'],
    ['Lövström', 'LOEVSTROEM'],
    ['Jørgensen', 'JOERGENSEN'],
    ['Åge', 'AAGE'],
    ['Matti Kari Yrjänä', 'MATTI<KARI<YRJAENAE'],
    ['Þarf Að Prófa', 'THARF<AD<PROFA'],
    ['Marilù Teresa', 'MARILU<TERESA'],
    ['Věrohodný', 'VEROHODNY'],
    ['Daňhelka', 'DANHELKA'],
    ["'t Achternaam", 'T<ACHTERNAAM'],
    ['van der Achternaam-Leeuwarden', 'VAN<DER<ACHTERNAAM<LEEUWARDEN'],
    ['Væåëýþÿüïöœœäßðèéùúĳðøáéóúí', 'VAEAAEYTHYUEIOEOEOEAESSDEEUUIJDOEAEOUI'],
    ['ВАЛЕНТИН АТАНАСОВ', 'VALENTIN<ATANASOV'],
    ['Ткаченко', 'TKACHENKO'],
  ] as const) {
    it(`writes the test vectors' ${native} as ${icao}`, () =>
      assert.equal(icaoTransliteration(native), icao))
  }

  it("drops apostrophes and other punctuation instead of making them a filler: D'Arcy is DARCY", () => {
    assert.equal(icaoTransliteration("D'Arcy"), 'DARCY')
    assert.equal(icaoTransliteration('O’Brien'), 'OBRIEN')
    assert.equal(icaoTransliteration("d'Artagnan"), 'DARTAGNAN')
    assert.equal(icaoTransliteration('St. John'), 'ST<JOHN')
    assert.equal(icaoTransliteration('J.R.'), 'JR')
    assert.equal(icaoTransliteration("Мар'яна"), 'MARIANA')
  })

  it('makes spaces, hyphens and commas one filler, none at the ends', () => {
    assert.equal(icaoTransliteration('Øster  Ås'), 'OESTER<AAS')
    assert.equal(icaoTransliteration(' Smith, Jones - Brown '), 'SMITH<JONES<BROWN')
  })

  for (const [native, icao] of [
    ['Петров', 'PETROV'],
    ['Жуков', 'ZHUKOV'],
    ['Харитонов', 'KHARITONOV'],
    ['Цветаева', 'TSVETAEVA'],
    ['Щукина-Юрьева', 'SHCHUKINA<IUREVA'],
    ['Подъячев', 'PODIEIACHEV'],
    ['Объедков', 'OBIEEDKOV'],
    ['Крылов', 'KRYLOV'],
    ['Юлия', 'IULIIA'],
    ['Яна', 'IANA'],
    ['Андрей', 'ANDREI'],
    ['Елена', 'ELENA'],
    ['Фёдор', 'FEDOR'],
    ['Игорь', 'IGOR'],
    ['Эмма', 'EMMA'],
  ] as const) {
    it(`writes the Cyrillic ${native} as ${icao} (table B, as Russian passports)`, () =>
      assert.equal(icaoTransliteration(native), icao))
  }

  it('gives undefined for a script it has no table for, and for a name of punctuation only', () => {
    assert.equal(icaoTransliteration('王芳'), undefined)
    assert.equal(icaoTransliteration('محمد'), undefined)
    assert.equal(icaoTransliteration("'"), undefined)
    assert.equal(icaoTransliteration('R2D2'), undefined)
  })

  it('accepts only A-Z and < as an ICAO name', () => {
    assert.equal(isIcaoName('WANG<FANG'), true)
    assert.equal(isIcaoName('Wang'), false)
    assert.equal(isIcaoName(''), false)
  })
})
