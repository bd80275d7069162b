import type { Declaration, HealthAssessment, RiskRule } from '../health-code/index.js'

/** A declaration as stored: who made it, for whom. */
export interface StoredDeclaration extends Declaration {
  readonly id: string
  readonly personId: string
  readonly declaredBy: string
}

/**
 * One version of a risk area; a change supersedes it with a new version (the history stays), a
 * withdrawal supersedes it with none.
 */
export interface StoredRiskArea {
  readonly id: string
  /**
   * The region whose authority declared the area and alone lists, changes or withdraws it; the
   * engine counts a stay in any region's area (undefined: a deployment without issuers).
   */
  readonly issuerId: string | undefined
  readonly areaCode: string
  readonly name: string
  readonly level: 'high' | 'medium'
  /** `YYYY-MM-DD`. */
  readonly from: string
  readonly until: string | undefined
  readonly createdBy: string
  readonly createdAt: string
  readonly supersededAt: string | undefined
  /** The version that replaced it; undefined for one withdrawn (or still in force). */
  readonly supersededBy: string | undefined
}

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

/** A person's current code as stored. */
export interface StoredHealthCode {
  readonly personId: string
  readonly assessment: HealthAssessment
  readonly district: string | undefined
  /** The opaque id the dynamic code carries. */
  readonly subject: string
}
