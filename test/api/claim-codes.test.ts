import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

/** A new citizen account, signed in by cookie. */
interface Citizen {
  readonly headers: Record<string, string>
}

forEachDialect((dialect) => {
  describe(`POST /api/v1/me/claim (${dialect.name})`, () => {
    let t: TestApp
    let logins = 0
    let documents = 0
    before(async () => {
      t = await testApp(dialect.url(), {
        env: { CLAIM_ATTEMPT_LIMIT: '5', CLAIM_LOCK_MINUTES: '15' },
      })
    })
    after(() => t.close())

    async function citizen(): Promise<Citizen> {
      const registered = await t.request(undefined, 'POST', '/api/v1/auth/register', {
        login: `claimant${++logins}@example.org`,
        password: 'a long enough password',
        displayName: 'Claimant',
      })
      assert.equal(registered.statusCode, 201, registered.body)
      const cookies = [registered.headers['set-cookie'] ?? []].flat()
      const cookie = (cookies.find((c) => c.startsWith('hc_session=')) ?? '').split(';')[0] ?? ''
      return { headers: { cookie, 'x-csrf-token': registered.json().csrfToken as string } }
    }

    /** A record made by the clinic: its id, document, birth date and the slip's claim code. */
    async function clinicRecord(birthDate = '1961-08-19') {
      const document = { type: 'passport', number: `CLM${++documents}000`, country: 'RU' }
      const made = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ birthDate, document }),
      )
      assert.equal(made.statusCode, 201, made.body)
      return {
        id: made.json().id as string,
        document,
        birthDate,
        claimCode: made.json().claimCode as string,
      }
    }

    function claim(who: Citizen, body: Record<string, unknown>) {
      const { id: _id, ...payload } = body
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/me/claim',
        headers: who.headers,
        payload,
      })
    }

    it('answers a claim without the code, with a wrong code and with a wrong birth date alike', async () => {
      const record = await clinicRecord()
      const answers = [
        await claim(await citizen(), { document: record.document, birthDate: record.birthDate }),
        await claim(await citizen(), {
          document: record.document,
          birthDate: record.birthDate,
          claimCode: 'ABCDE-FGHJK',
        }),
        await claim(await citizen(), {
          document: record.document,
          birthDate: '1961-08-20',
          claimCode: record.claimCode,
        }),
        await claim(await citizen(), {
          document: { ...record.document, number: 'UNKNOWN999' },
          birthDate: record.birthDate,
          claimCode: record.claimCode,
        }),
      ]
      for (const answer of answers) {
        assert.equal(answer.statusCode, 422, answer.body)
        assert.deepEqual(answer.json(), answers[0]?.json())
        assert.equal(answer.json().error.code, 'ERR_CLAIM_MISMATCH')
      }
    })

    it('consumes the code on success: the same code cannot claim again', async () => {
      const record = await clinicRecord()
      const first = await citizen()
      const ok = await claim(first, record)
      assert.equal(ok.statusCode, 200, ok.body)
      assert.equal(ok.json().id, record.id)
      const again = await claim(await citizen(), record)
      assert.equal(again.statusCode, 422)
      assert.equal(again.json().error.code, 'ERR_CLAIM_MISMATCH')
    })

    it('locks an account out after 5 failures, even for the right values, until the lock ends', async () => {
      const record = await clinicRecord()
      const other = await clinicRecord()
      const attacker = await citizen()
      for (let i = 0; i < 5; i++) {
        const failed = await claim(attacker, { ...other, claimCode: 'ABCDE-FGHJK' })
        assert.equal(failed.json().error.code, 'ERR_CLAIM_MISMATCH')
      }
      const locked = await claim(attacker, record)
      assert.equal(locked.statusCode, 429, locked.body)
      assert.equal(locked.json().error.code, 'ERR_CLAIM_LOCKED')
      assert.equal(locked.headers['retry-after'], String(15 * 60))
      t.clock.advance(15 * 60_000 + 1000)
      const after = await claim(attacker, record)
      assert.equal(after.statusCode, 200, after.body)
    })

    it('locks the target record for every account after 5 failures against it', async () => {
      const record = await clinicRecord()
      for (let i = 0; i < 5; i++) {
        const failed = await claim(await citizen(), { ...record, claimCode: 'ABCDE-FGHJK' })
        assert.equal(failed.json().error.code, 'ERR_CLAIM_MISMATCH')
      }
      const second = await claim(await citizen(), record)
      assert.equal(second.statusCode, 429, second.body)
      assert.equal(second.json().error.code, 'ERR_CLAIM_LOCKED')
      assert.ok(Number(second.headers['retry-after']) > 0)
      t.clock.advance(15 * 60_000 + 1000)
      assert.equal((await claim(await citizen(), record)).statusCode, 200)
    })

    it('doubles the lock after the next 5 failures', async () => {
      const record = await clinicRecord()
      const attacker = await citizen()
      const wrong = { ...record, claimCode: 'ABCDE-FGHJK' }
      for (let i = 0; i < 5; i++) await claim(attacker, wrong)
      t.clock.advance(15 * 60_000 + 1000)
      for (let i = 0; i < 5; i++) {
        assert.equal((await claim(attacker, wrong)).json().error.code, 'ERR_CLAIM_MISMATCH')
      }
      const locked = await claim(attacker, wrong)
      assert.equal(locked.json().error.code, 'ERR_CLAIM_LOCKED')
      assert.equal(locked.headers['retry-after'], String(30 * 60))
      t.clock.advance(30 * 60_000 + 1000)
    })

    it('stops the 306-try birth-date search long before it finds the date', async () => {
      // The record's slip code is known to the attacker here: the birth date is what is guessed.
      const record = await clinicRecord('1961-11-02')
      const attacker = await citizen()
      let mismatches = 0
      let locked = 0
      const day = new Date('1961-01-01T00:00:00Z')
      for (let i = 0; i < 306; i++) {
        const birthDate = new Date(day.getTime() + i * 86_400_000).toISOString().slice(0, 10)
        const answer = await claim(attacker, { ...record, birthDate })
        assert.notEqual(answer.statusCode, 200, `found ${birthDate} after ${i + 1} tries`)
        if (answer.json().error.code === 'ERR_CLAIM_MISMATCH') mismatches++
        if (answer.json().error.code === 'ERR_CLAIM_LOCKED') locked++
      }
      assert.equal(mismatches, 5)
      assert.equal(locked, 301)
      t.clock.advance(24 * 3_600_000)
    })

    it('audits each failure with the account and without the values guessed', async () => {
      const record = await clinicRecord('1977-04-05')
      const attacker = await citizen()
      await claim(attacker, { ...record, birthDate: '1977-04-06', claimCode: 'ZZZZZ-ZZZZZ' })
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: attacker.headers })
      const entries = await t.store.transaction(async (tx) => {
        const all = []
        for await (const one of tx.audit.all()) all.push(one)
        return all
      })
      const failed = entries.filter(
        (entry) =>
          entry.action === 'person.claim.failed' && entry.actorAccountId === me.json().account.id,
      )
      assert.equal(failed.length, 1)
      assert.doesNotMatch(JSON.stringify(failed), /1977-04-06|ZZZZZ|CLM\d/)
      t.clock.advance(24 * 3_600_000)
    })

    it('lets the clinic issue a new code, and the old one stops working', async () => {
      const record = await clinicRecord()
      const reissued = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${record.id}/claim-code`,
      )
      assert.equal(reissued.statusCode, 201, reissued.body)
      const fresh = reissued.json().claimCode as string
      assert.notEqual(fresh, record.claimCode)
      const old = await claim(await citizen(), record)
      assert.equal(old.json().error.code, 'ERR_CLAIM_MISMATCH')
      const other = await t.request(
        t.otherRegionClinician,
        'POST',
        `/api/v1/people/${record.id}/claim-code`,
      )
      assert.equal(other.json().error.code, 'ERR_FORBIDDEN')
      const ok = await claim(await citizen(), { ...record, claimCode: fresh })
      assert.equal(ok.statusCode, 200, ok.body)
      const afterClaim = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${record.id}/claim-code`,
      )
      assert.equal(afterClaim.json().error.code, 'ERR_ALREADY_CLAIMED')
    })

    it('prints the code on the certificate for the clinic while the record is unclaimed', async () => {
      const record = await clinicRecord()
      const dose = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${record.id}/vaccinations`,
        {
          vaccine: 'J07BX03',
          product: 'Sputnik-V',
          manufacturer: 'Gamaleya-Research-Institute',
          doseNumber: 2,
          totalDoses: 2,
          date: '2026-06-01',
          country: 'RU',
        },
      )
      assert.equal(dose.statusCode, 201, dose.body)
      const issued = { json: () => dose.json().certificate as { id: string } }
      const pdfUrl = `/api/v1/certificates/${issued.json().id}/pdf`
      const printed = await pdfText((await t.request(t.users.clinician, 'GET', pdfUrl)).rawPayload)
      assert.ok(printed.includes(record.claimCode), printed)
      const holder = await citizen()
      assert.equal((await claim(holder, record)).statusCode, 200)
      const byHolder = await t.app.inject({ method: 'GET', url: pdfUrl, headers: holder.headers })
      assert.equal(byHolder.statusCode, 200)
      assert.ok(!(await pdfText(byHolder.rawPayload)).includes(record.claimCode))
      const reprinted = await pdfText(
        (await t.request(t.users.clinician, 'GET', pdfUrl)).rawPayload,
      )
      assert.ok(!reprinted.includes(record.claimCode))
    })
  })
})

async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise
  const content = await (await document.getPage(1)).getTextContent()
  return content.items.map((item) => ('str' in item ? item.str : '')).join('')
}
