/** Another deployment (a region, the federal level, a partner city) whose trust list we import. */
export interface TrustPartner {
  readonly id: string
  readonly name: string
  /** The certificate the partner signs its trust list with, PEM. */
  readonly signingCertificatePem: string
  /** Where the list is fetched from, if it is fetched rather than uploaded. */
  readonly sourceUrl: string | undefined
  /**
   * Which of the partner's lists this is: its EU-facing list (its signers trusted for EU DCCs
   * only), its domestic list (for its own codes: dynamic codes, antibody certificates), or
   * undefined: a list whose signers are trusted for every kind their key usage allows.
   */
  readonly list: 'eu' | 'domestic' | undefined
  /** The last imported list, as received (JSON text), and when. */
  readonly trustList: string | undefined
  readonly importedAt: string | undefined
  readonly createdAt: string
  /**
   * The last imported list in the DCC Gateway's form (JSON text, as received), checked against
   * `signingCertificatePem` as the partner's trust anchor, and when.
   */
  readonly gatewayTrustList: string | undefined
  readonly gatewayImportedAt: string | undefined
}

/** A partner's revocation batch in the DCC Gateway's form, as received. */
export interface PartnerRevocationBatch {
  readonly partnerId: string
  /** The Gateway's batch id (a UUID). */
  readonly batchId: string
  readonly country: string
  /** Base64 of the CMS SignedData whose content is the batch JSON. */
  readonly signedBatch: string
  readonly importedAt: string
}
