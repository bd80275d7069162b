import type { RiskRule } from '../health-code/index.js'

/** A stored version of the risk rules. */
export interface StoredRuleSet {
  readonly version: number
  readonly rules: readonly RiskRule[]
  readonly note: string | undefined
  readonly createdBy: string | undefined
  readonly createdAt: string
  /** The issuer whose version this is (undefined: the root's, stored before issuers owned rules). */
  readonly issuerId?: string | undefined
}
