import type { PartnerRevocationBatch, TrustPartner } from './trust-partner.js'

/** Partners whose trust lists we import. */
export interface TrustPartnerRepository {
  create(
    partner: Omit<
      TrustPartner,
      'id' | 'trustList' | 'importedAt' | 'gatewayTrustList' | 'gatewayImportedAt'
    >,
  ): Promise<TrustPartner>
  find(id: string): Promise<TrustPartner | undefined>
  list(): Promise<TrustPartner[]>
  saveImport(id: string, trustList: string, at: string): Promise<void>
  /** Stores a partner's Gateway-format trust list (replacing the previous one). */
  saveGatewayImport(id: string, trustList: string, at: string): Promise<void>
  /** Stores revocation batches of a partner, replacing those of the same batch id. */
  saveRevocationBatches(batches: readonly PartnerRevocationBatch[]): Promise<void>
  /** Removes a partner's batches (the Gateway lists them `deleted`). */
  deleteRevocationBatches(partnerId: string, batchIds: readonly string[]): Promise<number>
  /** Every partner's stored revocation batches. */
  revocationBatches(): Promise<PartnerRevocationBatch[]>
}
