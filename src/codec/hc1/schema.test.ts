import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { JsonValue } from './cbor.js'
import {
  checkStatusTokenLifetime,
  schemaVersionFor,
  validateAntibodyCertificate,
  validateDcc,
  validateStatusToken,
} from './schema.js'

type JsonObject = { [key: string]: JsonValue }

/** A fresh copy of an example payload of the DCC specification (see test-fixtures/SOURCE.md). */
/** Every released DCC schema version (ehn-dcc-development/eu-dcc-schema). */
const releasedVersions = [
  '1.0.0',
  '1.0.1',
  '1.1.0',
  '1.2.0',
  '1.2.1',
  '1.3.0',
  '1.3.1',
  '1.3.2',
  '1.3.3',
]

function fixture(name: string): JsonObject {
  const url = new URL(`./test-fixtures/${name}.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8')) as JsonObject
}

const assertSchemaError = (
  dcc: JsonValue,
  code: 'ERR_DCC_SCHEMA' | 'ERR_DCC_ENTRIES' | 'ERR_DCC_VERSION',
): void => {
  assert.throws(() => validateDcc(dcc), { name: 'Hc1Error', code, stage: 'schema' })
}

const entryOf = (dcc: JsonObject, key: 'v' | 't' | 'r'): JsonValue => {
  const entries = dcc[key]
  assert.ok(Array.isArray(entries) && entries[0] !== undefined, `the fixture has a "${key}" entry`)
  return entries[0]
}

describe('validateDcc', () => {
  describe('the specification examples', () => {
    for (const [name, type] of [
      ['dcc-vaccination', 'vaccination'],
      ['dcc-test-naat', 'test'],
      ['dcc-recovery', 'recovery'],
      ['dcc-test-birthday-year-only', 'test'],
    ] as const) {
      it(`accepts ${name} as a ${type} certificate of schema 1.3.3`, () => {
        assert.deepEqual(validateDcc(fixture(name)), { schemaVersion: '1.3.3', type })
      })
    }
  })

  describe('schema versions', () => {
    it('checks a payload against the schema its ver names', () => {
      for (const ver of releasedVersions) {
        const dcc = { ...fixture('dcc-vaccination'), ver }
        assert.deepEqual(validateDcc(dcc), { schemaVersion: ver, type: 'vaccination' }, ver)
      }
    })

    it('checks an unreleased patch version against the newest released schema of its minor version', () => {
      assert.equal(validateDcc({ ...fixture('dcc-recovery'), ver: '1.3.5' }).schemaVersion, '1.3.3')
      assert.equal(validateDcc({ ...fixture('dcc-recovery'), ver: '1.0.5' }).schemaVersion, '1.0.1')
    })

    it('accepts a birth year alone from schema 1.1.0 on, but not under 1.0.x', () => {
      const dcc = fixture('dcc-test-birthday-year-only')
      assert.equal(dcc['dob'], '1964')
      assert.equal(validateDcc({ ...dcc, ver: '1.1.0' }).type, 'test')
      assertSchemaError({ ...dcc, ver: '1.0.1' }, 'ERR_DCC_SCHEMA')
    })

    for (const ver of ['2.0.0', '1.4.0', '0.9.0', 'abc', '1.3', '1.3.0-rc1', ' 1.3.0', '']) {
      it(`rejects ver ${JSON.stringify(ver)} with ERR_DCC_VERSION`, () => {
        assertSchemaError({ ...fixture('dcc-vaccination'), ver }, 'ERR_DCC_VERSION')
      })
    }

    it('rejects a payload without ver, or with a ver that is not text, with ERR_DCC_VERSION', () => {
      const { ver: _ver, ...withoutVer } = fixture('dcc-vaccination')
      assertSchemaError(withoutVer, 'ERR_DCC_VERSION')
      assertSchemaError({ ...withoutVer, ver: 1.3 }, 'ERR_DCC_VERSION')
      assertSchemaError({ ...withoutVer, ver: null }, 'ERR_DCC_VERSION')
      assertSchemaError({ ...withoutVer, ver: ['1.3.0'] }, 'ERR_DCC_VERSION')
    })
  })

  describe('the schema', () => {
    it('rejects a payload without dob with ERR_DCC_SCHEMA', () => {
      for (const ver of ['1.0.0', '1.2.1', '1.3.3']) {
        const { dob: _dob, ...dcc } = fixture('dcc-vaccination')
        assertSchemaError({ ...dcc, ver }, 'ERR_DCC_SCHEMA')
      }
    })

    it('rejects a payload without nam with ERR_DCC_SCHEMA', () => {
      const { nam: _nam, ...dcc } = fixture('dcc-test-naat')
      assertSchemaError(dcc, 'ERR_DCC_SCHEMA')
    })

    it('rejects a dob that is not a date with ERR_DCC_SCHEMA', () => {
      for (const dob of ['26.02.1998', '98-02-26', 19980226, null]) {
        assertSchemaError({ ...fixture('dcc-recovery'), dob }, 'ERR_DCC_SCHEMA')
      }
    })

    it('rejects an entry field of the wrong type with ERR_DCC_SCHEMA', () => {
      const dcc = fixture('dcc-vaccination')
      const entry = entryOf(dcc, 'v') as JsonObject
      assertSchemaError({ ...dcc, v: [{ ...entry, dn: '1' }] }, 'ERR_DCC_SCHEMA')
      assertSchemaError({ ...dcc, v: [{ ...entry, co: 'nl' }] }, 'ERR_DCC_SCHEMA')
      assertSchemaError({ ...dcc, v: entry }, 'ERR_DCC_SCHEMA')
    })

    it('rejects an empty list of entries with ERR_DCC_SCHEMA (every schema asks for one)', () => {
      for (const ver of ['1.0.0', '1.3.3']) {
        assertSchemaError({ ...fixture('dcc-vaccination'), ver, v: [] }, 'ERR_DCC_SCHEMA')
      }
    })

    const notObjects: [string, JsonValue][] = [
      ['null', null],
      ['an array', []],
      ['text', '{"ver":"1.3.3"}'],
      ['a number', 1],
    ]
    for (const [what, dcc] of notObjects) {
      it(`rejects a DCC that is ${what}, not an object, with ERR_DCC_SCHEMA`, () => {
        assertSchemaError(dcc, 'ERR_DCC_SCHEMA')
      })
    }
  })

  describe('entries (HCERT section 2.6.3: exactly one)', () => {
    const vaccination = fixture('dcc-vaccination')
    const test = entryOf(fixture('dcc-test-naat'), 't')
    const recovery = entryOf(fixture('dcc-recovery'), 'r')
    const shot = entryOf(vaccination, 'v')

    // Schemas before 1.3.0 allow any number of entries and 1.3.x forbid it; the check for more
    // than one runs first, so every version reports the same code.
    for (const ver of ['1.0.0', '1.2.1', '1.3.0', '1.3.3']) {
      it(`rejects two entry types under schema ${ver} with ERR_DCC_ENTRIES`, () => {
        assertSchemaError({ ...vaccination, ver, t: [test] }, 'ERR_DCC_ENTRIES')
        assertSchemaError({ ...vaccination, ver, t: [test], r: [recovery] }, 'ERR_DCC_ENTRIES')
      })

      it(`rejects two entries of one type under schema ${ver} with ERR_DCC_ENTRIES`, () => {
        assertSchemaError({ ...vaccination, ver, v: [shot, shot] }, 'ERR_DCC_ENTRIES')
      })

      // A missing entry is left to the schema: 1.3.x require one (oneOf), older ones do not, and
      // the entry check after them finds it.
      const noEntryCode = ver.startsWith('1.3.') ? 'ERR_DCC_SCHEMA' : 'ERR_DCC_ENTRIES'
      it(`rejects a payload with no entry under schema ${ver} with ${noEntryCode}`, () => {
        const { v: _v, ...noEntry } = vaccination
        assertSchemaError({ ...noEntry, ver }, noEntryCode)
      })
    }
  })

  it('does not change the payload it checks', () => {
    const dcc = fixture('dcc-test-naat')
    const copy = structuredClone(dcc)
    validateDcc(dcc)
    assert.deepEqual(dcc, copy)
  })
})

describe('schemaVersionFor', () => {
  it('maps every released version to itself', () => {
    for (const ver of releasedVersions) {
      assert.equal(schemaVersionFor(ver), ver)
    }
  })

  it('maps an unreleased patch version to the newest released one of its minor version', () => {
    assert.equal(schemaVersionFor('1.3.5'), '1.3.3')
    assert.equal(schemaVersionFor('1.3.10'), '1.3.3')
    assert.equal(schemaVersionFor('1.0.5'), '1.0.1')
    assert.equal(schemaVersionFor('1.1.9'), '1.1.0')
    assert.equal(schemaVersionFor('1.2.2'), '1.2.1')
  })

  it('knows no schema for an unreleased minor or major version', () => {
    assert.equal(schemaVersionFor('1.4.0'), undefined)
    assert.equal(schemaVersionFor('2.0.0'), undefined)
    assert.equal(schemaVersionFor('0.9.0'), undefined)
  })

  it('knows no schema for a ver that is not major.minor.patch', () => {
    for (const ver of ['abc', '1.3', '1.3.0.1', 'v1.3.0', '1.3.0 ', '1.3.x', '']) {
      assert.equal(schemaVersionFor(ver), undefined, JSON.stringify(ver))
    }
  })
})

describe('validateAntibodyCertificate (our own payload, not an EU DCC)', () => {
  const sample = (): JsonObject => fixture('healthcode-antibody')
  const entry = (): JsonObject => {
    const entries = sample()['ab']
    assert.ok(Array.isArray(entries) && entries[0] !== undefined)
    return entries[0] as JsonObject
  }
  const withEntry = (changes: JsonObject): JsonObject => ({
    ...sample(),
    ab: [{ ...entry(), ...changes }],
  })

  const assertAntibodyError = (
    payload: JsonValue,
    code: 'ERR_ANTIBODY_SCHEMA' | 'ERR_ANTIBODY_VERSION' | 'ERR_ANTIBODY_LEVEL',
    what = '',
  ): void => {
    assert.throws(
      () => validateAntibodyCertificate(payload),
      { name: 'Hc1Error', code, stage: 'schema' },
      what,
    )
  }

  it('accepts the example payload against schema 1.0.0', () => {
    assert.deepEqual(validateAntibodyCertificate(sample()), { schemaVersion: '1.0.0' })
  })

  it('accepts a birth date of only a year and month, or a year, as the DCC does', () => {
    for (const dob of ['1985-03', '1985']) {
      assert.equal(validateAntibodyCertificate({ ...sample(), dob }).schemaVersion, '1.0.0', dob)
    }
  })

  it('accepts a name with only its standardised surname or forename', () => {
    assert.ok(validateAntibodyCertificate({ ...sample(), nam: { fnt: 'PETROV' } }))
    assert.ok(validateAntibodyCertificate({ ...sample(), nam: { gnt: 'IVAN' } }))
  })

  it('accepts a level exactly at the threshold, and whole numbers', () => {
    assert.ok(validateAntibodyCertificate(withEntry({ va: 300, th: 300 })))
  })

  it('checks an unreleased patch version against schema 1.0.0', () => {
    assert.equal(validateAntibodyCertificate({ ...sample(), ver: '1.0.7' }).schemaVersion, '1.0.0')
  })

  describe('refusals', () => {
    for (const field of ['nam', 'dob', 'ab']) {
      it(`refuses a payload without ${field} with ERR_ANTIBODY_SCHEMA`, () => {
        const { [field]: _omitted, ...payload } = sample()
        assertAntibodyError(payload, 'ERR_ANTIBODY_SCHEMA')
      })
    }

    for (const field of ['tg', 'ma', 'va', 'un', 'th', 'dt', 'co', 'is', 'ci']) {
      it(`refuses an entry without ${field} with ERR_ANTIBODY_SCHEMA, naming it`, () => {
        const { [field]: _omitted, ...rest } = entry()
        const payload = { ...sample(), ab: [rest] }
        assertAntibodyError(payload, 'ERR_ANTIBODY_SCHEMA')
        assert.throws(() => validateAntibodyCertificate(payload), new RegExp(`'${field}'`))
      })
    }

    it('refuses two entries, and none, with ERR_ANTIBODY_SCHEMA', () => {
      assertAntibodyError({ ...sample(), ab: [entry(), entry()] }, 'ERR_ANTIBODY_SCHEMA', 'two')
      assertAntibodyError({ ...sample(), ab: [] }, 'ERR_ANTIBODY_SCHEMA', 'none')
      assertAntibodyError({ ...sample(), ab: entry() }, 'ERR_ANTIBODY_SCHEMA', 'not a list')
    })

    const wrongTypes: [string, JsonObject][] = [
      ['a level as text', { va: '1250.5' }],
      ['a threshold as text', { th: '300' }],
      ['a negative level', { va: -1 }],
      ['a threshold of zero', { th: 0 }],
      ['a level that is null', { va: null }],
      ['a disease that is a number', { tg: 840539006 }],
      ['a disease that is no SNOMED CT id', { tg: 'COVID-19' }],
      ['an empty assay', { ma: '' }],
      ['an empty unit', { un: '' }],
      ['a date in another format', { dt: '20.11.2026' }],
      ['a date that is a number', { dt: 20261120 }],
      ['a country in lower case', { co: 'ru' }],
      ['a country of three letters', { co: 'RUS' }],
      ['an issuer over 80 characters', { is: 'x'.repeat(81) }],
      ['an identifier that is no UVCI', { ci: '01:RU:SPB/1' }],
      ['a field the schema does not name', { tr: '260373001' }],
    ]
    for (const [what, changes] of wrongTypes) {
      it(`refuses an entry with ${what} with ERR_ANTIBODY_SCHEMA`, () => {
        assertAntibodyError(withEntry(changes), 'ERR_ANTIBODY_SCHEMA')
      })
    }

    it('refuses names that are not ICAO 9303 transliterations, or no standardised name', () => {
      assertAntibodyError({ ...sample(), nam: { fnt: 'Petrov' } }, 'ERR_ANTIBODY_SCHEMA')
      assertAntibodyError({ ...sample(), nam: { fnt: 'PETROV-IVANOV' } }, 'ERR_ANTIBODY_SCHEMA')
      assertAntibodyError({ ...sample(), nam: { fn: 'Петров' } }, 'ERR_ANTIBODY_SCHEMA')
      assertAntibodyError({ ...sample(), nam: 'PETROV<<IVAN' }, 'ERR_ANTIBODY_SCHEMA')
    })

    it('refuses a birth date that is empty, not a date, or a number', () => {
      for (const dob of ['', '14.03.1985', '1885-03-14', '1985-13-01', 19850314]) {
        assertAntibodyError({ ...sample(), dob }, 'ERR_ANTIBODY_SCHEMA', JSON.stringify(dob))
      }
    })

    it('refuses DCC entries beside the antibody entry: it is no EU DCC', () => {
      const vaccination = entryOf(fixture('dcc-vaccination'), 'v')
      assertAntibodyError({ ...sample(), v: [vaccination] }, 'ERR_ANTIBODY_SCHEMA')
    })

    it('refuses an EU DCC given as an antibody certificate, and the other way round', () => {
      assertAntibodyError(fixture('dcc-recovery'), 'ERR_ANTIBODY_VERSION', 'ver 1.3.0')
      assertAntibodyError({ ...fixture('dcc-recovery'), ver: '1.0.0' }, 'ERR_ANTIBODY_SCHEMA')
      // Its ver 1.0.0 names a DCC schema too, which asks for a v, t or r entry.
      assert.throws(() => validateDcc(sample()), { code: 'ERR_DCC_ENTRIES', stage: 'schema' })
      assert.throws(() => validateDcc({ ...sample(), ver: '1.3.0' }), {
        code: 'ERR_DCC_SCHEMA',
        stage: 'schema',
      })
    })

    it('refuses a level below the threshold with ERR_ANTIBODY_LEVEL', () => {
      assertAntibodyError(withEntry({ va: 299.9, th: 300 }), 'ERR_ANTIBODY_LEVEL')
      assertAntibodyError(withEntry({ va: 0 }), 'ERR_ANTIBODY_LEVEL')
    })

    for (const ver of ['1.1.0', '2.0.0', '0.9.0', '1.0', 'abc', '']) {
      it(`refuses ver ${JSON.stringify(ver)} with ERR_ANTIBODY_VERSION`, () => {
        assertAntibodyError({ ...sample(), ver }, 'ERR_ANTIBODY_VERSION')
      })
    }

    it('refuses a payload without ver, or with one that is not text, with ERR_ANTIBODY_VERSION', () => {
      const { ver: _ver, ...payload } = sample()
      assertAntibodyError(payload, 'ERR_ANTIBODY_VERSION')
      assertAntibodyError({ ...payload, ver: 1 }, 'ERR_ANTIBODY_VERSION')
    })

    const notObjects: [string, JsonValue][] = [
      ['null', null],
      ['an array', [sample()]],
      ['text', JSON.stringify(sample())],
    ]
    for (const [what, payload] of notObjects) {
      it(`refuses a payload that is ${what}, not an object, with ERR_ANTIBODY_SCHEMA`, () => {
        assertAntibodyError(payload, 'ERR_ANTIBODY_SCHEMA')
      })
    }
  })
})

describe('validateStatusToken (the health-code token, our own payload, not an EU DCC)', () => {
  const sample = (): JsonObject => fixture('healthcode-status')
  const green = (): JsonObject => {
    const { gon: _gon, ...rest } = sample()
    return { ...rest, col: 'green' }
  }

  const assertStatusError = (
    payload: JsonValue,
    code: 'ERR_STATUS_SCHEMA' | 'ERR_STATUS_VERSION',
    what = '',
  ): void => {
    assert.throws(
      () => validateStatusToken(payload),
      { name: 'Hc1Error', code, stage: 'schema' },
      what,
    )
  }

  it('accepts the example payload against schema 1.0.0', () => {
    assert.deepEqual(validateStatusToken(sample()), { schemaVersion: '1.0.0' })
  })

  it('accepts each colour, and a yellow or red code without a date to turn green', () => {
    assert.ok(validateStatusToken(green()))
    for (const col of ['yellow', 'red']) {
      assert.ok(validateStatusToken({ ...sample(), col }), col)
      assert.ok(validateStatusToken({ ...green(), col }), `${col} without gon`)
    }
  })

  it('accepts a birth date of only a year and month, or a year', () => {
    for (const dob of ['1985-03', '1985']) {
      assert.equal(validateStatusToken({ ...sample(), dob }).schemaVersion, '1.0.0', dob)
    }
  })

  it('accepts a subject of 1 and of 64 characters of [A-Za-z0-9_-], and any masked name up to 80', () => {
    for (const sub of ['a', 'A-z_0'.repeat(12) + 'abcd']) {
      assert.ok(validateStatusToken({ ...sample(), sub }), sub)
    }
    for (const nam of ['I', 'ИВАН П.', '伊万 P.', 'x'.repeat(80)]) {
      assert.ok(validateStatusToken({ ...sample(), nam }), nam)
    }
  })

  it('checks an unreleased patch version against schema 1.0.0', () => {
    assert.equal(validateStatusToken({ ...sample(), ver: '1.0.3' }).schemaVersion, '1.0.0')
  })

  it('checks a 1.1.0 token against schema 1.1.0, whose subject is 22 to 64 characters (a fresh sealed value)', () => {
    const sealed = 'q3Vq0m1cZ6xkS0Jt8n2YbXoD4A9uLwF7e5RkT1pGhCzM3vNaIyQ0sWdUfEjHrB6_'
    assert.equal(
      validateStatusToken({ ...sample(), ver: '1.1.0', sub: sealed }).schemaVersion,
      '1.1.0',
    )
    assert.equal(
      validateStatusToken({ ...sample(), ver: '1.1.2', sub: sealed }).schemaVersion,
      '1.1.0',
    )
    for (const sub of ['p_7K2M9Q4T8W1Z3X5C', `${sealed}x`, `${sealed.slice(1)}.`]) {
      assertStatusError({ ...sample(), ver: '1.1.0', sub }, 'ERR_STATUS_SCHEMA')
    }
  })

  describe('refusals', () => {
    for (const field of ['sub', 'col', 'nam', 'dob', 'rsv']) {
      it(`refuses a token without ${field} with ERR_STATUS_SCHEMA, naming it`, () => {
        const { [field]: _omitted, ...payload } = sample()
        assertStatusError(payload, 'ERR_STATUS_SCHEMA')
        assert.throws(() => validateStatusToken(payload), new RegExp(`'${field}'`))
      })
    }

    const wrong: [string, JsonObject][] = [
      ['a colour outside green, yellow and red', { col: 'orange' }],
      ['a colour in capitals', { col: 'RED' }],
      ['a colour that is a number', { col: 2 }],
      ['an empty subject', { sub: '' }],
      ['a subject of 65 characters', { sub: 'a'.repeat(65) }],
      ['a subject with a space', { sub: 'p 7K2M' }],
      ['a subject with a dot', { sub: 'p.7K2M' }],
      ['a subject that is a number', { sub: 7 }],
      ['an empty name', { nam: '' }],
      ['a name over 80 characters', { nam: 'x'.repeat(81) }],
      ['a name that is an object, as in a DCC', { nam: { fnt: 'PETROV', gnt: 'IVAN' } }],
      ['a birth date in another format', { dob: '14.03.1985' }],
      ['an empty birth date', { dob: '' }],
      ['a date to turn green in another format', { gon: '05.12.2026' }],
      ['a date to turn green of only a month', { gon: '2026-12' }],
      ['a ruleset version of 0', { rsv: 0 }],
      ['a ruleset version that is a fraction', { rsv: 1.5 }],
      ['a ruleset version as text', { rsv: '3' }],
      ['a field the schema does not name', { tg: '840539006' }],
      ['a test result beside the colour', { tr: '260373001' }],
    ]
    for (const [what, changes] of wrong) {
      it(`refuses a token with ${what} with ERR_STATUS_SCHEMA`, () => {
        assertStatusError({ ...sample(), ...changes }, 'ERR_STATUS_SCHEMA')
      })
    }

    it('refuses a green token that names a date to turn green, naming the colour', () => {
      const payload = { ...green(), gon: '2026-12-05' }
      assertStatusError(payload, 'ERR_STATUS_SCHEMA')
      assert.throws(() => validateStatusToken(payload), /"gon" .* "col" is "green"/)
    })

    it('says what it expected and what it found', () => {
      assert.throws(
        () => validateStatusToken({ ...sample(), col: 'orange' }),
        /schema healthcode-status-1\.0\.0 .*\/col .*\["green","yellow","red"\]/,
      )
    })

    it('refuses an EU DCC or an antibody certificate given as a token', () => {
      assertStatusError(fixture('dcc-recovery'), 'ERR_STATUS_VERSION', 'ver 1.3.0')
      assertStatusError(fixture('healthcode-antibody'), 'ERR_STATUS_SCHEMA', 'ver 1.0.0')
      assert.throws(() => validateAntibodyCertificate(sample()), { code: 'ERR_ANTIBODY_SCHEMA' })
    })

    for (const ver of ['1.2.0', '2.0.0', '0.9.0', '1.0', 'abc', '']) {
      it(`refuses ver ${JSON.stringify(ver)} with ERR_STATUS_VERSION`, () => {
        assertStatusError({ ...sample(), ver }, 'ERR_STATUS_VERSION')
      })
    }

    it('refuses a token without ver, or with one that is not text, with ERR_STATUS_VERSION', () => {
      const { ver: _ver, ...payload } = sample()
      assertStatusError(payload, 'ERR_STATUS_VERSION')
      assertStatusError({ ...payload, ver: 1 }, 'ERR_STATUS_VERSION')
    })

    for (const [what, payload] of [
      ['null', null],
      ['an array', [sample()]],
      ['text', JSON.stringify(sample())],
    ] as [string, JsonValue][]) {
      it(`refuses a token that is ${what}, not an object, with ERR_STATUS_SCHEMA`, () => {
        assertStatusError(payload, 'ERR_STATUS_SCHEMA')
      })
    }
  })
})

describe('checkStatusTokenLifetime (at most an hour from iat to exp)', () => {
  const iat = 1_795_424_400
  const assertLifetimeError = (
    issuedAt: number | undefined,
    expiresAt: number | undefined,
    message?: RegExp,
  ): void => {
    assert.throws(() => checkStatusTokenLifetime(issuedAt, expiresAt), {
      name: 'Hc1Error',
      code: 'ERR_STATUS_LIFETIME',
      stage: 'schema',
      ...(message ? { message } : {}),
    })
  }

  it('accepts a lifetime of one second up to exactly one hour', () => {
    for (const lifetime of [1, 300, 3599.5, 3600]) {
      assert.doesNotThrow(() => checkStatusTokenLifetime(iat, iat + lifetime), String(lifetime))
    }
  })

  it('refuses a lifetime over an hour, saying how long it is', () => {
    assertLifetimeError(iat, iat + 3601, /3600 seconds .* is 3601 seconds/)
    assertLifetimeError(iat, iat + 3600.5)
    assertLifetimeError(iat, iat + 180 * 24 * 3600)
  })

  it('refuses a token without exp, without iat, or without both, naming what is missing', () => {
    assertLifetimeError(iat, undefined, /no exp \(4\)$/)
    assertLifetimeError(undefined, iat + 60, /no iat \(6\)$/)
    assertLifetimeError(undefined, undefined, /no iat \(6\) and exp \(4\)$/)
  })

  it('refuses a token that expires when or before it is issued', () => {
    assertLifetimeError(iat, iat)
    assertLifetimeError(iat, iat - 60)
  })
})
