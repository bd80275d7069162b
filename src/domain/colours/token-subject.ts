import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * The subject of a dynamic code, schema 1.1.0 (docs/health-code-token.md, "The subject"): the
 * person's id and the token's expiry sealed with AES-256-GCM under a random nonce, so that it is
 * fresh in every token and only the issuer recovers the person, and only while the token lives.
 *
 * ```
 *  sub = base64url( nonce ‖ ciphertext ‖ tag )                 48 bytes → 64 characters
 *         12 bytes   20 bytes      16 bytes
 *  plaintext = person id (UUID, 16 bytes) ‖ exp (uint32, seconds since the epoch, big-endian)
 *  associated data = "healthcode-status sub 1.1.0"
 * ```
 */
export class TokenSubjects {
  readonly #key: Buffer

  /** @param key 32 bytes (`KeyVault.deriveKey(TOKEN_SUBJECT_KEY_PURPOSE)`). */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new TypeError('expected a 32-byte key for token subjects')
    this.#key = Buffer.from(key)
  }

  /**
   * Seals a person's id into a fresh subject for a token that expires at `expiresAt`.
   *
   * @throws {TypeError} for an id that is not a UUID (every person's id is one).
   */
  seal(personId: string, expiresAt: Date): string {
    if (!UUID.test(personId)) throw new TypeError(`expected a person id that is a UUID`)
    const plaintext = Buffer.alloc(20)
    Buffer.from(personId.replace(/-/g, ''), 'hex').copy(plaintext, 0)
    plaintext.writeUInt32BE(Math.floor(expiresAt.getTime() / 1000), 16)
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce)
    cipher.setAAD(ASSOCIATED_DATA)
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url')
  }

  /**
   * The person a subject names, while its token lives at `at`; undefined for a subject that is
   * not ours (another issuer's, a 1.0.0 one, altered) or whose token has expired.
   */
  open(subject: string, at: Date): string | undefined {
    if (!/^[A-Za-z0-9_-]{64}$/.test(subject)) return undefined
    const bytes = Buffer.from(subject, 'base64url')
    if (bytes.length !== 48) return undefined
    let plaintext: Buffer
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12))
      decipher.setAAD(ASSOCIATED_DATA)
      decipher.setAuthTag(bytes.subarray(32))
      plaintext = Buffer.concat([decipher.update(bytes.subarray(12, 32)), decipher.final()])
    } catch {
      return undefined
    }
    if (plaintext.readUInt32BE(16) * 1000 < at.getTime()) return undefined
    const hex = plaintext.subarray(0, 16).toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}

/** The purpose the vault derives the token-subject key for. */
export const TOKEN_SUBJECT_KEY_PURPOSE = 'healthcode-status sub 1.1.0'

const ASSOCIATED_DATA = Buffer.from('healthcode-status sub 1.1.0')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
