import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, testApp } from '../../../../test/api/test-app.js'

forEachDialect((dialect) => {
  describe(`POST /api/v1/names/transliterate (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    it('proposes Hanyu Pinyin for a Chinese name, family name read as one, to a signed-in citizen', async () => {
      const answer = await t.request(t.users.citizen, 'POST', '/api/v1/names/transliterate', {
        family: '单',
        given: '田芳',
      })
      assert.equal(answer.statusCode, 200, answer.body)
      assert.deepEqual(answer.json(), {
        familyLatin: 'Shan',
        givenLatin: 'Tianfang',
        familyIcao: 'SHAN',
        givenIcao: 'TIANFANG',
      })
    })

    it('gives the ICAO forms of Latin and Cyrillic names, and null for a script without a table', async () => {
      const answer = await t.request(t.users.clinician, 'POST', '/api/v1/names/transliterate', {
        family: "d'Červenková Panklová",
        given: 'محمد',
      })
      assert.equal(answer.statusCode, 200, answer.body)
      assert.deepEqual(answer.json(), {
        familyLatin: "d'Červenková Panklová",
        givenLatin: null,
        familyIcao: 'DCERVENKOVA<PANKLOVA',
        givenIcao: null,
      })
    })

    it('refuses anyone not signed in, and a name longer than the DCC allows', async () => {
      const anonymous = await t.request(undefined, 'POST', '/api/v1/names/transliterate', {
        family: '王',
        given: '芳',
      })
      assert.equal(anonymous.statusCode, 401, anonymous.body)
      const long = await t.request(t.users.citizen, 'POST', '/api/v1/names/transliterate', {
        family: '王'.repeat(81),
        given: '芳',
      })
      assert.equal(long.statusCode, 400, long.body)
      assert.equal(long.json().error.code, 'ERR_VALIDATION')
    })
  })
})
