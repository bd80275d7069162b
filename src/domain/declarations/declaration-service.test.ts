import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  buildColourServices,
  feverDeclared as fever,
  nothingDeclared as nothing,
  wellSymptoms as well,
} from '../../../test/support/colour-services.js'
import { forEachDialect } from '../../../test/support/dialects.js'
import {
  DAY,
  TEST_KEK,
  makeActor,
  makeCitizen,
  makeIssuers,
  rejectsWith,
  testClock,
} from '../../../test/support/domain-factories.js'
import { openStore } from '../../storage/open-store.js'
import type { Actor } from '../access/actor.js'
import type { ColourService } from '../colours/colour-service.js'
import type { HealthCodeService } from '../colours/health-code-service.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Person } from '../people/person.js'
import type { Store } from '../ports.js'
import type { DeclarationService } from './declaration-service.js'

forEachDialect((dialect) => {
  describe(`DeclarationService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let colours: ColourService
    let healthCodes: HealthCodeService
    let declarations: DeclarationService
    let clinician: Actor
    let otherClinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      ;({ colours, healthCodes, declarations } = buildColourServices(store, time, keys, 15))
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
      otherClinician = await makeActor(store, ['clinician'], 'ru-msk')
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)
    const feed = async (person: Person) =>
      (await store.transaction((tx) => tx.tracing.feed(person.id, 100))).filter(
        (item) => item.kind === 'colour-change',
      )

    it('turns a code yellow on a declared fever, and stores and lists the declaration', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      assert.equal((await healthCodes.current(actor, person.id)).colour, 'green')
      const { declaration, assessment } = await declarations.declare(actor, person.id, fever)
      assert.equal(assessment.colour, 'yellow')
      assert.deepEqual(
        assessment.reasons.map((reason) => reason.ruleId),
        ['fever'],
      )
      assert.equal(assessment.greenOn, '2026-11-30')
      assert.equal(declaration.declaredBy, actor.accountId)
      assert.equal(declaration.declaredAt, '2026-11-23T09:00:00.000Z')
      assert.deepEqual(
        (await declarations.declarations(actor, person.id)).map((stored) => stored.id),
        [declaration.id],
      )
      assert.deepEqual(
        (await feed(person)).map((item) => [item.data['from'], item.data['to']]),
        [['green', 'yellow']],
      )
      assert.equal((await colours.colourOf(person.id)).colour, 'yellow')
      // Declarations older than 30 days are no longer listed.
      time.advance(31 * DAY)
      assert.deepEqual(await declarations.declarations(actor, person.id), [])
    })

    it('lets staff of the person’s region declare and read, and refuses staff of another region and other citizens', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person } = await citizen()
      const { actor: stranger } = await citizen()
      const { assessment } = await declarations.declare(clinician, person.id, nothing)
      assert.equal(assessment.colour, 'green')
      assert.equal((await healthCodes.current(clinician, person.id)).colour, 'green')
      await rejectsWith(declarations.declare(otherClinician, person.id, fever), 'ERR_FORBIDDEN')
      await rejectsWith(healthCodes.current(otherClinician, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(declarations.declarations(stranger, person.id), 'ERR_FORBIDDEN')
      await rejectsWith(healthCodes.token(stranger, person.id), 'ERR_FORBIDDEN')
      // Nothing was stored by the refused declaration.
      assert.equal((await declarations.declarations(clinician, person.id)).length, 1)
    })

    it('refuses a declaration for nobody and one with impossible values, naming the field', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await rejectsWith(
        declarations.declare(clinician, '00000000-0000-4000-8000-000000000000', nothing),
        'ERR_NOT_FOUND',
      )
      await rejectsWith(
        declarations.declare(actor, person.id, {
          ...nothing,
          symptoms: { ...well, temperatureC: 50 },
        }),
        'ERR_INVALID_FIELD',
        'symptoms.temperatureC',
      )
      await rejectsWith(
        declarations.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-24', until: '2026-11-25' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].from',
      )
      // A day the calendar does not have (Date.parse would read it as 1 October).
      await rejectsWith(
        declarations.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-09-31', until: '2026-10-02' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].from',
      )
      await rejectsWith(
        declarations.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-20', until: '2026-11-19' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].until',
      )
      await rejectsWith(
        declarations.declare(actor, person.id, {
          ...nothing,
          visits: [{ areaCode: 'shanghai', from: '2026-11-19', until: '2026-11-20' }],
        }),
        'ERR_INVALID_FIELD',
        'visits[0].areaCode',
      )
      assert.deepEqual(await declarations.declarations(actor, person.id), [])
    })
  })
})
