import assert from 'node:assert/strict'
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import { describe, it } from 'node:test'
import { KeyVault, KeyVaultError } from './key-vault.js'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })

function code(work: () => unknown): string | undefined {
  try {
    work()
  } catch (error) {
    return error instanceof KeyVaultError ? error.code : 'other'
  }
  return undefined
}

describe('KeyVault', () => {
  const vault = new KeyVault(randomBytes(32))

  it('opens what it sealed into a key that signs as the original', () => {
    const sealed = vault.seal(privateKey, 'dsc-ru-spb-1')
    assert.match(sealed, /^hckv1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    assert.equal(
      sealed.includes(privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url')),
      false,
    )
    const opened = vault.open(sealed, 'dsc-ru-spb-1')
    const signature = sign('sha256', Buffer.from('x'), opened)
    assert.equal(verify('sha256', Buffer.from('x'), publicKey, signature), true)
  })

  it('refuses to open under another KEK, another context, or after a change', () => {
    const sealed = vault.seal(privateKey, 'dsc-1')
    assert.equal(
      code(() => new KeyVault(randomBytes(32)).open(sealed, 'dsc-1')),
      'ERR_KEY_UNSEAL',
    )
    assert.equal(
      code(() => vault.open(sealed, 'dsc-2')),
      'ERR_KEY_UNSEAL',
    )
    const parts = sealed.split('.')
    const flipped = Buffer.from(parts[2] as string, 'base64url')
    flipped[0] = (flipped[0] as number) ^ 1
    parts[2] = flipped.toString('base64url')
    assert.equal(
      code(() => vault.open(parts.join('.'), 'dsc-1')),
      'ERR_KEY_UNSEAL',
    )
    assert.equal(
      code(() => vault.open('not sealed', 'dsc-1')),
      'ERR_KEY_SEALED_FORM',
    )
  })

  it('takes a KEK as hex or base64 of exactly 32 bytes', () => {
    const bytes = randomBytes(32)
    const sealed = KeyVault.fromText(bytes.toString('hex')).seal(privateKey, 'k')
    assert.ok(KeyVault.fromText(bytes.toString('base64')).open(sealed, 'k'))
    assert.equal(
      code(() => KeyVault.fromText('too short')),
      'ERR_KEK_INVALID',
    )
    assert.equal(
      code(() => new KeyVault(randomBytes(16))),
      'ERR_KEK_INVALID',
    )
  })
})
