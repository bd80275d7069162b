import type { IdentityDocument, NewPerson, Person } from './person.js'

export interface PersonRepository {
  create(person: NewPerson): Promise<Person>
  find(id: string): Promise<Person | undefined>
  findByDocument(document: IdentityDocument): Promise<Person | undefined>
  /** The districts where the people of these issuers live (for a region's dashboard). */
  districtsOf(issuerIds: readonly string[]): Promise<string[]>
  /**
   * People registered by district (`unknown` for people without one), in the given districts or
   * everywhere, for the authority's dashboard: read from counters kept in step with every write,
   * so that it reads a few rows whatever the number of people.
   */
  countByDistrict(districts?: readonly string[]): Promise<{ district: string; count: number }[]>
  /**
   * The people of these issuers who have no district, and their stored codes by colour (a region's
   * dashboard counts them as `unknown`).
   */
  countWithoutDistrict(
    issuerIds: readonly string[],
  ): Promise<{ registered: number; colours: { colour: string; count: number }[] }>
  /** People of one issuer, newest first. */
  list(issuerId: string, page: { limit: number; offset: number }): Promise<Person[]>
  /** Changes the given fields; returns the updated person, or undefined if there is none. */
  update(id: string, changes: Partial<Omit<NewPerson, 'issuerId'>>): Promise<Person | undefined>
  setAccount(id: string, accountId: string): Promise<void>
}
