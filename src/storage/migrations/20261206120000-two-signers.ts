import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Two signers per issuer (docs/interoperability.md, "Two signers"): an EU-facing document signer
 * for EU DCCs and a domestic signer for dynamic codes and antibody certificates. The document
 * signers made before signed every kind; they become `legacy-signer`, keep their status (an active
 * one goes on signing until `healthcode keys init` or a rotation gives its issuer both successors,
 * so nothing stops being issued meanwhile), and stay on both trust lists until their certificates
 * expire, so every code they signed keeps verifying where it was published. No key is made here:
 * that needs the key-encryption key, which the database never sees.
 */
export function twoSignersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`update signing_keys set purpose = 'legacy-signer'
        where purpose = 'document-signer'`.execute(db)
    },
  }
}
