/** Validity rule sets (EU CertLogic format), every version, per issuer. */
export interface ValidityRuleSetRepository {
  add(ruleSet: {
    /** The issuer whose version this is. */
    issuerId?: string | undefined
    id: string
    version: number
    rules: unknown
    note: string | undefined
    createdBy: string | undefined
    createdAt: string
  }): Promise<void>
  /** The highest version of each stored rule set, per issuer. */
  latest(): Promise<
    {
      id: string
      version: number
      rules: unknown
      note: string | undefined
      createdAt: string
      issuerId: string | undefined
    }[]
  >
}
