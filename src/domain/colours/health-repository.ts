import type { StoredDeclaration } from '../declarations/stored-declaration.js'
import type { District } from '../districts/district.js'
import type { StoredRiskArea } from '../risk-areas/stored-risk-area.js'
import type { StoredRuleSet } from '../risk-rules/stored-rule-set.js'
import type { StoredHealthCode } from './stored-health-code.js'

/** Declarations, risk areas, risk rules and each person's current code. */
export interface HealthRepository {
  addDeclaration(declaration: Omit<StoredDeclaration, 'id'>): Promise<StoredDeclaration>
  /** A person's declarations since `since`, oldest first. */
  declarations(personId: string, since: string): Promise<StoredDeclaration[]>
  /** People who declared a visit to the area in a declaration made since `since`. */
  peopleWhoVisited(areaCode: string, since: string): Promise<string[]>
  addRiskArea(
    area: Omit<StoredRiskArea, 'id' | 'supersededAt' | 'supersededBy'>,
  ): Promise<StoredRiskArea>
  /** Ends a version: replaced `by` a new one, or withdrawn (`by` undefined); false if ended already. */
  supersedeRiskArea(id: string, by: string | undefined, at: string): Promise<boolean>
  findRiskArea(id: string): Promise<StoredRiskArea | undefined>
  /** Risk areas by code; every region's, or those owned by `issuerIds` only. */
  riskAreas(options: {
    includeSuperseded: boolean
    areaCode?: string
    issuerIds?: readonly string[]
  }): Promise<StoredRiskArea[]>
  latestRuleSet(): Promise<StoredRuleSet | undefined>
  findRuleSet(version: number): Promise<StoredRuleSet | undefined>
  ruleSetVersions(): Promise<Omit<StoredRuleSet, 'rules'>[]>
  /** The newest version each issuer stored. */
  latestRuleSets(): Promise<StoredRuleSet[]>
  addRuleSet(ruleset: StoredRuleSet): Promise<void>
  healthCode(personId: string): Promise<StoredHealthCode | undefined>
  personOfSubject(subject: string): Promise<string | undefined>
  saveHealthCode(code: StoredHealthCode): Promise<void>
  /** People ids in id order after `afterPersonId` (for recomputing everyone in batches). */
  personIdsAfter(afterPersonId: string, limit: number): Promise<string[]>
  dueForReassessment(now: string, limit: number): Promise<string[]>
  /**
   * Stored codes by colour and district (`unknown` for people without a district), in the given
   * districts or everywhere; people whose code was never computed have none. Read from counters
   * kept in step with every write of a code or a person's district.
   */
  colourCounts(
    districts?: readonly string[],
  ): Promise<{ colour: string; district: string; count: number }[]>
  /** The districts these issuers defined, by issuer and code. */
  districts(issuerIds: readonly string[]): Promise<District[]>
  /** Defines a district, or renames it when the issuer has the code already. */
  saveDistrict(
    district: District & { createdBy: string | undefined; createdAt: string },
  ): Promise<void>
}
