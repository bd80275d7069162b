import type { Issuer } from '../people/person.js'

export interface IssuerRepository {
  upsert(issuer: Issuer): Promise<void>
  /** Inserts a new issuer; never replaces one (a second with the same id is a unique violation). */
  create(issuer: Issuer): Promise<void>
  find(id: string): Promise<Issuer | undefined>
  list(): Promise<Issuer[]>
}
