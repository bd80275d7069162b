import { randomBytes, scrypt } from 'node:crypto'
import { verifyPassword } from '../access/passwords.js'

/**
 * The letters of a claim code: digits and capitals without 0, 1, I and O, which people misread
 * when they type a code from paper. 32 of them, so a random byte's low 5 bits pick one unbiased.
 */
export const claimCodeAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** Characters in a claim code: 10 of 32 letters, 50 bits. */
const CLAIM_CODE_LENGTH = 10

/** A person record's one-time claim code as stored: a hash, and a sealed copy for printing. */
export interface StoredClaimCode {
  readonly personId: string
  /** scrypt of the normalised code (see `normaliseClaimCode`). */
  readonly codeHash: string
  /** The code sealed under the key-encryption key, to print it again; undefined without one. */
  readonly sealedCode: string | undefined
  readonly issuedBy: string | undefined
  readonly issuedAt: string
}

/** Where claim codes are kept (one per person record at most). */
export interface ClaimCodeRepository {
  find(personId: string): Promise<StoredClaimCode | undefined>
  /** Stores the person's code, replacing the one before (which stops working). */
  put(code: StoredClaimCode): Promise<void>
  /** Deletes the person's code (it was used). */
  delete(personId: string): Promise<void>
}

/** A new random claim code, as printed: `XXXXX-XXXXX`. */
export function generateClaimCode(): string {
  const letters = [...randomBytes(CLAIM_CODE_LENGTH)].map(
    (byte) => claimCodeAlphabet[byte & 31] as string,
  )
  return `${letters.slice(0, 5).join('')}-${letters.slice(5).join('')}`
}

/**
 * A code as typed, in the form that is hashed: capitals, without spaces and dashes; undefined when
 * it cannot be a claim code at all.
 */
export function normaliseClaimCode(text: string): string | undefined {
  const code = text.toUpperCase().replace(/[\s-]/g, '')
  if (code.length !== CLAIM_CODE_LENGTH) return undefined
  for (const letter of code) if (!claimCodeAlphabet.includes(letter)) return undefined
  return code
}

/**
 * scrypt cost for claim codes: N=2^12, r=8, p=1 (about 4 MiB and a few milliseconds). A code is 50
 * random bits, not a password people choose, so a lighter cost than passwords' still puts an
 * offline search of a stolen hash far out of reach, and a claim's check stays cheap.
 */
const CODE_N = 4096

/**
 * Hashes a claim code (normalised first) as `scrypt$N$r$p$salt$hash`, the form of password hashes.
 *
 * @throws {Error} when the text cannot be a claim code.
 */
export async function hashClaimCode(code: string): Promise<string> {
  const normalised = normaliseClaimCode(code)
  if (normalised === undefined) throw new Error(`not a claim code: ${code}`)
  const salt = randomBytes(16)
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(normalised, salt, 32, { N: CODE_N, r: 8, p: 1 }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  )
  return `scrypt$${CODE_N}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Checks a typed code against a stored hash in constant time; false for a text that is no code. */
export async function claimCodeMatches(
  typed: string | undefined,
  codeHash: string,
): Promise<boolean> {
  const normalised = typed === undefined ? undefined : normaliseClaimCode(typed)
  // An impossible code is still checked, so that the answer takes as long as for a wrong one.
  return (await verifyPassword(normalised ?? '-', codeHash)) && normalised !== undefined
}
