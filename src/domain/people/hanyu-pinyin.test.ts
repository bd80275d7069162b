import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isChineseName, proposeLatinName } from './hanyu-pinyin.js'

describe('proposeLatinName', () => {
  for (const [name, part, latin, icao] of [
    ['王', 'family', 'Wang', 'WANG'],
    ['芳', 'given', 'Fang', 'FANG'],
    ['欧阳', 'family', 'Ouyang', 'OUYANG'],
    ['小明', 'given', 'Xiaoming', 'XIAOMING'],
    // A polyphonic character reads as a family name: 单 Shan (not Dan), 曾 Zeng (not Ceng).
    ['单', 'family', 'Shan', 'SHAN'],
    ['曾', 'family', 'Zeng', 'ZENG'],
    // ü is YU in the machine-readable form, as PRC passports print it.
    ['吕', 'family', 'Lü', 'LYU'],
    // The pinyin apostrophe stays in the readable form; ICAO drops it.
    ['西安', 'given', "Xi'an", 'XIAN'],
    // Parts of a transcribed name are kept apart by the middle dot.
    ['阿不都·热合曼', 'given', 'Abudou Reheman', 'ABUDOU<REHEMAN'],
  ] as const) {
    it(`proposes ${latin} (${icao}) for the ${part} name ${name}`, () =>
      assert.deepEqual(proposeLatinName(name, part), { latin, icao }))
  }

  it('keeps a Latin name as typed and gives the ICAO form; a Cyrillic one by the ICAO table', () => {
    assert.deepEqual(proposeLatinName("D'Arcy", 'family'), { latin: "D'Arcy", icao: 'DARCY' })
    assert.deepEqual(proposeLatinName('Щукина-Юрьева', 'family'), {
      latin: 'Shchukina Iureva',
      icao: 'SHCHUKINA<IUREVA',
    })
  })

  it('proposes nothing for a script without a table, or an empty name', () => {
    assert.equal(proposeLatinName('محمد', 'given'), undefined)
    assert.equal(proposeLatinName('  ', 'given'), undefined)
    // Chinese characters mixed with Latin letters are not a Chinese name.
    assert.equal(isChineseName('王A'), false)
    assert.equal(isChineseName('王芳'), true)
  })
})
