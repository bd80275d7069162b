import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { checkAuditChainStream } from '../../src/domain/audit/audit-chain.js'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import { buildColourServices } from '../support/colour-services.js'
import { forEachDialect } from '../support/dialects.js'
import { TEST_KEK, type TestApp, personBody, testApp } from './test-app.js'

// The test clock stands at 2026-11-23T09:00:00Z.

forEachDialect((dialect) => {
  describe(`strict input at the edge (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(async () => {
      await t.close()
    })

    const riskAreaCount = () =>
      t.store.transaction(
        async (tx) => (await tx.health.riskAreas({ includeSuperseded: true })).length,
      )

    describe('POST /api/v1/risk-areas', () => {
      const area = (from: string, until?: string) => ({
        areaCode: 'CN-SH-PD',
        name: 'Pudong',
        level: 'high',
        from,
        ...(until === undefined ? {} : { until }),
      })

      for (const [name, body, field] of [
        ['a day that does not exist (2024-02-30)', area('2024-02-30'), 'from'],
        ['29 February of a common year', area('2023-02-29'), 'from'],
        ['the year 1899', area('1899-06-01'), 'from'],
        ['the year 9999 as its end', area('2026-11-01', '9999-12-31'), 'until'],
        ['a start in the future', area('2026-11-24'), 'from'],
        ['an end before its start', area('2026-11-10', '2026-11-09'), 'until'],
      ] as const) {
        it(`refuses ${name} with 400 ERR_VALIDATION naming the field, storing nothing`, async () => {
          const before = await riskAreaCount()
          const answer = await t.request(
            t.users.health_authority,
            'POST',
            '/api/v1/risk-areas',
            body,
          )
          assert.equal(answer.statusCode, 400, answer.body)
          assert.deepEqual(
            [answer.json().error.code, answer.json().error.field],
            ['ERR_VALIDATION', field],
          )
          assert.equal(await riskAreaCount(), before)
        })
      }

      it('accepts a real start by today and a planned end ahead', async () => {
        const answer = await t.request(
          t.users.health_authority,
          'POST',
          '/api/v1/risk-areas',
          area('2026-11-20', '2027-01-31'),
        )
        assert.equal(answer.statusCode, 201, answer.body)
      })
    })

    describe('dates elsewhere', () => {
      it('refuses a birth date before 1900 or after today, and 2023-02-29', async () => {
        for (const birthDate of ['1899-12-31', '2026-11-24', '2023-02-29', '2024-13']) {
          const answer = await t.request(
            t.users.clinician,
            'POST',
            '/api/v1/people',
            personBody({
              birthDate,
              document: { type: 'passport', number: 'B10001', country: 'RU' },
            }),
          )
          assert.equal(answer.statusCode, 400, `${birthDate}: ${answer.body}`)
          assert.deepEqual(
            [answer.json().error.code, answer.json().error.field],
            ['ERR_VALIDATION', 'birthDate'],
          )
        }
      })

      it('refuses a vaccination before December 2019 and a declared stay in the wrong order', async () => {
        const person = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'passport', number: 'D10001', country: 'RU' } }),
        )
        const id = person.json().id as string
        const vaccination = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${id}/vaccinations`,
          {
            vaccine: 'J07BX03',
            product: 'EU/1/20/1528',
            manufacturer: 'ORG-100030215',
            doseNumber: 1,
            totalDoses: 2,
            date: '2019-11-30',
            country: 'RU',
          },
        )
        assert.deepEqual(
          [vaccination.statusCode, vaccination.json().error.field],
          [400, 'date'],
          vaccination.body,
        )
        const declaration = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${id}/declarations`,
          {
            symptoms: {},
            visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-20', until: '2026-11-19' }],
          },
        )
        assert.deepEqual(
          [declaration.statusCode, declaration.json().error.field],
          [400, 'visits[0].until'],
          declaration.body,
        )
      })
    })

    describe('control characters', () => {
      const cases: [string, string, string, Record<string, unknown>, string][] = [
        [
          'NUL in a sign-in login',
          'POST',
          '/api/v1/auth/sign-in',
          { login: 'a\u0000b', password: 'x' },
          'login',
        ],
        [
          'NUL in a sign-in password',
          'POST',
          '/api/v1/auth/sign-in',
          { login: 'clinician@test', password: 'x\u0000' },
          'password',
        ],
        [
          'NUL in a registration',
          'POST',
          '/api/v1/auth/register',
          { login: 'new@test.example', password: 'long enough password', displayName: 'New\u0000' },
          'displayName',
        ],
        [
          'U+0085 (C1) in a family name',
          'POST',
          '/api/v1/people',
          personBody({
            familyName: 'Pe\u0085trov',
            document: { type: 'passport', number: 'C10001', country: 'RU' },
          }),
          'familyName',
        ],
        [
          'U+202E (bidi override) in a document number',
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'passport', number: 'C2000\u202e', country: 'RU' } }),
          'document.number',
        ],
        [
          'NUL in a risk-rule key',
          'PUT',
          '/api/v1/risk-rules',
          { rules: [{ 'id\u0000': 'x' }] },
          'rules[0].id\u0000',
        ],
      ]
      for (const [name, method, url, body, field] of cases) {
        it(`answers 400 ERR_VALIDATION naming the field for ${name}`, async () => {
          const user = url.startsWith('/api/v1/auth')
            ? undefined
            : url.includes('risk-rules')
              ? t.users.health_authority
              : t.users.clinician
          const answer = await t.request(user, method, url, body)
          assert.equal(answer.statusCode, 400, answer.body)
          assert.deepEqual(
            [answer.json().error.code, answer.json().error.field],
            ['ERR_VALIDATION', field],
          )
        })
      }

      it('keeps tabs and line breaks in a reason', async () => {
        const person = await t.request(
          t.users.clinician,
          'POST',
          '/api/v1/people',
          personBody({ document: { type: 'passport', number: 'R10001', country: 'RU' } }),
        )
        const answer = await t.request(
          t.users.clinician,
          'PATCH',
          `/api/v1/people/${person.json().id}`,
          { givenName: 'Пётр', reason: 'typo in the\npassport scan\tfixed' },
        )
        assert.equal(answer.statusCode, 200, answer.body)
      })
    })
  })

  describe(`failures stay local (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(async () => {
      await t.close()
    })

    it('a bad risk area stored directly breaks only itself: codes, tokens, declarations and check-ins go on', async () => {
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'L10001', country: 'RU' } }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const id = person.json().id as string
      const mine = await t.request(t.users.citizen, 'POST', '/api/v1/me/person', {
        ...personBody({ document: { type: 'passport', number: 'L20002', country: 'RU' } }),
        issuerId: 'ru-spb',
      })
      assert.equal(mine.statusCode, 201, mine.body)
      const venue = await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
        name: 'Hermitage',
        category: 'museum',
        address: 'Palace Square 2',
        district: 'RU-SPB-ADM',
      })
      assert.equal(venue.statusCode, 201, venue.body)
      // Written past the API, as a store restored from an old version might hold them.
      const bad = await t.store.transaction(async (tx) => [
        await tx.health.addRiskArea({
          issuerId: 'ru-spb',
          areaCode: 'CN-SH-PD',
          name: 'impossible day',
          level: 'high',
          from: '2024-02-30',
          until: undefined,
          createdBy: t.users.health_authority.account.id,
          createdAt: '2026-11-23T08:00:00.000Z',
        }),
        await tx.health.addRiskArea({
          issuerId: 'ru-spb',
          areaCode: 'CN-BJ',
          name: 'far future',
          level: 'medium',
          from: '2026-11-01',
          until: '9999-12-31',
          createdBy: t.users.health_authority.account.id,
          createdAt: '2026-11-23T08:00:00.000Z',
        }),
      ])
      // A rule change recomputes everyone.
      const rules = await t.request(undefined, 'GET', '/api/v1/risk-rules')
      const stored = await t.request(t.users.health_authority, 'PUT', '/api/v1/risk-rules', {
        rules: rules.json().rules,
        note: 'same rules again',
      })
      assert.equal(stored.statusCode, 201, stored.body)
      const code = await t.request(t.users.clinician, 'GET', `/api/v1/people/${id}/health-code`)
      assert.equal(code.statusCode, 200, code.body)
      const token = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${id}/health-code/token`,
      )
      assert.equal(token.statusCode, 200, token.body)
      const declared = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${mine.json().id}/declarations`,
        {
          symptoms: { cough: true },
          visits: [{ areaCode: 'CN-SH-PD', from: '2026-11-10', until: '2026-11-12' }],
        },
      )
      assert.equal(declared.statusCode, 201, declared.body)
      const checkin = await t.request(t.users.citizen, 'POST', '/api/v1/checkins', {
        venueCode: venue.json().posterCode,
        clientId: randomUUID(),
      })
      assert.equal(checkin.statusCode, 201, checkin.body)
      // Time passes: the minute job recomputes the codes due (it stopped at the first bad area),
      // and a read recomputes the others, all without the bad areas.
      const yellow = await t.store.transaction((tx) => tx.health.healthCode(mine.json().id))
      assert.notEqual(yellow?.assessment.reassessAt, undefined)
      t.clock.advance(20 * 86_400_000)
      const { colours } = buildColourServices(
        t.store,
        t.clock,
        new SigningKeyService(t.store, t.clock, KeyVault.fromText(TEST_KEK)),
        5,
      )
      assert.equal(await colours.reassessDue(), 1)
      const recomputed = await t.store.transaction((tx) => tx.health.healthCode(mine.json().id))
      assert.equal(recomputed?.assessment.evaluatedAt, t.clock().toISOString())
      const due = await t.request(t.users.clinician, 'GET', `/api/v1/people/${id}/health-code`)
      assert.equal(due.statusCode, 200, due.body)

      // The authority sees each bad area once, and so does the audit log.
      const problems = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/health-code/problems',
      )
      assert.equal(problems.statusCode, 200, problems.body)
      const areaProblems = problems
        .json()
        .problems.filter((p: { kind: string }) => p.kind === 'risk-area')
      assert.deepEqual(
        areaProblems.map((p: { id: string; field: string }) => [p.id, p.field]).sort(),
        bad.map((area) => [area.id, area.areaCode === 'CN-BJ' ? 'until' : 'from']).sort(),
      )
      const audited = await t.store.transaction(async (tx) => {
        const found: string[] = []
        for await (const entry of tx.audit.all()) {
          if (entry.action === 'health.input-problem') found.push(entry.entityId ?? '')
        }
        return found
      })
      // Each process reports a problem once (this app, and the job's service above).
      assert.deepEqual([...new Set(audited)].sort(), bad.map((area) => area.id).sort())
      const chain = await t.store.transaction((tx) => checkAuditChainStream(tx.audit.all()))
      assert.equal(chain.intact, true)
    })

    it('refuses a declaration the engine cannot evaluate, and does not store it', async () => {
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'L30003', country: 'RU' } }),
      )
      const id = person.json().id as string
      const other = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: 'L40004', country: 'RU' } }),
      )
      // A test stored with a sample time that is not a time (an import past the API).
      await t.store.transaction((tx) =>
        tx.records.create({
          personId: id,
          issuerId: 'ru-spb',
          kind: 'test',
          data: {
            disease: '840539006',
            testType: 'LP6464-4',
            sampledAt: '2026-02-30T10:00:00Z',
            result: '260415000',
            centre: 'Lab',
            country: 'RU',
          },
          recordedBy: t.users.clinician.account.id,
          recordedAt: '2026-11-22T10:00:00.000Z',
        }),
      )
      const declarations = () =>
        t.store.transaction(
          async (tx) => (await tx.health.declarations(id, '2026-01-01T00:00:00Z')).length,
        )
      const answer = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${id}/declarations`,
        {
          symptoms: { fever: true },
        },
      )
      assert.equal(answer.statusCode, 422, answer.body)
      assert.equal(answer.json().error.code, 'ERR_HEALTH_INPUT')
      assert.equal(await declarations(), 0)
      // Nobody else is affected.
      const fine = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${other.json().id}/health-code/token`,
      )
      assert.equal(fine.statusCode, 200, fine.body)
      const problems = await t.request(
        t.users.health_authority,
        'GET',
        '/api/v1/health-code/problems',
      )
      const mine = problems.json().problems.filter((p: { id: string }) => p.id === id)
      assert.equal(mine.length, 1, problems.body)
      assert.equal(mine[0].field, 'tests[0].sampledAt')
    })
  })
})
