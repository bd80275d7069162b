import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  buildColourServices,
  feverDeclared as fever,
  nothingDeclared as nothing,
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
import type { DeclarationService } from '../declarations/declaration-service.js'
import { KeyVault } from '../keys/key-vault.js'
import { SigningKeyService } from '../keys/signing-key-service.js'
import type { Person } from '../people/person.js'
import type { Store } from '../ports.js'
import type { ColourService } from './colour-service.js'
import type { HealthCodeService } from './health-code-service.js'

forEachDialect((dialect) => {
  describe(`ColourService (${dialect.name})`, () => {
    let store: Store
    const time = testClock('2026-11-23T09:00:00.000Z')
    let colours: ColourService
    let healthCodes: HealthCodeService
    let declarations: DeclarationService
    let authority: Actor
    let clinician: Actor

    before(async () => {
      store = await openStore(dialect.url())
      await makeIssuers(store)
      const keys = new SigningKeyService(store, time, KeyVault.fromText(TEST_KEK))
      ;({ colours, healthCodes, declarations } = buildColourServices(store, time, keys, 15))
      authority = await makeActor(store, ['health_authority'], 'ru-spb')
      clinician = await makeActor(store, ['clinician'], 'ru-spb')
    })
    after(() => store.close())

    const citizen = () => makeCitizen(store, 'ru-spb', time)
    const feed = async (person: Person) =>
      (await store.transaction((tx) => tx.tracing.feed(person.id, 100))).filter(
        (item) => item.kind === 'colour-change',
      )

    it('keeps a fever yellow past its seven days while no clean declarations come', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await declarations.declare(actor, person.id, fever)
      time.set('2026-12-01T09:00:00.000Z')
      const assessment = await healthCodes.current(actor, person.id)
      assert.equal(assessment.colour, 'yellow')
      assert.ok((assessment.greenOn ?? '') > '2026-12-01', assessment.greenOn)
    })

    it('turns a fever green on its day after daily clean declarations, by time alone, and counts it among the due', async () => {
      time.set('2026-11-23T09:00:00.000Z')
      const { person, actor } = await citizen()
      await declarations.declare(actor, person.id, fever)
      for (let day = 1; day <= 6; day++) {
        time.advance(DAY)
        await declarations.declare(actor, person.id, nothing)
      }
      assert.equal((await colours.colourOf(person.id)).colour, 'yellow')
      const stored = async () =>
        (await store.transaction((tx) => tx.health.healthCode(person.id)))?.assessment.colour
      assert.equal(await colours.reassessDue(), 0)
      // Midnight of the green day: nothing new is declared, the time alone changes the colour.
      time.set('2026-11-30T00:00:01.000Z')
      assert.equal(await stored(), 'yellow')
      assert.ok((await colours.reassessDue()) >= 1)
      assert.equal(await stored(), 'green')
      assert.equal(await colours.reassessDue(), 0)
      assert.equal((await healthCodes.current(actor, person.id)).colour, 'green')
      assert.equal((await colours.colourOf(person.id)).colour, 'green')
      assert.deepEqual(
        (await feed(person)).map((item) => [item.data['from'], item.data['to']]),
        [['yellow', 'green']],
      )
    })

    it('refuses the input problems to anyone but the health authority', async () => {
      assert.ok(Array.isArray(await colours.inputProblems(authority)))
      await rejectsWith(colours.inputProblems(clinician), 'ERR_FORBIDDEN')
      const { actor } = await citizen()
      await rejectsWith(colours.inputProblems(actor), 'ERR_FORBIDDEN')
    })
  })
})
