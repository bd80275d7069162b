import type { Issuer } from '../people/person.js'
import type { Store } from '../ports.js'

/** The issuers (the federal level and its regions): their names and places are public. */
export class IssuerService {
  constructor(private readonly store: Store) {}

  /** Every issuer, by id. */
  async list(): Promise<Issuer[]> {
    return this.store.transaction((tx) => tx.issuers.list())
  }
}
