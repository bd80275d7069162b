import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  hasValidUvciCheck,
  legacyUvciCheckCharacter,
  newUvci,
  normaliseUvci,
  uvciCheck,
  uvciCheckCharacter,
} from './uvci.js'

const LUHN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:'

/** A small seeded generator, so that a failing case can be replayed. */
function generator(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

describe('UVCI (eHealth Network UVCI guidelines, Annex 2)', () => {
  it("gives the guidelines' example its check character Z, computed over the whole UVCI", () => {
    assert.equal(uvciCheckCharacter('URN:UVCI:01:NL:187/37512422923'), 'Z')
    assert.equal(uvciCheck('URN:UVCI:01:NL:187/37512422923#Z'), 'luhn-mod-38')
    // Without the prefix the sum differs: the prefix is part of what is checked.
    assert.notEqual(uvciCheckCharacter('01:NL:187/37512422923'), 'Z')
  })

  it('reads the example as a printed certificate shows it, without the URN:UVCI: prefix', () => {
    const stored = normaliseUvci(' 01:nl:187/37512422923#z ')
    assert.equal(stored, 'URN:UVCI:01:NL:187/37512422923#Z')
    assert.equal(uvciCheck(stored), 'luhn-mod-38')
  })

  it('issues UVCIs in the issuer-and-opaque shape with the Luhn mod 38 check, each different', () => {
    const a = newUvci('RU', 'ru-spb')
    assert.match(a, /^URN:UVCI:01:RU:RUSPB\/[0-9A-Z]{20}#[A-Z0-9/:]$/)
    assert.notEqual(a, newUvci('RU', 'ru-spb'))
    assert.equal(uvciCheck(a), 'luhn-mod-38')
    const fixed = newUvci('RU', 'ru-spb', Buffer.alloc(20, 37))
    const body = `URN:UVCI:01:RU:RUSPB/${'1'.repeat(20)}`
    assert.equal(fixed, `${body}#${uvciCheckCharacter(body)}`)
  })

  it('detects any single changed character, at any position, prefix and check included', () => {
    const random = generator(2026)
    for (let round = 0; round < 60; round++) {
      const uvci = newUvci('RU', 'ru-spb', Buffer.from([...Array(20)].map(() => random() * 256)))
      for (let at = 0; at < uvci.length; at++) {
        if (uvci[at] === '#') continue
        for (const replacement of LUHN_ALPHABET) {
          if (replacement === uvci[at]) continue
          const changed = uvci.slice(0, at) + replacement + uvci.slice(at + 1)
          assert.notEqual(uvciCheck(changed), 'luhn-mod-38', `${uvci} → ${changed}`)
        }
      }
    }
  })

  it('still accepts the Luhn mod 36 check of UVCIs issued before, and nothing else', () => {
    const body = 'URN:UVCI:01:RU:RUSPB/0A1B2C3D4E5F6G7H8I9J'
    const legacy = `${body}#${legacyUvciCheckCharacter(body)}`
    const current = `${body}#${uvciCheckCharacter(body)}`
    assert.notEqual(legacy, current, 'the example must tell the two checks apart')
    assert.equal(uvciCheck(legacy), 'legacy-luhn-mod-36')
    assert.equal(uvciCheck(current), 'luhn-mod-38')
    const wrong = [...LUHN_ALPHABET].find(
      (char) => char !== legacy.at(-1) && char !== current.at(-1),
    )
    assert.equal(uvciCheck(`${body}#${wrong}`), 'wrong')
    assert.equal(hasValidUvciCheck(`${body}#${wrong}`), false)
  })

  it('has nothing to check without "#", and refuses a check of more than one character', () => {
    assert.equal(uvciCheck('URN:UVCI:01:NL:187/37512422923'), 'none')
    assert.equal(hasValidUvciCheck('URN:UVCI:01:NL:187/37512422923'), true)
    assert.equal(uvciCheck('URN:UVCI:01:NL:187/37512422923#ZZ'), 'wrong')
    assert.equal(uvciCheck('URN:UVCI:01:NL:187/37512422923#'), 'wrong')
  })

  it('refuses to compute a check over characters outside the alphabet', () => {
    assert.throws(() => uvciCheckCharacter('URN:UVCI:01:NL:187-375'), RangeError)
  })
})
