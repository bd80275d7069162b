/** The SMART Health Card issuers we trust: each `iss` with its JWKS and revocation lists. */
export interface ShcIssuerRepository {
  /** Stores an issuer; a later save of the same `iss` replaces it. */
  save(issuer: { iss: string; jwks: unknown; crls: unknown[]; at: string }): Promise<void>
  list(): Promise<{ iss: string; jwks: unknown; crls: unknown[]; importedAt: string }[]>
  remove(iss: string): Promise<boolean>
}
