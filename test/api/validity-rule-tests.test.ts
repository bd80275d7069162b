import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, testApp } from './test-app.js'

const suite = fileURLToPath(
  new URL('../vectors/dcc-business-rules/DE/TR-DE-0004/', import.meta.url),
)
const publishedRule = JSON.parse(readFileSync(join(suite, 'rule.json'), 'utf8')) as Record<
  string,
  unknown
>
/** The published cases, each naming its rule as the API wants. */
const publishedCases = readdirSync(join(suite, 'tests'))
  .sort()
  .map((file) => ({
    rule: 'TR-DE-0004',
    ...(JSON.parse(readFileSync(join(suite, 'tests', file), 'utf8')) as Record<string, unknown>),
  }))

const dose = (dn: number, sd: number) => ({ v: [{ dn, sd }] })

forEachDialect((dialect) => {
  describe(`POST /api/v1/validity-rules/{id}/test (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    const ruleSetVersions = async () =>
      (await t.request(undefined, 'GET', '/api/v1/validity-rules'))
        .json()
        .ruleSets.map((set: { id: string; version: number }) => `${set.id}@${set.version}`)

    it('runs cases on the stored rule set, per case and counted, and writes nothing', async () => {
      const versionsBefore = await ruleSetVersions()
      const answer = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/ru-default/test',
        {
          tests: [
            {
              rule: 'VR-RU-0001',
              name: 'full course',
              payload: dose(2, 2),
              external: {},
              expected: true,
            },
            {
              rule: 'VR-RU-0001',
              name: 'first of two',
              payload: dose(1, 2),
              external: {},
              expected: false,
            },
            {
              rule: 'VR-RU-0001',
              name: 'wrong expectation',
              payload: dose(1, 2),
              external: {},
              expected: true,
            },
            {
              rule: 'VR-RU-0001',
              name: 'before the rule',
              payload: dose(2, 2),
              external: { validationClock: '2020-01-01T00:00:00Z' },
              expected: false,
            },
            {
              rule: 'VR-RU-0999',
              name: 'no such rule',
              payload: dose(2, 2),
              external: {},
              expected: true,
            },
          ],
        },
      )
      assert.equal(answer.statusCode, 200, answer.body)
      const report = answer.json()
      assert.deepEqual(report.ruleSet, { id: 'ru-default', version: 1 })
      assert.deepEqual([report.passed, report.failed, report.notCounted], [2, 2, 1], answer.body)
      assert.deepEqual(
        report.results.map((result: { name: string; outcome: string }) => [
          result.name,
          result.outcome,
        ]),
        [
          ['full course', 'passed'],
          ['first of two', 'passed'],
          ['wrong expectation', 'failed'],
          ['before the rule', 'not-counted'],
          ['no such rule', 'failed'],
        ],
      )
      assert.equal(report.results[2].actual, false)
      assert.equal(report.results[2].expected, true)
      assert.equal(report.results[0].version, '1.0.0')
      assert.match(report.results[4].error, /no rule VR-RU-0999 in rule set ru-default/)
      assert.deepEqual(await ruleSetVersions(), versionsBefore)
    })

    it("runs a country's published cases on its rule given in the body, as the set's next version", async () => {
      const versionsBefore = await ruleSetVersions()
      const answer = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/de-travel/test',
        { rules: [publishedRule], tests: publishedCases },
      )
      assert.equal(answer.statusCode, 200, answer.body)
      assert.deepEqual(
        [answer.json().passed, answer.json().failed, answer.json().notCounted],
        [publishedCases.length, 0, 0],
        answer.body,
      )
      assert.deepEqual(answer.json().ruleSet, { id: 'de-travel', version: 1 })
      assert.deepEqual(await ruleSetVersions(), versionsBefore, 'nothing is imported')
    })

    it('refuses rules an import would refuse, an unknown set, malformed cases and other roles', async () => {
      const refused = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/de-travel/test',
        { rules: [{ ...publishedRule, Engine: 'JSONLOGIC' }], tests: publishedCases },
      )
      assert.equal(refused.statusCode, 400, refused.body)
      assert.equal(refused.json().error.code, 'ERR_INVALID_FIELD')
      assert.equal(refused.json().error.field, 'rules[TR-DE-0004].Engine')

      const unknown = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/no-such-set/test',
        { tests: publishedCases },
      )
      assert.equal(unknown.statusCode, 404, unknown.body)
      assert.equal(unknown.json().error.code, 'ERR_NOT_FOUND')

      const withoutExternal = await t.request(
        t.users.health_authority,
        'POST',
        '/api/v1/validity-rules/ru-default/test',
        { tests: [{ rule: 'VR-RU-0001', payload: dose(2, 2), expected: true }] },
      )
      assert.equal(withoutExternal.statusCode, 400, withoutExternal.body)
      assert.equal(withoutExternal.json().error.code, 'ERR_VALIDATION')

      for (const user of [t.users.clinician, t.users.administrator, t.users.citizen, undefined]) {
        const answer = await t.request(user, 'POST', '/api/v1/validity-rules/ru-default/test', {
          tests: publishedCases,
        })
        assert.ok([401, 403].includes(answer.statusCode), answer.body)
      }
    })
  })
})
