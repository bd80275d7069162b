import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}
const pcr = {
  testType: 'LP6464-4',
  name: 'RT-PCR SARS-CoV-2',
  sampledAt: '2026-10-20T08:30:00+03:00',
  result: '260373001',
  centre: 'Polyclinic No. 1',
  country: 'RU',
}

forEachDialect((dialect) => {
  describe(`the medical register (${dialect.name})`, () => {
    let t: TestApp
    let personId: string
    before(async () => {
      t = await testApp(dialect.url())
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'REG000001', country: 'RU' } }),
      )
      personId = person.json().id
    })
    after(() => t.close())

    it('records a vaccination, a test, a recovery and an antibody test, each audited', async () => {
      const answers = await Promise.all([
        t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${personId}/vaccinations`,
          sputnikDose,
        ),
        t.request(t.users.clinician, 'POST', `/api/v1/people/${personId}/tests`, pcr),
        t.request(t.users.clinician, 'POST', `/api/v1/people/${personId}/recoveries`, {
          firstPositive: '2026-10-20',
          validFrom: '2026-10-31',
          validUntil: '2027-04-18',
          country: 'RU',
        }),
        t.request(t.users.clinician, 'POST', `/api/v1/people/${personId}/antibody-tests`, {
          assay: 'Elecsys Anti-SARS-CoV-2 S',
          value: 350,
          unit: 'U/mL',
          threshold: 100,
          date: '2026-11-01',
          country: 'RU',
        }),
      ])
      for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body)
      assert.equal(answers[0]?.json().data.disease, '840539006')
      const list = await t.request(
        t.users.commission_member,
        'GET',
        `/api/v1/people/${personId}/records`,
      )
      assert.deepEqual(
        list
          .json()
          .records.map((record: { kind: string }) => record.kind)
          .sort(),
        ['antibody', 'recovery', 'test', 'vaccination'],
      )
      const audit = await t.request(t.users.administrator, 'GET', '/api/v1/audit?limit=1000')
      const recorded = audit
        .json()
        .entries.filter((entry: { action: string }) => entry.action === 'record.create')
      assert.equal(recorded.length, 4)
    })

    for (const [name, path, body, field] of [
      [
        'a dose number above the series',
        'vaccinations',
        { ...sputnikDose, doseNumber: 3 },
        'vaccination.doseNumber',
      ],
      [
        'an unknown product code',
        'vaccinations',
        { ...sputnikDose, product: 'Snake-Oil' },
        'vaccination.product',
      ],
      // Dates are read at the edge (src/api/strict-input.ts), which names the body's field.
      [
        'a dose before December 2019',
        'vaccinations',
        { ...sputnikDose, date: '1980-01-01' },
        'date',
      ],
      ['an impossible date', 'vaccinations', { ...sputnikDose, date: '2026-02-30' }, 'date'],
      [
        'a sample in the future',
        'tests',
        { ...pcr, sampledAt: '2026-12-31T10:00:00Z' },
        'sampledAt',
      ],
      ['an unknown test result', 'tests', { ...pcr, result: 'positive' }, 'test.result'],
      [
        'a recovery valid before the first positive test',
        'recoveries',
        {
          firstPositive: '2026-10-20',
          validFrom: '2026-10-01',
          validUntil: '2027-04-18',
          country: 'RU',
        },
        'validFrom',
      ],
      [
        'an unknown country',
        'recoveries',
        {
          firstPositive: '2026-10-20',
          validFrom: '2026-10-31',
          validUntil: '2027-04-18',
          country: 'XX',
        },
        'recovery.country',
      ],
    ] as const) {
      it(`refuses ${name} with 400 naming ${field}, and writes nothing`, async () => {
        const before = (
          await t.request(t.users.clinician, 'GET', `/api/v1/people/${personId}/records`)
        ).json().records.length
        const answer = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${personId}/${path}`,
          body,
        )
        assert.equal(answer.statusCode, 400, answer.body)
        assert.equal(answer.json().error.field, field)
        const afterCount = (
          await t.request(t.users.clinician, 'GET', `/api/v1/people/${personId}/records`)
        ).json().records.length
        assert.equal(afterCount, before)
      })
    }

    it('keeps records within the issuer: a Moscow clinician can neither enter nor read them', async () => {
      assert.equal(
        (
          await t.request(
            t.otherRegionClinician,
            'POST',
            `/api/v1/people/${personId}/vaccinations`,
            sputnikDose,
          )
        ).statusCode,
        403,
      )
      assert.equal(
        (await t.request(t.otherRegionClinician, 'GET', `/api/v1/people/${personId}/records`))
          .statusCode,
        403,
      )
    })

    it('answers 404 for records of an unknown person', async () => {
      assert.equal(
        (
          await t.request(
            t.users.clinician,
            'POST',
            '/api/v1/people/nobody/vaccinations',
            sputnikDose,
          )
        ).statusCode,
        404,
      )
    })
  })
})
