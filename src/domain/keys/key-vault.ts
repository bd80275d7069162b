import {
  type KeyObject,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  hkdfSync,
  randomBytes,
} from 'node:crypto'
import { HealthcodeError } from '../../codec/healthcode-error.js'

/** The failures of sealing and opening private keys. */
export type KeyVaultErrorCode = 'ERR_KEK_INVALID' | 'ERR_KEY_SEALED_FORM' | 'ERR_KEY_UNSEAL'

export class KeyVaultError extends HealthcodeError<KeyVaultErrorCode> {
  override readonly name = 'KeyVaultError'
}

/** The version tag of the sealed form, so that the format can change without ambiguity. */
const VERSION = 'hckv1'

/**
 * Keeps issuer private keys encrypted at rest: AES-256-GCM under a key-encryption key (KEK) that
 * comes from the environment, never from the store. Each sealed key is bound to its context (the
 * key's id), so a sealed blob moved onto another record does not open.
 *
 * Sealed form: `hckv1.<iv>.<ciphertext>.<tag>`, base64url parts; the plaintext is the PKCS #8 DER.
 */
export class KeyVault {
  readonly #kek: Buffer

  /** @throws {KeyVaultError} `ERR_KEK_INVALID` unless the KEK is 32 bytes. */
  constructor(kek: Uint8Array) {
    if (kek.length !== 32) {
      throw new KeyVaultError(
        'ERR_KEK_INVALID',
        `expected a 32-byte key-encryption key, but it has ${kek.length} bytes`,
      )
    }
    this.#kek = Buffer.from(kek)
  }

  /**
   * Reads a KEK written as 64 hex digits or as base64 of 32 bytes.
   *
   * @throws {KeyVaultError} `ERR_KEK_INVALID` naming what was expected.
   */
  static fromText(text: string): KeyVault {
    const trimmed = text.trim()
    const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64')
    if (bytes.length !== 32) {
      throw new KeyVaultError(
        'ERR_KEK_INVALID',
        'expected the key-encryption key as 64 hex digits or base64 of 32 bytes',
      )
    }
    return new KeyVault(bytes)
  }

  /** Encrypts a private key for storage, bound to `context`. */
  seal(privateKey: KeyObject, context: string): string {
    const plaintext = privateKey.export({ format: 'der', type: 'pkcs8' })
    try {
      return this.#seal(plaintext, context)
    } finally {
      plaintext.fill(0)
    }
  }

  /**
   * Decrypts a sealed private key.
   *
   * @throws {KeyVaultError} `ERR_KEY_SEALED_FORM` for a text that is not a sealed key,
   *   `ERR_KEY_UNSEAL` when it does not open under this KEK and context (wrong KEK, moved or altered).
   */
  open(sealed: string, context: string): KeyObject {
    const plaintext = this.#open(sealed, context, `the sealed key for ${context}`)
    try {
      return createPrivateKey({ key: plaintext, format: 'der', type: 'pkcs8' })
    } catch {
      throw new KeyVaultError(
        'ERR_KEY_UNSEAL',
        `the sealed key for ${context} does not open with this key-encryption key`,
      )
    } finally {
      plaintext.fill(0)
    }
  }

  /**
   * Encrypts a short secret text (a claim code to print again) for storage, bound to `context`;
   * the sealed form is that of keys, with the text's UTF-8 bytes as the plaintext, and a context
   * of its own kind (`text:`), so a sealed key never opens as a text or the other way round.
   */
  sealText(text: string, context: string): string {
    return this.#seal(Buffer.from(text, 'utf8'), `text:${context}`)
  }

  /**
   * Decrypts a text sealed by `sealText`.
   *
   * @throws {KeyVaultError} `ERR_KEY_SEALED_FORM`, `ERR_KEY_UNSEAL` as `open` does.
   */
  openText(sealed: string, context: string): string {
    return this.#open(sealed, `text:${context}`, `the sealed text for ${context}`).toString('utf8')
  }

  /**
   * A 32-byte key for one purpose of the server's own (the subjects of dynamic codes), derived
   * from the KEK with HKDF-SHA-256 (RFC 5869), the purpose as its `info`: the KEK itself never
   * leaves the vault, and each purpose has a key of its own that opens nothing else.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(
      hkdfSync('sha256', this.#kek, Buffer.alloc(0), `${VERSION}:derive:${purpose}`, 32),
    )
  }

  /** AES-256-GCM under the KEK, the version and context as associated data: `v1.<iv>.<ct>.<tag>`. */
  #seal(plaintext: Buffer, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#kek, iv)
    cipher.setAAD(Buffer.from(`${VERSION}:${context}`))
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.')
  }

  /** The plaintext of `#seal`'s form, or a `KeyVaultError` naming `what` when it does not open. */
  #open(sealed: string, context: string, what: string): Buffer {
    const parts = sealed.split('.')
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new KeyVaultError('ERR_KEY_SEALED_FORM', `expected ${VERSION}.<iv>.<ciphertext>.<tag>`)
    }
    const [, iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url')) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ]
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#kek, iv)
      decipher.setAAD(Buffer.from(`${VERSION}:${context}`))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(ciphertext), decipher.final()])
    } catch {
      throw new KeyVaultError(
        'ERR_KEY_UNSEAL',
        `${what} does not open with this key-encryption key`,
      )
    }
  }
}
