import type { SigningKey, SigningKeyPurpose } from './signing-key.js'

/** The CSCA and the document signers, private keys sealed. */
export interface SigningKeyRepository {
  /** Stores a key under the id its private key was sealed for. */
  create(key: SigningKey): Promise<SigningKey>
  find(id: string): Promise<SigningKey | undefined>
  /** The newest active key of a purpose (and issuer, for document signers). */
  findActive(purpose: SigningKeyPurpose, issuerId?: string): Promise<SigningKey | undefined>
  /** Every key, oldest first. */
  list(): Promise<SigningKey[]>
  /** Marks active keys of the purpose and issuer retired (they keep verifying), except `keepId`. */
  retireOthers(
    purpose: SigningKeyPurpose,
    issuerId: string | undefined,
    keepId: string,
    at: string,
  ): Promise<number>
}
