import type { KeyVault } from '../keys/key-vault.js'
import type { StoreTransaction } from '../ports.js'

/** The sealing context of a person's claim code. */
const claimCodeContext = (personId: string) => `claim-code:${personId}`

/**
 * Stores a person's claim code (hash, and a sealed copy when there is a vault), replacing the one
 * before. The demo sets a known code through this.
 */
export async function storeClaimCode(
  tx: StoreTransaction,
  personId: string,
  code: string,
  codeHash: string,
  issuedBy: string | undefined,
  at: string,
  vault: KeyVault | undefined,
): Promise<void> {
  await tx.claimCodes.put({
    personId,
    codeHash,
    sealedCode: vault?.sealText(code, claimCodeContext(personId)),
    issuedBy,
    issuedAt: at,
  })
}

/**
 * The claim code a person's stored copy seals, to print it again.
 *
 * @throws {Error} when the copy was not sealed under this vault's key for this person.
 */
export function openClaimCode(vault: KeyVault, personId: string, sealedCode: string): string {
  return vault.openText(sealedCode, claimCodeContext(personId))
}
