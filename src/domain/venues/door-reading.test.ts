import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { JsonValue } from '../../codec/hc1/cbor.js'
import { type DoorCode, readAtDoor, readShcHolder } from './door-reading.js'

const fixture = (name: string): { [key: string]: JsonValue } =>
  JSON.parse(
    readFileSync(new URL(`../../codec/hc1/test-fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as { [key: string]: JsonValue }

const code = (overrides: Partial<DoorCode>): DoorCode => ({
  payloadType: 'eu-dcc',
  issuedAt: undefined,
  expiresAt: undefined,
  issuer: 'RU',
  kid: undefined,
  ...overrides,
})

describe('readAtDoor', () => {
  it('shows an EU DCC’s holder by the masked ICAO name, never the full one', () => {
    const reading = readAtDoor(code({ dcc: fixture('dcc-vaccination') }))
    assert.deepEqual(reading.holder, { name: 'CHARLES S.', birthDate: '1964-01-01' })
    assert.doesNotMatch(JSON.stringify(reading.holder), /Smith|SMITH|Edward|EDWARD/)
  })

  it('shows an antibody certificate’s holder as a dynamic code shows it', () => {
    const antibody = readAtDoor(
      code({ payloadType: 'healthcode-antibody', antibody: fixture('healthcode-antibody') }),
    )
    const token = readAtDoor(
      code({ payloadType: 'healthcode-status', status: fixture('healthcode-status') }),
    )
    assert.deepEqual(antibody.holder, { name: 'IVAN P.', birthDate: '1985-03-14' })
    assert.deepEqual(token.holder, antibody.holder)
  })

  it('masks a DCC without ICAO given names by its written given name', () => {
    const dcc = { ...fixture('dcc-vaccination'), nam: { fn: 'Петров', fnt: 'PETROV', gn: 'Иван' } }
    assert.equal(readAtDoor(code({ dcc })).holder.name, 'ИВАН P.')
  })

  it('masks a token that carries a full name (a partner’s)', () => {
    const status = { ...fixture('healthcode-status'), nam: 'IVAN SERGEEVICH PETROV' }
    assert.equal(
      readAtDoor(code({ payloadType: 'healthcode-status', status })).holder.name,
      'IVAN P.',
    )
  })
})

describe('readShcHolder', () => {
  const bundle = (name: JsonValue): JsonValue => ({
    resourceType: 'Bundle',
    entry: [
      { resource: { resourceType: 'Immunization' } },
      { resource: { resourceType: 'Patient', name: [name], birthDate: '1951-01-20' } },
    ],
  })

  it('masks the first Patient’s first given name and family name', () => {
    assert.deepEqual(readShcHolder(bundle({ family: 'Anyperson', given: ['John', 'B.'] })), {
      name: 'JOHN A.',
      birthDate: '1951-01-20',
    })
  })

  it('masks a name given only as text, and shows nothing for a card without a patient', () => {
    assert.equal(readShcHolder(bundle({ text: 'Dr. John B. Anyperson' })).name, 'DR. A.')
    assert.deepEqual(readShcHolder({ resourceType: 'Bundle', entry: [] }), {
      name: '',
      birthDate: '',
    })
    assert.deepEqual(readShcHolder(undefined), { name: '', birthDate: '' })
  })
})
