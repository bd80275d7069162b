import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  MINUTE,
  TEST_KEK,
  auditEntries,
  makeActor,
  makeIssuers,
  personInput,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import { KeyVault } from '../keys/key-vault.js'
import { LimitReachedError } from '../limits/limit-reached-error.js'
import { Lockout, lockoutPolicy } from '../limits/lockout.js'
import type { Store } from '../ports.js'
import { PeopleService } from './people-service.js'
import { PersonClaimService } from './person-claim-service.js'

forEachDialect((dialect) => {
  describe(`PersonClaimService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let people: PeopleService
    let claims: PersonClaimService
    let clinician: Actor
    let mskClinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const vault = KeyVault.fromText(TEST_KEK)
      people = new PeopleService(store, time, vault)
      claims = new PersonClaimService(store, time, {
        perAccount: new Lockout(store.limitCounters, time, lockoutPolicy('claim.account', 3, 15)),
        perRecord: new Lockout(store.limitCounters, time, lockoutPolicy('claim.record', 3, 15)),
        vault,
      })
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      mskClinician = await makeActor(store, ['clinician'], 'ru-msk')
    })
    after(() => store.close())

    it('lets the citizen claim their record once with the slip’s code, and uses the code up', async () => {
      const input = personInput()
      const registered = await people.register(clinician, input)
      const citizen = await makeActor(store, ['citizen'])
      const claimed = await claims.claim(
        citizen,
        input.document,
        input.birthDate,
        registered.claimCode,
      )
      assert.equal(claimed.accountId, citizen.accountId)
      const me = await claims.me(citizen)
      assert.deepEqual([me.account?.personId, me.person?.id], [registered.id, registered.id])
      assert.equal(
        (await people.get({ ...citizen, personId: registered.id }, registered.id)).id,
        registered.id,
      )
      assert.equal(await claims.claimCodeForPrint(clinician, registered.id), undefined)
      await rejectsWith(claims.issueClaimCode(clinician, registered.id), 'ERR_ALREADY_CLAIMED')
      const another = await makeActor(store, ['citizen'])
      await rejectsWith(
        claims.claim(another, input.document, input.birthDate, registered.claimCode),
        'ERR_CLAIM_MISMATCH',
      )
      await rejectsWith(
        claims.claim(citizen, input.document, input.birthDate, registered.claimCode),
        'ERR_ALREADY_CLAIMED',
      )
      assert.deepEqual(
        (await auditEntries(store, 'person.claim'))
          .filter((entry) => entry.entityId === registered.id)
          .map((entry) => entry.actorAccountId),
        [citizen.accountId],
      )
    })

    it('answers one mismatch for a wrong code or birth date, audits each failure, and locks out until the clock passes the lock', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const input = personInput()
      const registered = await people.register(clinician, input)
      const guesser = await makeActor(store, ['citizen'])
      await rejectsWith(
        claims.claim(guesser, input.document, '1990-02-02', registered.claimCode),
        'ERR_CLAIM_MISMATCH',
      )
      await rejectsWith(
        claims.claim(guesser, input.document, input.birthDate, 'WRONG-CODE'),
        'ERR_CLAIM_MISMATCH',
      )
      await rejectsWith(
        claims.claim(guesser, input.document, input.birthDate, undefined),
        'ERR_CLAIM_MISMATCH',
      )
      // Three failures: locked, even with the right code.
      await assert.rejects(
        claims.claim(guesser, input.document, input.birthDate, registered.claimCode),
        (error: unknown) =>
          error instanceof LimitReachedError &&
          error.code === 'ERR_CLAIM_LOCKED' &&
          error.retryAfterSeconds === 15 * 60,
      )
      assert.equal(
        (await auditEntries(store, 'person.claim.failed')).filter(
          (entry) => entry.actorAccountId === guesser.accountId,
        ).length,
        3,
      )
      time.advance(15 * MINUTE)
      const claimed = await claims.claim(
        guesser,
        input.document,
        input.birthDate,
        registered.claimCode,
      )
      assert.equal(claimed.accountId, guesser.accountId)
    })

    it('replaces a lost claim code: the old one stops working', async () => {
      time.set('2026-11-24T09:00:00.000Z')
      const input = personInput()
      const registered = await people.register(clinician, input)
      await rejectsWith(claims.issueClaimCode(mskClinician, registered.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        claims.issueClaimCode(clinician, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      const { claimCode, issuedAt } = await claims.issueClaimCode(clinician, registered.id)
      assert.equal(issuedAt, '2026-11-24T09:00:00.000Z')
      assert.notEqual(claimCode, registered.claimCode)
      const citizen = await makeActor(store, ['citizen'])
      await rejectsWith(
        claims.claim(citizen, input.document, input.birthDate, registered.claimCode),
        'ERR_CLAIM_MISMATCH',
      )
      const claimed = await claims.claim(citizen, input.document, input.birthDate, claimCode)
      assert.equal(claimed.id, registered.id)
    })

    it('registers a citizen themselves into a region, once, and refuses a document already registered', async () => {
      const citizen = await makeActor(store, ['citizen'])
      const input = personInput()
      const person = await claims.registerSelf(citizen, { ...input, issuerId: 'ru-msk' })
      assert.deepEqual([person.issuerId, person.accountId], ['ru-msk', citizen.accountId])
      assert.equal((await claims.me(citizen)).person?.id, person.id)
      await rejectsWith(
        claims.registerSelf(citizen, { ...personInput(), issuerId: 'ru-msk' }),
        'ERR_ALREADY_CLAIMED',
      )
      const other = await makeActor(store, ['citizen'])
      await rejectsWith(
        claims.registerSelf(other, { ...input, issuerId: 'ru-msk' }),
        'ERR_CONFLICT',
        'document',
      )
      await rejectsWith(
        claims.registerSelf(other, { ...personInput(), issuerId: 'ru-nowhere' }),
        'ERR_INVALID_FIELD',
        'issuerId',
      )
      assert.equal(
        (await auditEntries(store, 'person.register-self')).filter(
          (entry) => entry.entityId === person.id,
        ).length,
        1,
      )
    })
  })
})
