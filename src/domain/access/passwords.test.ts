import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js'

describe('passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const hash = await hashPassword('correct horse battery')
    assert.match(hash, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/)
    assert.equal(await verifyPassword('correct horse battery', hash), true)
    assert.equal(await verifyPassword('correct horse batterY', hash), false)
  })

  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same password!'), await hashPassword('same password!'))
  })

  it('treats a malformed stored hash as a wrong password', async () => {
    assert.equal(await verifyPassword('x', 'md5$abc'), false)
  })

  it('asks for at least 10 characters', () => {
    assert.match(passwordProblem('short') ?? '', /at least 10/)
    assert.equal(passwordProblem('long enough pass'), undefined)
  })
})
