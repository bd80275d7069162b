import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../test/support/dialects.js'
import { openStore } from '../../storage/open-store.js'
import { actorOf } from '../access/actor.js'
import type { Actor } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import { TEST_DETECTED, defaultCertificatePolicy } from '../certificates/certificate-policy.js'
import { CertificateIssuingService } from '../certificates/certificate-issuing-service.js'
import { DomainError } from '../errors.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import { newPersonFrom } from '../people/person-input.js'
import type { Store, StoreTransaction } from '../ports.js'
import { defaultAttachmentLimits } from './attachment-check.js'
import type { Evidence } from './commission-request.js'
import { CommissionDecisionService } from './commission-decision-service.js'
import { CommissionRequestService } from './commission-request-service.js'
import { CommissionRequestViews } from './commission-request-views.js'
import type { CommissionNotificationData } from './decision-notification.js'

const NOW = '2026-11-23T09:00:00.000Z'

const positiveTest: Evidence = {
  kind: 'test',
  data: {
    disease: '840539006',
    testType: 'LP6464-4',
    name: 'RT-PCR SARS-CoV-2',
    sampledAt: '2026-11-10T08:00:00Z',
    result: TEST_DETECTED,
    centre: 'City polyclinic No. 37',
    country: 'RU',
  },
}

const lowAntibodies: Evidence = {
  kind: 'antibody',
  data: {
    disease: '840539006',
    assay: 'Elecsys Anti-SARS-CoV-2 S',
    value: 12,
    unit: 'U/mL',
    threshold: 100,
    date: '2026-11-20',
    country: 'RU',
  },
}

