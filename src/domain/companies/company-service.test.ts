import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildColourServices } from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  auditEntries,
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { DeclarationService } from '../declarations/declaration-service.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { CompanyService } from './company-service.js'

const well = {
  fever: false,
  cough: false,
  soreThroat: false,
  shortnessOfBreath: false,
  lossOfTasteOrSmell: false,
  fatigue: false,
}

forEachDialect((dialect) => {
  describe(`CompanyService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let companies: CompanyService
    let declarations: DeclarationService
    let admin: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      companies = new CompanyService(store, time)
      declarations = buildColourServices(
        store,
        time,
        new SigningKeyService(store, time, undefined),
        15,
      ).declarations
      admin = await makeActor(store, ['company_admin'])
    })
    after(() => store.close())

    /** A citizen with a claimed record who accepted an invitation to the company. */
    async function employee(companyId: string, consent: boolean) {
      const citizen = await makeCitizen(store, 'ru-spb', time)
      const { token } = await companies.invite(admin, companyId)
      const membership = await companies.accept(citizen.actor, token, consent)
      return { ...citizen, membership }
    }

    it('creates a company with its creator as admin, and audits it', async () => {
      const company = await companies.create(admin, '  Acme  ')
      assert.deepEqual(
        [company.name, company.createdBy, company.createdAt],
        ['Acme', admin.accountId, '2026-11-23T09:00:00.000Z'],
      )
      const mine = (await companies.mine(admin)).filter((each) => each.company.id === company.id)
      assert.deepEqual(
        mine.map((each) => [each.membership.role, each.membership.status]),
        [['admin', 'active']],
      )
      assert.deepEqual(
        (await auditEntries(store, 'company.create'))
          .filter((entry) => entry.entityId === company.id)
          .map((entry) => entry.actorAccountId),
        [admin.accountId],
      )
    })

    it('lets an employee accept an invitation once with their record, and audits the joining', async () => {
      const company = await companies.create(admin, 'Invitations Ltd')
      const { token, invitationId } = await companies.invite(admin, company.id)
      const noRecord = await makeActor(store, ['citizen'])
      await rejectsWith(companies.accept(noRecord, token, true), 'ERR_FORBIDDEN')
      const { person, actor } = await makeCitizen(store, 'ru-spb', time)
      const joined = await companies.accept(actor, token, true)
      assert.deepEqual(
        [joined.id, joined.status, joined.personId, joined.consent, joined.role],
        [invitationId, 'active', person.id, true, 'employee'],
      )
      assert.ok((await companies.mine(actor)).some((each) => each.company.id === company.id))
      const other = await makeCitizen(store, 'ru-spb', time)
      await rejectsWith(companies.accept(other.actor, token, true), 'ERR_NOT_FOUND', 'token')
      await rejectsWith(
        companies.accept(other.actor, 'hci_unknown', true),
        'ERR_NOT_FOUND',
        'token',
      )
      assert.deepEqual(
        (await auditEntries(store, 'company.join'))
          .filter((entry) => entry.entityId === invitationId)
          .map((entry) => [entry.actorAccountId, entry.data]),
        [[actor.accountId, { companyId: company.id, consent: true }]],
      )
    })

    it('refuses invitations and the dashboard to anyone but the company’s admins, and unknown companies', async () => {
      const company = await companies.create(admin, 'Private Ltd')
      const { actor: worker } = await employee(company.id, true)
      const otherAdmin = await makeActor(store, ['company_admin'])
      await companies.create(otherAdmin, 'Rival Ltd')
      await rejectsWith(companies.invite(worker, company.id), 'ERR_FORBIDDEN')
      await rejectsWith(companies.invite(otherAdmin, company.id), 'ERR_FORBIDDEN')
      await rejectsWith(companies.dashboard(worker, company.id), 'ERR_FORBIDDEN')
      await rejectsWith(companies.dashboard(otherAdmin, company.id), 'ERR_FORBIDDEN')
      await rejectsWith(
        companies.invite(admin, '00000000-0000-4000-8000-000000000000'),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(companies.setConsent(otherAdmin, company.id, true), 'ERR_NOT_FOUND')
    })

    it('shows consenting employees’ colours and names only, and follows a withdrawn consent', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const company = await companies.create(admin, 'Dashboard Ltd')
      const sharing = await employee(company.id, true)
      const private_ = await employee(company.id, false)
      await declarations.declare(sharing.actor, sharing.person.id, {
        symptoms: { ...well, fever: true },
        visits: [],
        confirmedCaseContact: false,
      })
      await declarations.declare(private_.actor, private_.person.id, {
        symptoms: { ...well, cough: true },
        visits: [],
        confirmedCaseContact: false,
      })
      const board = await companies.dashboard(admin, company.id)
      assert.deepEqual(board.employees, {
        total: 2,
        consenting: 1,
        byColour: { green: 0, yellow: 1, red: 0, unknown: 0 },
      })
      assert.deepEqual(board.notGreen, [
        {
          personId: sharing.person.id,
          familyName: sharing.person.familyName,
          givenName: sharing.person.givenName,
          colour: 'yellow',
        },
      ])
      assert.equal(board.declarationsToday, 1)
      await companies.setConsent(sharing.actor, company.id, false)
      const after = await companies.dashboard(admin, company.id)
      assert.deepEqual([after.employees.consenting, after.notGreen], [0, []])
    })

    it('counts visitors by day over the days asked for, ending today by the clock', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const company = await companies.create(admin, 'Visitors Ltd')
      const district = `company:${company.id}`
      await store.transaction((tx) =>
        tx.counters.add([
          { day: '2026-11-23', district, metric: 'company.checkins', by: 5 },
          { day: '2026-11-21', district, metric: 'company.checkins', by: 2 },
          { day: '2026-11-01', district, metric: 'company.checkins', by: 9 },
        ]),
      )
      const board = await companies.dashboard(admin, company.id, 3)
      assert.deepEqual(board.visitorsByDay, [
        { day: '2026-11-21', checkins: 2 },
        { day: '2026-11-22', checkins: 0 },
        { day: '2026-11-23', checkins: 5 },
      ])
      assert.equal((await companies.dashboard(admin, company.id)).visitorsByDay.length, 14)
      time.advance(DAY)
      const tomorrow = await companies.dashboard(admin, company.id, 3)
      assert.deepEqual(
        tomorrow.visitorsByDay.map((row) => row.checkins),
        [0, 5, 0],
      )
    })
  })
})
