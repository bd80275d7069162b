import type { EntryPolicy, Venue } from './venue.js'

/** Venues and the entry policies of their categories. */
export interface VenueRepository {
  create(venue: Venue): Promise<Venue>
  find(id: string): Promise<Venue | undefined>
  findMany(ids: readonly string[]): Promise<Venue[]>
  /** The districts where the venues of these issuers stand (for a region's dashboard). */
  districtsOf(issuerIds: readonly string[]): Promise<string[]>
  /**
   * Venues an operator registered or that belong to the companies, or the venues of the issuers;
   * every venue without a filter.
   */
  list(filter: {
    operatorAccountId?: string
    companyIds?: readonly string[]
    issuerIds?: readonly string[]
  }): Promise<Venue[]>
  setPosterSecret(id: string, secret: string): Promise<void>
  /** An issuer's own policy of a category (none when it keeps its ancestors'). */
  entryPolicy(issuerId: string, category: string): Promise<EntryPolicy | undefined>
  /** Every stored policy: by issuer, then by category. */
  entryPolicies(): Promise<Map<string, Map<string, EntryPolicy>>>
  setEntryPolicy(
    issuerId: string,
    category: string,
    policy: EntryPolicy,
    by: string,
    at: string,
  ): Promise<void>
}
