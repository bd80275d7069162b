import { ShcTrustError, ShcTrustStore } from '../../codec/shc/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type { Store } from '../ports.js'
import { authorizeTrustAdmin, requireTrustAdmin } from './trust-admin.js'
import type { TrustListService } from './trust-list-service.js'

/**
 * The SMART Health Card issuers we trust: each `iss` with its JWKS and revocation lists, checked
 * before it is stored. An import drops the trust lists' snapshot (`TrustListService`), which
 * verifies cards against them.
 */
export class ShcIssuerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly trustLists: TrustListService,
  ) {}

  /** The SMART Health Card issuers we trust. */
  async list(): Promise<{ iss: string; keys: number; importedAt: string }[]> {
    const rows = await this.store.transaction((tx) => tx.shcIssuers.list())
    return rows.map((row) => ({
      iss: row.iss,
      keys: Array.isArray((row.jwks as { keys?: unknown[] })?.keys)
        ? (row.jwks as { keys: unknown[] }).keys.length
        : 0,
      importedAt: row.importedAt,
    }))
  }

  /**
   * Trusts a SMART Health Card issuer: its JWKS (and revocation lists), checked before anything is
   * stored; a later import of the same `iss` replaces it.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` naming what cannot be trusted.
   */
  async importIssuer(
    actor: Actor | undefined,
    issuer: { iss: string; jwks: unknown; crls: unknown[] },
  ): Promise<{ iss: string; keys: number }> {
    // Who may comes before reading what they sent: a refusal never depends on the input.
    if (actor) await requireTrustAdmin(this.store, actor)
    try {
      new ShcTrustStore([issuer])
    } catch (error) {
      if (error instanceof ShcTrustError) {
        // The same code, and the request field it is about.
        const field = { ERR_SHC_TRUST_ISSUER: 'iss', ERR_SHC_TRUST_CRL: 'crls' }[
          error.code as string
        ]
        throw new ShcTrustError(error.code, error.message, { field: field ?? 'jwks' })
      }
      throw error
    }
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      // Trusted partners and signers are the whole deployment's: every region's doors accept what
      // they sign, so only administrators of the root issuer manage them.
      if (actor) await authorizeTrustAdmin(tx, actor)
      await tx.shcIssuers.save({ ...issuer, at })
      await tx.audit.append(
        {
          actorAccountId: actor?.accountId,
          action: 'trust.shc-issuer.import',
          entityType: 'shc_issuer',
          entityId: issuer.iss,
          reason: undefined,
          data: { crls: issuer.crls.length },
        },
        at,
      )
    })
    this.trustLists.changed()
    const keys = (issuer.jwks as { keys?: unknown[] })?.keys
    return { iss: issuer.iss, keys: Array.isArray(keys) ? keys.length : 0 }
  }
}
