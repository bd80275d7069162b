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
