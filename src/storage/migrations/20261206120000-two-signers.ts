import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Two signers per issuer (docs/interoperability.md, "Two signers"): an EU-facing document signer
 * for EU DCCs and a domestic signer for dynamic codes and antibody certificates. The document
 * signers made before signed every kind; they become `legacy-signer`, keep their status (an active
 * one goes on signing until `healthcode keys init` or a rotation gives its issuer both successors,
 * so nothing stops being issued meanwhile), and stay on both trust lists until their certificates
 * expire, so every code they signed keeps verifying where it was published. A partner's list may
 * now say which of its lists it is (`trust_partners.list`), so that its signers are trusted for
 * that list's kinds only; partners registered before trust theirs for every kind. No key is made here:
 * that needs the key-encryption key, which the database never sees.
 */
export function twoSignersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`update signing_keys set purpose = 'legacy-signer'
        where purpose = 'document-signer'`.execute(db)
      // Which of a partner's lists we import: 'eu', 'domestic', or null (as before: every kind).
      await db.schema.alterTable('trust_partners').addColumn('list', 'text').execute()
    },
  }
}
