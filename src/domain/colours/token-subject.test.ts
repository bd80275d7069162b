import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { KeyVault } from '../keys/key-vault.js'
import { TOKEN_SUBJECT_KEY_PURPOSE, TokenSubjects } from './token-subject.js'

const MINUTE = 60_000

describe('TokenSubjects', () => {
  const vault = new KeyVault(randomBytes(32))
  const subjects = new TokenSubjects(vault.deriveKey(TOKEN_SUBJECT_KEY_PURPOSE))
  const now = new Date('2026-12-06T09:00:00Z')
  const expires = new Date(now.getTime() + 5 * MINUTE)

  it('seals a person into a fresh 64-character subject each time, which opens to the person', () => {
    const person = randomUUID()
    const seen = new Set<string>()
    for (let i = 0; i < 100; i++) {
      const subject = subjects.seal(person, expires)
      assert.match(subject, /^[A-Za-z0-9_-]{64}$/)
      assert.equal(subjects.open(subject, now), person)
      seen.add(subject)
    }
    assert.equal(seen.size, 100)
  })

  it('opens a subject only while its token lives', () => {
    const person = randomUUID()
    const subject = subjects.seal(person, expires)
    assert.equal(subjects.open(subject, expires), person)
    assert.equal(subjects.open(subject, new Date(expires.getTime() + 1000)), undefined)
  })

  it('opens nothing under another deployment’s key, altered, or of the old form', () => {
    const subject = subjects.seal(randomUUID(), expires)
    const elsewhere = new TokenSubjects(
      new KeyVault(randomBytes(32)).deriveKey(TOKEN_SUBJECT_KEY_PURPOSE),
    )
    assert.equal(elsewhere.open(subject, now), undefined)
    const bytes = Buffer.from(subject, 'base64url')
    bytes[20] = (bytes[20] as number) ^ 1
    assert.equal(subjects.open(bytes.toString('base64url'), now), undefined)
    assert.equal(subjects.open('p_7K2M9Q4T8W1Z3X5C', now), undefined)
  })

  it('keeps the derived key apart from the key-encryption key’s other uses', () => {
    assert.notDeepEqual(vault.deriveKey(TOKEN_SUBJECT_KEY_PURPOSE), vault.deriveKey('other'))
    assert.equal(vault.deriveKey(TOKEN_SUBJECT_KEY_PURPOSE).length, 32)
  })
})
