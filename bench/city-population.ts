import { actorOf } from '../src/domain/access/actor.js'
import { ApiTokenService } from '../src/domain/access/api-token-service.js'
import type { Clock } from '../src/domain/clock.js'
import type { Store } from '../src/domain/ports.js'

/** A visitor the load generator acts as: an account holding a person record, and its token. */
export interface Visitor {
  readonly personId: string
  readonly token: string
}

/**
 * Gives `count` people of the store (the first by id) a citizen account with an API token, so
 * that requests can check them in. Accounts sign in only with their token (no password hash to
 * compute). Existing bench accounts are reused.
 */
export async function prepareVisitors(
  store: Store,
  clock: Clock,
  count: number,
): Promise<Visitor[]> {
  const apiTokens = new ApiTokenService(store, clock)
  const people = await store.transaction((tx) => tx.health.personIdsAfter('', count))
  const visitors: Visitor[] = []
  for (const personId of people) {
    const login = `bench-${personId}@bench.invalid`
    const account = await store.transaction(async (tx) => {
      const existing = await tx.accounts.findByLogin(login)
      if (existing) return existing
      const person = await tx.people.find(personId)
      if (person?.accountId) return undefined
      const created = await tx.accounts.create({
        login,
        displayName: 'Bench visitor',
        passwordHash: undefined,
        roles: ['citizen'],
        issuerId: undefined,
        personId: undefined,
        oidcIssuer: undefined,
        oidcSubject: undefined,
      })
      await tx.accounts.setPerson(created.id, personId)
      await tx.people.setAccount(personId, created.id)
      return (await tx.accounts.find(created.id)) ?? created
    })
    if (!account) continue
    const { secret } = await apiTokens.create(actorOf(account, 'token'), 'bench')
    visitors.push({ personId, token: secret })
  }
  return visitors
}
