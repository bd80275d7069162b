import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { maskName, maskWrittenName, maskedName } from './masked-name.js'

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
        maskWrittenName('  '),
      ],
      ['IVAN P.', 'IVAN P.', ''],
    )
  })
})

describe('maskedName', () => {
  it('masks a person by their ICAO names, as dynamic codes carry them', () => {
    assert.equal(maskedName({ givenNameIcao: 'IVAN', familyNameIcao: 'PETROV' }), 'IVAN P.')
  })
})
