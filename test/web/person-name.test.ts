import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { holderName, personName } from '../../web/src/components/person-name.js'

describe('personName (web/src/components/person-name.ts)', () => {
  it('writes a Chinese name family first and closed up, others family first with a space', () => {
    assert.deepEqual(
      [
        personName({ familyName: '王', givenName: '芳' }),
        personName({ familyName: '欧阳', givenName: '娜娜' }),
        personName({ familyName: 'Петров', givenName: 'Иван' }),
        personName({ familyName: 'Müller', givenName: 'Jürgen' }),
        personName({ familyName: 'Smith', givenName: '' }),
      ],
      ['王芳', '欧阳娜娜', 'Петров Иван', 'Müller Jürgen', 'Smith'],
    )
  })

  it('writes a holder’s own name as the holder does: Chinese family first, others given first', () => {
    assert.deepEqual(
      [
        holderName({ familyName: '王', givenName: '芳' }),
        holderName({ familyName: '欧阳', givenName: '娜娜' }),
        holderName({ familyName: 'Петров', givenName: 'Иван' }),
        holderName({ familyName: 'SCHMIDT', givenName: 'ANNA' }),
        holderName({ familyName: 'Smith', givenName: '' }),
        holderName({ familyName: '', givenName: '' }),
      ],
      ['王芳', '欧阳娜娜', 'Иван Петров', 'ANNA SCHMIDT', 'Smith', ''],
    )
  })
})
