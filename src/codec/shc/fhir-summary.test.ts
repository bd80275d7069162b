import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { formatCoding, summarizeFhirBundle } from './fhir-summary.js'

const vectors = new URL('../../../test/vectors/shc-testdata/', import.meta.url)
const json = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(path, vectors), 'utf8').replace(/^\uFEFF/, ''))

describe('summarizeFhirBundle', () => {
  it('summarises the example vaccination bundle: the patient and three doses', () => {
    const summary = summarizeFhirBundle(json('examples/covid-vaccines-bundle.json'))
    assert.deepEqual(summary.patients, [{ names: ['John B. Anyperson'], birthDate: '1951-01-20' }])
    assert.equal(summary.immunizations.length, 3)
    assert.deepEqual(summary.immunizations[0], {
      vaccine: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207', display: undefined }],
      date: '2021-01-01',
      lotNumber: '0000001',
      performer: 'ABC General Hospital',
      status: 'completed',
    })
    assert.deepEqual(summary.labResults, [])
  })

  it('summarises a lab result: test code, coded value, date, performer', () => {
    const payload = json(
      'validator-testdata/test-example-covid-lab-jwspayload-missing-lab-vc-type.json',
    ) as { vc: { credentialSubject: { fhirBundle: unknown } } }
    const summary = summarizeFhirBundle(payload.vc.credentialSubject.fhirBundle)
    assert.deepEqual(summary.labResults, [
      {
        test: [{ system: 'http://loinc.org', code: '94558-4', display: undefined }],
        value: 'http://snomed.info/sct 260373001',
        date: '2021-02-17',
        performer: 'ABC General Hospital',
        status: 'final',
      },
    ])
  })

  it('writes out quantities, names with a text, and periods', () => {
    const summary = summarizeFhirBundle({
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            name: [{ text: 'Jane Q. Public' }, { family: 'Public' }],
          },
        },
        {
          resource: {
            resourceType: 'Observation',
            code: { text: 'Antibodies' },
            valueQuantity: { value: 12.5, comparator: '>', unit: 'U/mL' },
            effectivePeriod: { start: '2021-03-01' },
          },
        },
        { resource: { resourceType: 'Immunization', occurrenceString: 'spring 2021' } },
      ],
    })
    assert.deepEqual(summary.patients[0]?.names, ['Jane Q. Public', 'Public'])
    assert.equal(summary.labResults[0]?.value, '>12.5 U/mL')
    assert.equal(summary.labResults[0]?.date, '2021-03-01')
    assert.equal(
      formatCoding(
        summary.labResults[0]?.test[0] ?? {
          system: undefined,
          code: undefined,
          display: undefined,
        },
      ),
      'Antibodies',
    )
    assert.equal(summary.immunizations[0]?.date, 'spring 2021')
    assert.deepEqual(summary.immunizations[0]?.vaccine, [])
  })

  const bundles = readdirSync(new URL('validator-testdata/', vectors)).filter((name) =>
    name.startsWith('test-example-00-a-'),
  )
  for (const name of bundles) {
    it(`never throws on validator-testdata/${name}`, () => {
      const bundle = json(`validator-testdata/${name}`)
      const summary = summarizeFhirBundle(bundle)
      assert.ok(summary.patients.length + summary.immunizations.length >= 1)
    })
  }

  for (const [name, input] of [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'Bundle'],
    ['an entry that is not an array', { entry: { resource: {} } }],
    ['entries of the wrong shape', { entry: [null, 1, [], { resource: 'Patient' }] }],
    [
      'resources with fields of the wrong types',
      {
        entry: [
          { resource: { resourceType: 'Patient', name: 'Smith', birthDate: { year: 1951 } } },
          {
            resource: {
              resourceType: 'Patient',
              name: [null, { given: 'John', family: ['A', 7] }],
            },
          },
          {
            resource: {
              resourceType: 'Immunization',
              vaccineCode: [],
              performer: {},
              lotNumber: null,
            },
          },
          { resource: { resourceType: 'Observation', code: { coding: 'x' }, valueQuantity: [] } },
        ],
      },
    ],
  ] as const) {
    it(`never throws on ${name}`, () => {
      const summary = summarizeFhirBundle(input)
      assert.ok(Array.isArray(summary.patients))
    })
  }

  it('keeps what it can of resources with missing fields', () => {
    const summary = summarizeFhirBundle({
      entry: [
        { resource: { resourceType: 'Patient' } },
        {
          resource: { resourceType: 'Patient', name: [null, { given: 'John', family: ['A', 7] }] },
        },
        { resource: { resourceType: 'Immunization' } },
      ],
    })
    assert.deepEqual(summary.patients, [
      { names: [], birthDate: undefined },
      { names: ['A 7'], birthDate: undefined },
    ])
    assert.equal(summary.immunizations[0]?.lotNumber, undefined)
  })
})