forEachDialect((dialect) => {
  describe(`the commission's decisions in the person's feed (${dialect.name})`, () => {
    let store: Store
    let requests: CommissionRequestService
    let commission: CommissionDecisionService
    let citizen: Actor
    let personId: string
    let member: Actor
    let secondMember: Actor
    const clock = () => new Date(NOW)

    const commissionFeed = async () =>
      (await store.transaction((tx) => tx.tracing.feed(personId, 100))).filter(
        (item) => item.kind === 'commission',
      )

    before(async () => {
      store = await openStore(dialect.url())
      const account = async (login: string, roles: Role[], issuerId?: string) =>
        actorOf(
          await store.transaction((tx) =>
            tx.accounts.create({
              login,
              displayName: login,
              passwordHash: undefined,
              roles,
              issuerId,
              personId: undefined,
              oidcIssuer: undefined,
              oidcSubject: undefined,
            }),
          ),
          'token',
        )
      await store.transaction(async (tx) => {
        await tx.issuers.upsert({
          id: 'ru-spb',
          name: 'St. Petersburg',
          level: 'region',
          country: 'RU',
          parentId: undefined,
        })
      })
      member = await account('member@test', ['commission_member'], 'ru-spb')
      secondMember = await account('member2@test', ['commission_member'], 'ru-spb')
      const holder = await account('citizen@test', ['citizen'])
      personId = await store.transaction(async (tx) => {
        const person = await tx.people.create(
          newPersonFrom(
            {
              familyName: 'Кузнецова',
              givenName: 'Мария',
              birthDate: '1990-02-01',
              residency: 'resident',
              document: { type: 'national-id', number: '4099 001122', country: 'RU' },
            },
            'ru-spb',
            clock(),
          ),
        )
        await tx.people.setAccount(person.id, holder.accountId)
        await tx.accounts.setPerson(holder.accountId, person.id)
        return person.id
      })
      citizen = { ...holder, personId }
      // No key-encryption key: approvals enter records but issue no certificate, which is all
      // these tests need.
      const certificates = new CertificateIssuingService(
        store,
        clock,
        new SigningKeyService(store, clock, undefined),
        defaultCertificatePolicy,
      )
      const views = new CommissionRequestViews(clock, { decisionDays: 5 })
      requests = new CommissionRequestService(store, clock, views, defaultAttachmentLimits)
      commission = new CommissionDecisionService(
        store,
        clock,
        views,
        certificates,
        defaultCertificatePolicy,
      )
    })
    after(() => store.close())

    it('tells the person of a refusal with its reason, and of the appeal decided by another member', async () => {
      const filed = await requests.submit(citizen, personId, positiveTest, [])
      assert.deepEqual(await commissionFeed(), [], 'nothing to tell before a decision')

      await commission.decide(member, filed.id, 'refused', '  The PCR report is not legible.  ')
      const [refusal] = await commissionFeed()
      assert.ok(refusal)
      assert.equal(refusal.createdAt, NOW)
      assert.deepEqual(refusal.data, {
        requestId: filed.id,
        request: 'recovery',
        decision: 'refused',
        appeal: false,
        reason: 'The PCR report is not legible.',
        certificateId: null,
      } satisfies CommissionNotificationData)

      await commission.appeal(citizen, filed.id, 'A legible copy of the report is attached.')
      assert.equal((await commissionFeed()).length, 1, 'an appeal filed is not a decision')

      await commission.decide(secondMember, filed.id, 'approved', undefined)
      const feed = await commissionFeed()
      assert.equal(feed.length, 2)
      const decisions = feed.map((item) => item.data as unknown as CommissionNotificationData)
      const appealDecision = decisions.find((data) => data.appeal)
      assert.deepEqual(appealDecision, {
        requestId: filed.id,
        request: 'recovery',
        decision: 'approved',
        appeal: true,
        reason: null,
        certificateId: null,
      })
    })

    it('tells of an approval of an antibody request at once', async () => {
      const filed = await requests.submit(
        citizen,
        personId,
        { ...lowAntibodies, data: { ...lowAntibodies.data, value: 420 } } as Evidence,
        [],
      )
      await commission.decide(member, filed.id, 'approved', 'Level well above the threshold')
      const mine = (await commissionFeed())
        .map((item) => item.data as unknown as CommissionNotificationData)
        .filter((data) => data.requestId === filed.id)
      assert.deepEqual(mine, [
        {
          requestId: filed.id,
          request: 'antibody',
          decision: 'approved',
          appeal: false,
          reason: 'Level well above the threshold',
          certificateId: null,
        },
      ])
    })

    /** The commission over a store whose `tx[repository][method]` fails inside a decision. */
    const commissionFailingAt = (repository: 'audit' | 'tracing', method: string) => {
      const failing = storeFailingAt(store, repository, method)
      return new CommissionDecisionService(
        failing,
        clock,
        new CommissionRequestViews(clock, { decisionDays: 5 }),
        new CertificateIssuingService(
          failing,
          clock,
          new SigningKeyService(failing, clock, undefined),
          defaultCertificatePolicy,
        ),
        defaultCertificatePolicy,
      )
    }

    it('rolls the notification back with the decision when a later step of it fails', async () => {
      const filed = await requests.submit(citizen, personId, positiveTest, [])
      const before = (await commissionFeed()).length
      await assert.rejects(
        commissionFailingAt('audit', 'append').decide(
          member,
          filed.id,
          'refused',
          'The PCR report is not legible.',
        ),
        /audit\.append is unavailable/,
      )
      assert.equal((await commissionFeed()).length, before)
      assert.equal((await requests.find(citizen, filed.id)).status, 'submitted')
    })

    it('rolls the decision back when its notification cannot be written', async () => {
      const filed = await requests.submit(citizen, personId, positiveTest, [])
      await assert.rejects(
        commissionFailingAt('tracing', 'notify').decide(member, filed.id, 'approved', undefined),
        /tracing\.notify is unavailable/,
      )
      const unchanged = await requests.find(citizen, filed.id)
      assert.equal(unchanged.status, 'submitted')
      assert.equal(unchanged.recordId, undefined, 'no recovery record was entered')
    })

    it('writes no notification for an approval the evidence does not allow', async () => {
      const filed = await requests.submit(citizen, personId, lowAntibodies, [])
      const before = (await commissionFeed()).length
      await assert.rejects(
        commission.decide(member, filed.id, 'approved', undefined),
        (error: unknown) =>
          error instanceof DomainError && error.code === 'ERR_ANTIBODY_BELOW_THRESHOLD',
      )
      assert.equal((await commissionFeed()).length, before)
      assert.equal((await requests.find(citizen, filed.id)).status, 'submitted')
    })

    it('writes no notification when the first member tries to decide the appeal', async () => {
      const filed = await requests.submit(citizen, personId, positiveTest, [])
      await commission.decide(member, filed.id, 'refused', 'The test result is not attached.')
      await commission.appeal(citizen, filed.id, 'The result was sent by the laboratory.')
      const before = (await commissionFeed()).length
      await assert.rejects(
        commission.decide(member, filed.id, 'approved', undefined),
        (error: unknown) => error instanceof DomainError && error.code === 'ERR_APPEAL_SAME_MEMBER',
      )
      assert.equal((await commissionFeed()).length, before)
    })
  })
})

/**
 * The store, except that `tx[repository][method]` throws: a fault injected into one step of a
 * transaction, to see what the rest of it leaves behind (everything else is the real database).
 */
function storeFailingAt(store: Store, repository: 'audit' | 'tracing', method: string): Store {
  const failingRepository = <R extends object>(real: R): R =>
    new Proxy(real, {
      get(target, name) {
        if (name !== method) return Reflect.get(target, name) as unknown
        return () => Promise.reject(new Error(`${repository}.${method} is unavailable`))
      },
    })
  return new Proxy(store, {
    get(target, name) {
      if (name !== 'transaction') return Reflect.get(target, name) as unknown
      return <T>(work: (tx: StoreTransaction) => Promise<T>) =>
        target.transaction((tx) =>
          work(
            new Proxy(tx, {
              get(inner, key) {
                const value = Reflect.get(inner, key) as unknown
                return key === repository ? failingRepository(value as object) : value
              },
            }),
          ),
        )
    },
  })
}
