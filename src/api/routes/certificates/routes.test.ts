import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../../../../test/support/dialects.js'
import { type TestApp, type TestUser, personBody, testApp } from '../../../../test/api/test-app.js'
import { legacyUvciCheckCharacter, uvciCheckCharacter } from '../../../domain/certificates/uvci.js'

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 1,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}

interface FoundCertificate {
  id: string
  uvci: string
  kind: string
  status: string
  statusReason?: string
  statusChangedAt?: string
  issuedAt: string
  holder: { personId: string; familyName: string; givenName: string; birthDate: string }
}

forEachDialect((dialect) => {
  describe(`GET /api/v1/certificates (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    let documentNumber = 0
    /** A person of the clinician's region with one vaccination certificate. */
    async function vaccinated(
      clinician: TestUser,
      overrides: Record<string, unknown> = {},
    ): Promise<{ personId: string; certificate: { id: string; uvci: string; qr: string } }> {
      const person = await t.request(
        clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: `SRCH${++documentNumber}`, country: 'RU' },
          ...overrides,
        }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const dose = await t.request(
        clinician,
        'POST',
        `/api/v1/people/${person.json().id}/vaccinations`,
        sputnikDose,
      )
      assert.equal(dose.statusCode, 201, dose.body)
      return { personId: person.json().id, certificate: dose.json().certificate }
    }

    const search = async (user: TestUser, query: string) => {
      const answer = await t.request(user, 'GET', `/api/v1/certificates?${query}`)
      assert.equal(answer.statusCode, 200, answer.body)
      return answer.json().certificates as FoundCertificate[]
    }

    it('finds a certificate by its UVCI as typed, with its holder, for an administrator and the authority', async () => {
      const { personId, certificate } = await vaccinated(t.users.clinician, {
        familyName: 'Соколова',
        givenName: 'Мария',
        birthDate: '1971-05-09',
      })
      // Lower case and without the URN:UVCI: prefix, as someone might type it from a printout.
      const typed = certificate.uvci.replace(/^URN:UVCI:/, '').toLowerCase()
      for (const user of [t.users.administrator, t.users.health_authority]) {
        const found = await search(user, `uvci=${encodeURIComponent(typed)}`)
        assert.equal(found.length, 1)
        const [hit] = found
        assert.equal(hit?.id, certificate.id)
        assert.equal(hit?.uvci, certificate.uvci)
        assert.equal(hit?.kind, 'vaccination')
        assert.equal(hit?.status, 'valid')
        assert.deepEqual(
          {
            personId: hit?.holder.personId,
            familyName: hit?.holder.familyName,
            givenName: hit?.holder.givenName,
            birthDate: hit?.holder.birthDate,
          },
          { personId, familyName: 'Соколова', givenName: 'Мария', birthDate: '1971-05-09' },
        )
      }
      assert.deepEqual(await search(t.users.administrator, 'uvci=URN%3AUVCI%3A01%3ARU%3ANONE'), [])
    })

    it('refuses a UVCI whose check character does not check, and finds one issued with the old check', async () => {
      const { certificate } = await vaccinated(t.users.clinician)
      const body = certificate.uvci.slice(0, certificate.uvci.indexOf('#'))
      // The guidelines' Luhn mod 38 over the whole UVCI is what we issue now.
      assert.equal(certificate.uvci, `${body}#${uvciCheckCharacter(body)}`)
      // A mistyped last character whose UVCI neither check accepts with the old check character.
      const check = uvciCheckCharacter(body)
      const mistyped = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']
        .map((char) => body.slice(0, -1) + char)
        .find(
          (typo) =>
            typo !== body &&
            uvciCheckCharacter(typo) !== check &&
            legacyUvciCheckCharacter(typo) !== check,
        )
      assert.ok(mistyped)
      const wrong = await t.request(
        t.users.administrator,
        'GET',
        `/api/v1/certificates?uvci=${encodeURIComponent(`${mistyped}#${check}`)}`,
      )
      assert.equal(wrong.statusCode, 400, wrong.body)
      assert.equal(wrong.json().error.code, 'ERR_UVCI_CHECK')
      assert.equal(wrong.json().error.field, 'uvci')
      // A certificate issued before the change carries the Luhn mod 36 check: still found.
      const issued = await t.store.transaction((tx) => tx.certificates.find(certificate.id))
      assert.ok(issued)
      const oldBody = 'URN:UVCI:01:RU:RUSPB/0A1B2C3D4E5F6G7H8I9J'
      const oldUvci = `${oldBody}#${legacyUvciCheckCharacter(oldBody)}`
      assert.notEqual(legacyUvciCheckCharacter(oldBody), uvciCheckCharacter(oldBody))
      const { id, status, statusReason, statusChangedAt, statusChangedBy, ...rest } = issued
      const old = await t.store.transaction((tx) =>
        tx.certificates.create({ ...rest, uvci: oldUvci }),
      )
      const found = await search(t.users.administrator, `uvci=${encodeURIComponent(oldUvci)}`)
      assert.deepEqual(
        found.map((hit) => hit.id),
        [old.id],
      )
    })

    it("keeps to the caller's issuer: another region's certificate is not found, and its list is refused", async () => {
      const moscow = await vaccinated(t.otherRegionClinician)
      const uvci = encodeURIComponent(moscow.certificate.uvci)
      assert.deepEqual(await search(t.users.administrator, `uvci=${uvci}`), [])
      const elsewhere = await t.request(
        t.users.administrator,
        'GET',
        `/api/v1/certificates?issuerId=ru-mow&uvci=${uvci}`,
      )
      assert.equal(elsewhere.statusCode, 403, elsewhere.body)
      assert.equal(elsewhere.json().error.code, 'ERR_FORBIDDEN')
      // The federal administrator acts for the regions under it.
      const federal = await search(t.federalAdmin, `issuerId=ru-mow&uvci=${uvci}`)
      assert.equal(federal[0]?.id, moscow.certificate.id)
    })

    it('refuses staff who do not revoke, and a status it does not know', async () => {
      for (const user of [t.users.clinician, t.users.commission_member, t.users.citizen]) {
        const answer = await t.request(user, 'GET', '/api/v1/certificates?status=revoked')
        assert.equal(answer.statusCode, 403, answer.body)
        assert.equal(answer.json().error.code, 'ERR_FORBIDDEN')
      }
      const unknown = await t.request(
        t.users.administrator,
        'GET',
        '/api/v1/certificates?status=expired',
      )
      assert.equal(unknown.statusCode, 400, unknown.body)
      assert.equal(unknown.json().error.code, 'ERR_VALIDATION')
    })

    it('lists revoked certificates latest revocation first, with reasons and times, page by page', async () => {
      const first = await vaccinated(t.users.clinician)
      const second = await vaccinated(t.users.clinician)
      const kept = await vaccinated(t.users.clinician)
      const revoke = async (id: string, reason: string) => {
        const answer = await t.request(
          t.users.health_authority,
          'POST',
          `/api/v1/certificates/${id}/revoke`,
          { reason },
        )
        assert.equal(answer.statusCode, 200, answer.body)
      }
      await revoke(first.certificate.id, 'issued to the wrong person')
      t.clock.advance(60_000)
      await revoke(second.certificate.id, 'forged vaccination record')

      const revoked = await search(t.users.administrator, 'status=revoked')
      const mine = revoked.filter((c) =>
        [first.certificate.id, second.certificate.id, kept.certificate.id].includes(c.id),
      )
      assert.deepEqual(
        mine.map((c) => [c.id, c.status, c.statusReason]),
        [
          [second.certificate.id, 'revoked', 'forged vaccination record'],
          [first.certificate.id, 'revoked', 'issued to the wrong person'],
        ],
      )
      assert.equal(mine[1]?.statusChangedAt, '2026-11-23T09:00:00.000Z')
      assert.equal(mine[0]?.statusChangedAt, '2026-11-23T09:01:00.000Z')
      assert.deepEqual(
        (await search(t.users.administrator, 'status=revoked&limit=1&offset=1')).map((c) => c.id),
        [revoked[1]?.id],
      )
      const valid = await search(t.users.administrator, 'status=valid&limit=500')
      assert.ok(valid.some((c) => c.id === kept.certificate.id))
      assert.ok(valid.every((c) => c.status === 'valid'))
    })
  })
})
