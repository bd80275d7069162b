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
}
