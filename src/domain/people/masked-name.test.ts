import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { maskName, maskWrittenName, maskedName, writtenFamilyFirst } from './masked-name.js'

describe('maskName', () => {
  it('keeps the first given name and the family name’s initial, in capitals', () => {
    assert.deepEqual(
      [
        maskName('IVAN', 'PETROV'),
        maskName('CHARLES<EDWARD', 'SMITH<JONES'),
        maskName('John', 'Anyperson'),
        maskName('Иван', 'Петров'),
      ],
      ['IVAN P.', 'CHARLES S.', 'JOHN A.', 'ИВАН П.'],
    )
  })

  it('leaves out a missing part instead of showing a stray dot or space', () => {
    assert.deepEqual(
      [maskName('', 'PETROV'), maskName('IVAN', ''), maskName('', '')],
      ['P.', 'IVAN', ''],
    )
  })

  it('puts the family initial first for a name written family first (Chinese, Korean, Japanese)', () => {
    assert.deepEqual(
      [maskName('FANG', 'WANG', 'family-first'), maskName('WEI', 'ZHANG', 'family-first')],
      ['W. FANG', 'Z. WEI'],
    )
  })

  it('takes a whole first letter outside the BMP', () => {
    assert.equal(maskName('A', '𠀋X'), 'A 𠀋.')
  })
})

describe('maskWrittenName', () => {
  it('masks a full name and leaves a masked one as it is', () => {
    assert.deepEqual(
      [
        maskWrittenName('Ivan Sergeevich Petrov'),
        maskWrittenName('IVAN P.'),
        maskWrittenName('W. FANG'),
        maskWrittenName('  '),
      ],
      ['IVAN P.', 'IVAN P.', 'W. FANG', ''],
    )
  })
})

describe('maskedName', () => {
  it('masks a person by their ICAO names, as dynamic codes carry them', () => {
    assert.equal(maskedName({ givenNameIcao: 'IVAN', familyNameIcao: 'PETROV' }), 'IVAN P.')
  })

  it('keeps the family initial first for a holder whose name is written in Chinese', () => {
    const wang = {
      familyName: '王',
      givenName: '芳',
      familyNameIcao: 'WANG',
      givenNameIcao: 'FANG',
    }
    const ivan = {
      familyName: 'Петров',
      givenName: 'Иван',
      familyNameIcao: 'PETROV',
      givenNameIcao: 'IVAN',
    }
    assert.deepEqual([maskedName(wang), maskedName(ivan)], ['W. FANG', 'IVAN P.'])
  })
})

describe('writtenFamilyFirst', () => {
  it('tells Han, Hangul and Kana names from Latin and Cyrillic ones', () => {
    assert.deepEqual(
      ['王', '김', 'やまだ', 'Müller', 'Петров', 'WANG'].map((name) => writtenFamilyFirst(name)),
      [true, true, true, false, false, false],
    )
  })
})
